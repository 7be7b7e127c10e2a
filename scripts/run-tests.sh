#!/usr/bin/env bash
# Install everything (Python packages and the Debian packages the browser tests need) and run
# the whole test suite, integration tests included. Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/system-deps.sh
bash scripts/js-deps.sh
bash scripts/bootstrap.sh --dev
.venv/bin/ruff check .
set +e
.venv/bin/python -m pytest "$@"
rc=$?
set -e
if [ "$rc" = 5 ]; then
  echo "pytest collected no tests: treating this as a failure" >&2
  exit 1
fi
exit "$rc"
