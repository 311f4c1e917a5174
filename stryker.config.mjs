// @ts-check
// Mutation testing (`npm run mutate` = scripts/mutate.sh, one directory per Stryker run; not in CI:
// it is slow). Reports land in reports/mutation/.
// scripts/mutate.sh names the directory in MUTATE_SCOPE: each gets its own reports and sandbox.
const scope = process.env["MUTATE_SCOPE"] ?? "all"
// A run over part of a directory (`--mutate` globs, for a directory too slow for one session) names
// its part in MUTATE_GROUP: reports and sandbox then go by `<dir>-<group>`, so parts can run side
// by side without overwriting each other.
const group = process.env["MUTATE_GROUP"] ?? ""
const name = group === "" ? scope : `${scope}-${group}`

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: "vitest",
  vitest: { configFile: "vitest.stryker.config.ts", related: false },
  plugins: ["@stryker-mutator/vitest-runner"],
  mutate: ["src/seal/**/*.ts", "src/keys/**/*.ts", "src/formats/**/*.ts", "src/ops/**/*.ts"],
  // The sandbox needs only sources and tests (.peers is a symlink to shared test peers).
  ignorePatterns: [".peers", ".stryker-tmp", "dist", "reports", "coverage", "bench", "controller/deploy"],
  coverageAnalysis: "perTest",
  // Static mutants (module-level constants) would need the whole suite per mutant.
  ignoreStatic: true,
  concurrency: 2,
  // Generous: on a loaded machine a slow run must not pass for a detected mutant (timeouts count
  // as detected); a mutant that really loops costs one timeout each.
  timeoutMS: 30_000,
  timeoutFactor: 2,
  reporters: ["clear-text", "progress-append-only", "json", "html"],
  jsonReporter: { fileName: `reports/mutation/${name}.json` },
  htmlReporter: { fileName: `reports/mutation/${name}.html` },
  tempDirName: `.stryker-tmp/${name}`,
  cleanTempDir: "always",
  thresholds: { high: 90, low: 80, break: null },
}
