#!/usr/bin/env bash
# Mutation testing (issue 8): Stryker over src/seal, src/keys, src/formats, src/ops, one directory
# per run so that each mutant meets only the tests of its own area (vitest.stryker.config.ts,
# MUTATE_SCOPE). Incremental: a rerun tests only the mutants whose code or covering tests changed
# since the last run (reports/mutation/<dir>.incremental.json, git-ignored); a test added for a
# survivor is not such a change, so after adding one run with MUTATE_FLAGS=--force. Niced: the machine is
# shared. Usage: npm run mutate [-- seal keys ...] (default: all four); extra Stryker flags go in
# MUTATE_FLAGS, e.g. MUTATE_FLAGS="--concurrency 1".
set -euo pipefail
cd "$(dirname "$0")/.."
scopes=("$@")
[ ${#scopes[@]} -eq 0 ] && scopes=(seal keys formats ops)
for scope in "${scopes[@]}"; do
  case "$scope" in seal | keys | formats | ops) ;; *) echo "unknown scope: $scope" >&2; exit 2 ;; esac
  start=$(date +%s)
  # shellcheck disable=SC2086
  MUTATE_SCOPE="$scope" nice -n 10 npx stryker run \
    --mutate "src/$scope/**/*.ts" \
    --incremental --incrementalFile "reports/mutation/$scope.incremental.json" \
    ${MUTATE_FLAGS:-}
  echo "mutate $scope: $(($(date +%s) - start)) s" | tee -a reports/mutation/times.log
done
