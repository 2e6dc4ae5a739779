#!/usr/bin/env bash
# `npm test`: the whole suite on a fresh Debian machine. Installs the engines it needs, type-checks
# the program as `pulumi preview` would, then runs every vitest file.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-tools.sh
npx tsc --noEmit -p .
npx vitest run "$@"
