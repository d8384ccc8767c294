#!/usr/bin/env bash
# npm run test:e2e - Playwright against the production build and a throwaway database.
# Installs Debian's Chromium when it is missing (never `npx playwright install`).
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -x /usr/bin/chromium ]; then
  echo "test-e2e: installing Debian's chromium" >&2
  if [ "$(id -u)" -eq 0 ]; then
    apt-get update -qq && apt-get install -y -qq chromium
  else
    sudo apt-get update -qq && sudo apt-get install -y -qq chromium
  fi
fi

# The fake AUTOMATIC1111 server of the e2e answers with one of opencv-doc's photographs.
bash scripts/test-photos.sh

export NEXT_TELEMETRY_DISABLED=1
exec npx playwright test "$@"
