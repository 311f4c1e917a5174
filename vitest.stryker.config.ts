import { defineConfig } from "vitest/config"

// The tests Stryker runs against the mutants of one directory of src/ (scripts/mutate.sh sets
// MUTATE_SCOPE): the fast in-process unit tests of that area. Left out: tests that spawn the
// built dist/ (they cannot see a mutant, which lives in the sandbox's src/), the in-process CLI
// suites and the broad property tests (round trips, tamper loops), which reach most of src/ and
// cost seconds per run; with them, one directory takes many hours on two shared cores. Each
// mutant runs only the listed tests that reach it (per-test coverage).
const sealTests = [
  "test/core/seal/**/*.test.ts",
  "test/core/golden/**/*.test.ts",
  "test/core/util/**/*.test.ts",
  "test/core/ops/extract*.test.ts",
  // The streaming binary seal is checked against the tree path (20 generated sizes, < 1 s).
  "test/core/ops/binary-stream.test.ts",
  "test/keys/wrap.test.ts",
  "test/keys/unwrap.test.ts",
]
const byScope: Record<string, readonly string[]> = {
  seal: sealTests,
  keys: ["test/keys/**/*.test.ts", "test/core/keys/**/*.test.ts", "test/core/seal/**/*.test.ts"],
  formats: ["test/core/formats/**/*.test.ts", "test/core/golden/**/*.test.ts"],
  // Most of ops/ is reached only through commands: the in-process CLI suites of those commands
  // (no process spawned) are listed; per-test coverage runs just the tests that reach a mutant.
  ops: [
    "test/core/ops/**/*.test.ts",
    "test/core/golden/**/*.test.ts",
    "test/cli/reseal.test.ts",
    "test/cli/rotate.test.ts",
    "test/cli/key-groups.test.ts",
    "test/cli/nonces.test.ts",
    "test/cli/sops-edge.test.ts",
    "test/cli/vectors.test.ts",
  ],
}
const scope = process.env["MUTATE_SCOPE"] ?? "seal"
// MUTATE_TESTS (comma-separated globs) replaces the scope's list for one part whose mutants the
// whole list reaches too often to finish in a sitting (e.g. a guard every decrypt passes): the
// subset's kills stand under the whole list, so its score is a lower bound.
const only = (process.env["MUTATE_TESTS"] ?? "").split(",").filter((glob) => glob !== "")
const include = only.length > 0 ? only : byScope[scope]
if (include === undefined) throw new Error(`MUTATE_SCOPE: unknown scope ${scope}`)

export default defineConfig({
  test: {
    include: [...include],
    // Reads the source text of src/, which Stryker's instrumentation rewrites: nothing to mutate.
    exclude: ["test/keys/import-cycles.test.ts"],
    setupFiles: ["test/helpers/fast-check-seed.ts"],
    // One fixed seed: a mutant meets the same generated inputs as the dry run did (else a
    // survivor of one run could be killed by the next); fewer property runs than CI.
    env: { FC_SEED: "20261202", PROPERTY_RUNS: "60" },
    // Modules stay loaded between mutant runs (the instrumented code reads the active mutant at
    // run time), which saves re-importing each test's dependencies for every mutant.
    isolate: false,
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
})
