import { defineConfig } from "vitest/config"

// The tests Stryker runs against each mutant of src/ (see stryker.config.mjs): the in-process unit
// tests of the sealing core, plus the CLI's tamper tests (MAC). Tests that spawn the built dist/
// are left out (a mutant lives in the sandbox's src/, not in dist/), and so are the slower
// in-process CLI suites, which would make a run over src/seal/ take many hours on 2 cores.
export default defineConfig({
  test: {
    include: ["test/core/**/*.test.ts", "test/keys/**/*.test.ts", "test/cli/tamper.test.ts"],
    setupFiles: ["test/helpers/fast-check-seed.ts"],
    testTimeout: 60_000,
  },
})
