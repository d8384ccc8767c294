#!/usr/bin/env bash
# Every test the project has, in the order that fails fastest: types, lint, unit tests
# (vitest, including the CLI's end-to-end tests), then a closing "N passed, N failed" line.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -d node_modules ]; then
  echo "== installing dependencies (npm ci)"
  npm ci --no-audit --no-fund
fi

echo "== typecheck"
npx tsc --noEmit -p .

echo "== lint"
npx eslint --max-warnings=0 .

echo "== unit and CLI tests"
report="$(mktemp -d)/vitest.json"
status=0
npx vitest run --reporter=default --reporter=json --outputFile.json="$report" || status=$?

node -e '
  const r = require(process.argv[1]);
  console.log(`tests: ${r.numPassedTests} passed, ${r.numFailedTests} failed`);
' "$report" || echo "tests: 0 passed, 1 failed"
exit $status
