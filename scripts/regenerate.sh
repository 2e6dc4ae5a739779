#!/usr/bin/env bash
# `npm run regenerate`: rewrites everything the repository holds that is generated from code and
# config, in the one order that leaves nothing stale: the measured times first (the alert guide
# shows them), then the dashboards' snapshots, then the documents (the configuration reference,
# docs/alerts.md from the team's prod stack, the dashboards' layout pictures). A test names this
# command whenever one of them is stale.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-tools.sh
AIN_WRITE_MEASURED=1 npx vitest run test/alerts/incidents.test.ts --reporter=dot
npx vitest run test/dashboards/structure.test.ts --reporter=dot --update=all
npm run --silent docs
