#!/usr/bin/env bash
# Builds the working tree once more with its event writes turned into no-ops
# (bench/variants/events-off.patch: no org head row, no event row, no announcement; every
# other line the same), and prints the dist/ to compare against:
#
#   npm run bench -- --compare-only --compare-build="$(bash bench/events-off-build.sh)"
#
# (a full `npm run bench` does this by itself). It measures what writing events costs the
# create path (the events issue: "must not cost more than 10 %").
set -euo pipefail
cd "$(dirname "$0")/.."
root="$PWD"
# Outside the repository: jest would otherwise find its copies of the specs.
dir="${TMPDIR:-/tmp}/airt-events-off"
rm -rf "$dir"
mkdir -p "$dir"
cp -a apps libs prisma scripts package.json tsconfig.json tsconfig.build.json nest-cli.json prisma.config.ts "$dir"/
rm -rf "$dir"/libs/db/src/generated
(cd "$dir" && git apply "$root/bench/variants/events-off.patch")
ln -s "$root/node_modules" "$dir/node_modules"
(cd "$dir" && npm run --silent build >/dev/null)
echo "$dir/dist"
