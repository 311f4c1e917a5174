// @ts-check
// Mutation testing (`npm run mutate`, not in CI: it is slow). Scope one directory at a time on a
// small machine: `npm run mutate -- --mutate "src/seal/**/*.ts"`. Reports land in reports/mutation/.
/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: "vitest",
  vitest: { configFile: "vitest.stryker.config.ts", related: false },
  plugins: ["@stryker-mutator/vitest-runner"],
  mutate: ["src/seal/**/*.ts", "src/keys/**/*.ts", "src/formats/**/*.ts", "src/ops/**/*.ts"],
  // The sandbox needs only sources and tests (.peers is a symlink to shared test peers).
  ignorePatterns: [".peers", "dist", "reports", "coverage", "bench", "controller/deploy"],
  coverageAnalysis: "perTest",
  // Static mutants (module-level constants) would need the whole suite per mutant.
  ignoreStatic: true,
  concurrency: 2,
  timeoutMS: 20_000,
  reporters: ["clear-text", "progress-append-only", "json", "html"],
  jsonReporter: { fileName: "reports/mutation/mutation.json" },
  htmlReporter: { fileName: "reports/mutation/mutation.html" },
  tempDirName: ".stryker-tmp",
  cleanTempDir: "always",
  thresholds: { high: 90, low: 80, break: null },
}
