#!/usr/bin/env bash
# `npm run bench [-- --quick] [-- --only validation,api,growth]`: the benchmark suite (bench/README.md).
# Installs what is missing, builds the product if stale, snapshots dist/ (others may rebuild it
# during the run), compiles the bench if stale, and runs it. A full run whose sections include
# `api` (and that names no other build) also builds this commit with event writes turned off
# (bench/events-off-build.sh) and compares the create path against it: what events cost.
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

args=("$@")
case " $* " in
  *" --quick "* | *--compare-build* | *" --profile "*) ;;
  *)
    if [[ " $* " != *--only* || " $* " == *api* ]]; then
      echo "Building this commit with event writes off, to compare the create path against…"
      args+=("--compare-build=$(bash bench/events-off-build.sh)" "--compare-label=this commit with event writes off (bench/variants/events-off.patch)")
    fi
    ;;
esac

exec node bench/.build/out/bench/main.js "${args[@]}"
