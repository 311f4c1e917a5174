import { spawnSync } from "node:child_process"
import { writeFileSync } from "node:fs"
import { join } from "node:path"
import { afterAll, describe, expect, it } from "vitest"
import { YOUNG_GEN_FLAG } from "../../cli/young-gen.js"
import { runCli, tempDir } from "../helpers/cli-io.js"

// A large file's one-pass run holds V8's young generation at its first size: the flag set at
// run time must still take effect on the Node running this (a flag V8 no longer knows is only
// reported on stderr, and the young generation would grow again).

const tmp = tempDir()
afterAll(tmp.cleanup)

/** New space (MB) after allocating ~600 MB of short-lived strings, some surviving a while. */
function newSpaceAfterWork(flag: string | null): number {
  const script = `
    const v8 = require("node:v8")
    ${flag === null ? "" : `v8.setFlagsFromString(${JSON.stringify(flag)})`}
    let keep = [], n = 0
    for (let i = 0; i < 3e6; i++) {
      const s = ("value-" + i).repeat(4)
      if (i % 50 === 0) keep.push({ s })
      if (keep.length > 2000) keep = []
      n += s.length
    }
    const ns = v8.getHeapSpaceStatistics().find((s) => s.space_name === "new_space")
    console.log(ns.space_size / 1048576)`
  const res = spawnSync(process.execPath, ["-e", script], { encoding: "utf8" })
  expect(res.stderr).toBe("")
  return Number(res.stdout.trim())
}

describe("the young generation of a large file's run", () => {
  it("should stay at its first size once the flag is set at run time", () => {
    const bounded = newSpaceAfterWork(YOUNG_GEN_FLAG)
    const free = newSpaceAfterWork(null)
    expect(bounded).toBeLessThanOrEqual(2)
    expect(free).toBeGreaterThanOrEqual(4 * bounded)
  }, 60_000)

  it("should be bounded for a large file sealed or opened in pieces, never for a small one", async () => {
    const keyFile = join(tmp.path, "keys.txt")
    const recipient = (await runCli(["keygen", "-o", keyFile])).stdout.trim()
    const big = join(tmp.path, "big.json")
    writeFileSync(big, JSON.stringify({ items: Array.from({ length: 100_000 }, (_, i) => `value-${i}`) }))
    const small = join(tmp.path, "small.json")
    writeFileSync(small, '{"a": "b"}')
    let calls = 0
    const io = { boundYoungGeneration: () => void calls++ }
    const env = { SOPS_AGE_KEY_FILE: keyFile }
    for (const [file, want] of [
      [small, 0],
      [big, 1],
    ] as const) {
      calls = 0
      const sealed = `${file}.enc.json`
      expect((await runCli(["encrypt", "--age", recipient, "--output", sealed, file], { io })).code).toBe(0)
      expect(calls).toBe(want)
      calls = 0
      expect((await runCli(["decrypt", sealed], { env, io })).code).toBe(0)
      expect(calls).toBe(want)
    }
  }, 60_000)
})
