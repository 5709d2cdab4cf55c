#!/usr/bin/env bash
# `npm test`: unit and e2e suites against real Postgres, Redis and OCI registries that the
# jest global setup starts on free loopback ports in a temp dir. Ends with "N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-deps.sh --with-registry || exit 1
# Fault and benchmark-style suites run the built processes (dist/) as real child processes.
bash scripts/build-if-stale.sh || exit 1

results="$(mktemp -d)/jest-results.json"
npx --no-install jest --json --outputFile="$results" "$@"
status=$?
node -e '
  const fs = require("fs");
  let r;
  try { r = JSON.parse(fs.readFileSync(process.argv[1], "utf8")); } catch { console.log("0 passed, 1 failed"); process.exit(1); }
  const failed = r.numFailedTests + (r.numRuntimeErrorTestSuites || 0);
  console.log(`${r.numPassedTests} passed, ${failed} failed` + (r.numPendingTests ? `, ${r.numPendingTests} skipped` : ""));
  process.exit(failed > 0 || r.numTotalTests === 0 ? 1 : 0);
' "$results"
summary=$?
rm -rf "$(dirname "$results")"
[ $status -ne 0 ] && exit $status
exit $summary
