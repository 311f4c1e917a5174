import { setFlagsFromString } from "node:v8"

/**
 * Stops V8's young generation growing from its first size (1 MB semi-spaces) for the rest of the
 * process. A one-pass run over a large file allocates hundreds of MB of short-lived strings, and
 * V8 grows the semi-spaces up to their maximum (16 MB each on Node 20 and 22, 32 MB on 24) along
 * the way: 30–60 MB of RSS that is not the file's. `--max-semi-space-size` cannot be set once the
 * heap exists, but the growth factor is read at each growth, so setting it to 1 holds the young
 * generation where it is (test/cli/young-gen.test.ts checks this on the Node running the tests).
 */
export const YOUNG_GEN_FLAG = "--semi-space-growth-factor=1"

export function boundYoungGeneration(): void {
  setFlagsFromString(YOUNG_GEN_FLAG)
}
