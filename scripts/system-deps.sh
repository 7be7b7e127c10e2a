#!/usr/bin/env bash
# Debian packages the integration tests need: Chromium for the browser tests, CJK fonts for
# screenshots, PostgreSQL for the scale-out tests. Installs only what is missing.
# With --app, only what the app itself needs: the CJK fonts of share cards and posters.
set -euo pipefail
need=()
dpkg -s fonts-noto-cjk >/dev/null 2>&1 || need+=(fonts-noto-cjk)
if [ "${1:-}" != "--app" ]; then
  [ -x /usr/bin/chromium ] || need+=(chromium)
  ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need+=(postgresql)
  # pdftoppm renders poster pages for the QR check in tests/web/test_answer_pages.py
  command -v pdftoppm >/dev/null 2>&1 || need+=(poppler-utils)
  # node and npm install axe-core for the accessibility checks (scripts/js-deps.sh); a NodeSource
  # nodejs already carries npm, Debian's splits it into its own package
  command -v node >/dev/null 2>&1 || need+=(nodejs)
  command -v npm >/dev/null 2>&1 || need+=(npm)
fi
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" != 0 ]; then SUDO=sudo; else SUDO=""; fi
  echo "Installing Debian packages: ${need[*]}" >&2
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
