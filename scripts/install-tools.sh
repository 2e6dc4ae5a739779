#!/usr/bin/env bash
# Installs the real engines the tests run against, from Debian's packages, when they are missing:
# promtool (prometheus), amtool (prometheus-alertmanager), the blackbox exporter, and PostgreSQL 15. Idempotent and quiet when all
# are present, so `npm test` can call it every time.
set -euo pipefail

need=()
command -v promtool >/dev/null 2>&1 || need+=(prometheus)
command -v prometheus-blackbox-exporter >/dev/null 2>&1 || need+=(prometheus-blackbox-exporter)
command -v amtool >/dev/null 2>&1 || need+=(prometheus-alertmanager)
{ [ -x /usr/lib/postgresql/15/bin/initdb ] || command -v initdb >/dev/null 2>&1; } || need+=(postgresql-15)

if [ ${#need[@]} -gt 0 ]; then
  echo "install-tools: installing ${need[*]} from Debian's packages"
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
