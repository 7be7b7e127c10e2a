#!/usr/bin/env bash
# Install everything and run the web app (first start builds the starter knowledge base).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/system-deps.sh --app
bash scripts/bootstrap.sh
# Two malloc arenas: with one per thread the resident size kept growing under load (docs/reliability.md)
export MALLOC_ARENA_MAX="${MALLOC_ARENA_MAX:-2}"
exec .venv/bin/askscience serve "$@"
