#!/usr/bin/env bash
# npm packages the browser tests need (axe-core for the accessibility checks), exactly as pinned in
# tests/web/package-lock.json, installed into tests/web/node_modules. Runs after system-deps.sh
# (which provides node and npm). When the installed copy matches the lock it does nothing.
set -euo pipefail
cd "$(dirname "$0")/.."
dir=tests/web
stamp="$dir/node_modules/.askscience-lock.sha256"
want="$(sha256sum "$dir/package-lock.json" | cut -d' ' -f1)"
if [ -f "$dir/node_modules/axe-core/axe.min.js" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$want" ]; then
  exit 0
fi
echo "Installing npm packages for the browser tests (tests/web/package-lock.json)" >&2
npm ci --prefix "$dir" --no-audit --no-fund --ignore-scripts --loglevel=error
echo "$want" > "$stamp"
