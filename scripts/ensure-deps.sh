#!/usr/bin/env bash
# Installs what `npm start` and `npm test` need and is missing: npm dependencies, and
# Postgres, Redis, the CNCF registry, skopeo and openssl from the OS packages (Debian/Ubuntu);
# with --with-registry (npm test, npm run bench) also PgBouncer and Redis Sentinel, which the
# test environment and the fault suites start.
# Usage: scripts/ensure-deps.sh [--with-registry]
set -euo pipefail
cd "$(dirname "$0")/.."

need_registry=0
[ "${1:-}" = "--with-registry" ] && need_registry=1

missing=()
ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1 || missing+=(postgresql)
command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
command -v openssl >/dev/null 2>&1 || missing+=(openssl)
if [ "$need_registry" = 1 ]; then
  command -v docker-registry >/dev/null 2>&1 || missing+=(docker-registry)
  command -v skopeo >/dev/null 2>&1 || missing+=(skopeo)
  # Debian puts pgbouncer in /usr/sbin, not on every user's PATH.
  { command -v pgbouncer || [ -x /usr/sbin/pgbouncer ]; } >/dev/null 2>&1 || missing+=(pgbouncer)
  command -v redis-sentinel >/dev/null 2>&1 || missing+=(redis-sentinel)
fi
if [ ${#missing[@]} -gt 0 ]; then
  echo "Installing OS packages: ${missing[*]}"
  sudo_cmd=""
  [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  # Debian starts packaged services on install where it can; ours run on their own ports.
fi

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "Installing npm dependencies"
  npm ci --no-audit --no-fund --loglevel=error
fi
if [ ! -f libs/db/src/generated/prisma/client.ts ] || [ prisma/schema.prisma -nt libs/db/src/generated/prisma/client.ts ]; then
  bash scripts/prisma-generate.sh >/dev/null
fi
