#!/usr/bin/env bash
# Runs `npm run build` when any source is newer than the last build (dist/.build-stamp).
set -euo pipefail
cd "$(dirname "$0")/.."
stamp=dist/.build-stamp
if [ ! -f "$stamp" ] || [ -n "$(find apps libs prisma package.json tsconfig.json tsconfig.build.json nest-cli.json -newer "$stamp" -type f -not -path '*/generated/*' -not -path '*/testing/*' -not -name '*.spec.ts' 2>/dev/null | head -1)" ]; then
  echo "Building…"
  npm run --silent build >/dev/null
  touch "$stamp"
fi
