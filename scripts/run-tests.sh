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
# Two workers (one a core): much of the suite waits on the app servers and browsers it starts. A test
# file stays on one worker, so its module fixtures are built once. ASKSCI_TEST_WORKERS=0 runs in-process.
workers=${ASKSCI_TEST_WORKERS:-2}
if [ "$workers" = 0 ]; then
  .venv/bin/python -m pytest "$@"
  rc=$?
elif [ "$#" -gt 0 ]; then
  .venv/bin/python -m pytest -n "$workers" --dist loadfile "$@"
  rc=$?
else
  # tests marked `alone` (the soak: its traffic and timings must be its own) run after the rest, by themselves
  .venv/bin/python -m pytest -n "$workers" --dist loadfile -m "not alone"
  rc=$?
  .venv/bin/python -m pytest -m alone
  alone=$?
  if [ "$rc" = 0 ]; then rc=$alone; fi
fi
set -e
if [ "$rc" = 5 ]; then
  echo "pytest collected no tests: treating this as a failure" >&2
  exit 1
fi
exit "$rc"
