#!/usr/bin/env bash
# `npm test`: the whole suite on a fresh Debian machine. Installs the engines it needs, type-checks
# everything, then runs every vitest file and closes with one line, "tests: N passed, N failed",
# that CI can read.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-tools.sh
# The only type check before `pulumi preview` and `pulumi up`: the workflows run them
# transpile-only (PULUMI_NODEJS_TRANSPILE_ONLY) after this job.
npm run --silent typecheck
mkdir -p .tmp
status=0
npx vitest run --reporter=default --reporter=json --outputFile.json=.tmp/vitest.json "$@" || status=$?
node -e '
  const r = JSON.parse(require("fs").readFileSync(".tmp/vitest.json", "utf8"));
  console.log(`tests: ${r.numPassedTests} passed, ${r.numFailedTests} failed` + (r.numPendingTests ? `, ${r.numPendingTests} skipped` : ""));
' || true
exit "$status"
