#!/usr/bin/env bash
# Install everything and run the web app (first start builds the starter knowledge base).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/system-deps.sh --app
bash scripts/bootstrap.sh
exec .venv/bin/askscience serve "$@"
