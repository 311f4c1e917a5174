#!/usr/bin/env bash
# Mutation testing (issue 8): Stryker over src/seal, src/keys, src/formats, src/ops, one directory
# per run so that each mutant meets only the tests of its own area (vitest.stryker.config.ts,
# MUTATE_SCOPE). Incremental: a rerun tests only the mutants whose code or covering tests changed
# since the last run (reports/mutation/<dir>.incremental.json, git-ignored); a test added for a
# survivor is not such a change, so after adding one run with MUTATE_FLAGS=--force. Niced: the machine is
# shared. Usage: npm run mutate [-- seal keys ...] (default: all four); extra Stryker flags go in
# MUTATE_FLAGS, e.g. MUTATE_FLAGS="--concurrency 1". A directory too slow for one sitting runs in
# parts: MUTATE_GROUP=<name> MUTATE_FILES="<glob> <glob> ..." (under src/<dir>/, e.g. "call.ts age*.ts")
# mutates only those files, with reports, sandbox and incremental file named <dir>-<name>; with
# MUTATE_TESTS="<glob>,<glob>" those mutants meet only those tests (a lower bound, for a part the
# whole list makes too slow).
set -euo pipefail
cd "$(dirname "$0")/.."
scopes=("$@")
[ ${#scopes[@]} -eq 0 ] && scopes=(seal keys formats ops)
for scope in "${scopes[@]}"; do
  case "$scope" in seal | keys | formats | ops) ;; *) echo "unknown scope: $scope" >&2; exit 2 ;; esac
  name="$scope" mutate="src/$scope/**/*.ts"
  if [ -n "${MUTATE_GROUP:-}" ]; then
    name="$scope-$MUTATE_GROUP" mutate=""
    # Stryker splits --mutate at commas (so no {a,b} globs): one comma-joined list of globs.
    set -f # the globs are for Stryker, not the shell
    for f in ${MUTATE_FILES:?MUTATE_GROUP needs MUTATE_FILES}; do mutate="$mutate${mutate:+,}src/$scope/$f"; done
    set +f
  fi
  start=$(date +%s)
  # shellcheck disable=SC2086
  MUTATE_SCOPE="$scope" nice -n 10 npx stryker run \
    --mutate "$mutate" \
    --incremental --incrementalFile "reports/mutation/$name.incremental.json" \
    ${MUTATE_FLAGS:-}
  echo "mutate $name: $(($(date +%s) - start)) s ($(date -u +%FT%TZ), load $(cut -d' ' -f1-3 /proc/loadavg))" |
    tee -a reports/mutation/times.log
done
