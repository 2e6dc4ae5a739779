#!/usr/bin/env bash
# Installs the real engines the tests run against, from Debian's packages, when they are missing:
# promtool (prometheus), amtool (prometheus-alertmanager), the blackbox exporter, and the
# distribution's PostgreSQL server, whichever major it ships (15 on Debian 12, 16 on Ubuntu 24.04,
# whose GitHub runners have it already). Idempotent and quiet when all are present, so `npm test`
# can call it every time. test/support/postgres.ts finds initdb the same way.
set -euo pipefail

need=()
command -v promtool >/dev/null 2>&1 || need+=(prometheus)
command -v prometheus-blackbox-exporter >/dev/null 2>&1 || need+=(prometheus-blackbox-exporter)
command -v amtool >/dev/null 2>&1 || need+=(prometheus-alertmanager)
# Any major will do: the metapackage `postgresql` depends on the distribution's default one.
pg_root="${AIN_POSTGRES_ROOT:-/usr/lib/postgresql}"
compgen -G "$pg_root/*/bin/initdb" >/dev/null || command -v initdb >/dev/null 2>&1 || need+=(postgresql)

if [ ${#need[@]} -gt 0 ]; then
  echo "install-tools: installing ${need[*]} from Debian's packages"
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
