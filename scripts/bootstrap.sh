#!/usr/bin/env bash
# Create .venv at the repository root and install the project (and, with --dev, what the tests need).
# Re-running is cheap: pip runs again only when pyproject.toml changed.
set -euo pipefail
cd "$(dirname "$0")/.."
extra=""
if [ "${1:-}" = "--dev" ]; then extra="[dev]"; fi
py=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$py" -m venv .venv
  .venv/bin/python -m pip install --quiet --upgrade pip
fi
stamp=".venv/.installed$(echo "$extra" | tr -d '[]')"
want="$(sha256sum pyproject.toml | cut -d' ' -f1)"
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  echo "Installing Python packages into .venv ..." >&2
  .venv/bin/python -m pip install --quiet -e ".$extra"
  echo "$want" > "$stamp"
fi
# Bytecode for the project's own modules: where PYTHONDONTWRITEBYTECODE is set, every start (and every app
# a test starts) would otherwise compile them from source again. Stale files are simply recompiled.
.venv/bin/python -m compileall -q -j 0 app.py bot ingest knowledge scripts tests || true
