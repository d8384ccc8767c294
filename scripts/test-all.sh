#!/usr/bin/env bash
# Every test the project has, in the order that fails fastest: types, lint, unit and CLI tests
# (vitest), the data-layer tests again on PostgreSQL (scripts/test-postgres.sh), then the browser
# tests (Playwright on Debian's Chromium against the production build and a throwaway database),
# and a closing "N passed, N failed" line over all of them.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -d node_modules ]; then
  echo "== installing dependencies (npm ci)"
  npm ci --no-audit --no-fund
fi
# The Prisma client is generated (git-ignored); npm ci's postinstall makes it, this covers old checkouts.
[ -d generated/prisma ] && [ -d generated/prisma-postgres ] || npm run -s db:generate

echo "== typecheck"
npx tsc --noEmit -p .

echo "== lint"
npx eslint --max-warnings=0 .

reports="$(mktemp -d)"
status=0

bash scripts/test-photos.sh
echo "== unit and CLI tests (vitest)"
npx vitest run --reporter=default --reporter=json --outputFile.json="$reports/vitest.json" || status=$?

echo "== data-layer tests on PostgreSQL (vitest)"
bash scripts/test-postgres.sh --reporter=default --reporter=json --outputFile.json="$reports/postgres.json" || status=$?

echo "== browser tests (Playwright)"
PLAYWRIGHT_JSON_OUTPUT_NAME="$reports/playwright.json" bash scripts/test-e2e.sh --reporter=list,json || status=$?

node -e '
  const fs = require("node:fs");
  const read = (file) => { try { return JSON.parse(fs.readFileSync(file, "utf8")); } catch { return undefined; } };
  const unit = read(process.argv[1]);
  const e2e = read(process.argv[2]);
  const postgres = read(process.argv[3]);
  let passed = 0, failed = 0;
  for (const vitest of [unit, postgres]) {
    if (vitest) { passed += vitest.numPassedTests; failed += vitest.numFailedTests; } else failed += 1;
  }
  if (e2e) { passed += e2e.stats.expected; failed += e2e.stats.unexpected + e2e.stats.flaky; } else failed += 1;
  console.log(`tests: ${passed} passed, ${failed} failed`);
' "$reports/vitest.json" "$reports/playwright.json" "$reports/postgres.json"
exit $status
