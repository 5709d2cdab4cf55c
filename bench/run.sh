#!/usr/bin/env bash
# `npm run bench [-- --quick] [-- --only validation,api,growth]`: the benchmark suite (bench/README.md).
# Installs what is missing, builds the product if stale, snapshots dist/ (others may rebuild it
# during the run), compiles the bench if stale, and runs it.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/ensure-deps.sh --with-registry
bash scripts/build-if-stale.sh

mkdir -p bench/.build
rm -rf bench/.build/product
cp -a dist bench/.build/product

stamp=bench/.build/out/.stamp
sources=(bench test/support libs/queue/src/validation-queue.ts libs/db/src/outbox-queries.ts apps/worker/src/revalidation/revalidation-pacing.ts tsconfig.json)
if [ ! -f "$stamp" ] || [ -n "$(find "${sources[@]}" \( -name '*.ts' -o -name 'tsconfig.json' \) -newer "$stamp" -not -path 'bench/.build/*' 2>/dev/null | head -1)" ]; then
  echo "Compiling the benchmark…"
  rm -rf bench/.build/out
  npx --no-install tsc -p bench/tsconfig.json
  touch "$stamp"
fi

exec node bench/.build/out/bench/main.js "$@"
