import { describe, expect, it } from "vitest"
import type { BridgeError } from "../../../src/errors.js"
import { KeyError } from "../../../src/errors.js"
import { type AgeIdentitySources, collectAgeIdentities, parseAgeIdentities } from "../../../src/keys/age.js"

// Where age identities come from, in sops' order, and how a key file is read (issue 8: mutation
// testing of src/keys/age.ts). The identities are placeholders: only their order and text matter.

const K = (n: number): string => `AGE-SECRET-KEY-1${"Q".repeat(57)}${n}`
const DEFAULT = "/cfg/sops/age/keys.txt"

function sources(env: Record<string, string>, files: Record<string, string>, cmdOut = "") {
  const reads: string[] = []
  const ran: [string, Readonly<Record<string, string>>][] = []
  const src: AgeIdentitySources = {
    env,
    userConfigDir: "/cfg",
    readFile: (p) => {
      reads.push(p)
      return Promise.resolve(files[p] ?? null)
    },
    runCommand: (cmd, cmdEnv) => {
      ran.push([cmd, cmdEnv])
      return Promise.resolve(cmdOut)
    },
  }
  return { src, reads, ran }
}

describe("parseAgeIdentities", () => {
  it("should keep one identity per line, trimmed, without blank lines and # comments", () => {
    const text = `# created: 2026-12-03T02:52:48Z\n# public key: age1x\n  ${K(1)}  \r\n\n\t\n${K(2)}\n# note #\n`
    expect(parseAgeIdentities(text)).toEqual([K(1), K(2)])
  })
})

describe("collectAgeIdentities", () => {
  it("should read SOPS_AGE_KEY, SOPS_AGE_KEY_FILE, SOPS_AGE_KEY_CMD, then keys.txt, without repeats", async () => {
    const { src, reads, ran } = sources(
      {
        SOPS_AGE_KEY: `# created: today\n# public key: age1abc\n${K(1)}\n\n${K(2)}`,
        SOPS_AGE_KEY_FILE: "/k.txt",
        SOPS_AGE_KEY_CMD: "print-key",
      },
      { "/k.txt": `# file\n${K(3)}\n`, [DEFAULT]: `${K(5)}\n${K(1)}\n` },
      `${K(4)}\n`,
    )
    expect(await collectAgeIdentities(src)).toEqual([K(1), K(2), K(3), K(4), K(5)])
    expect(reads).toEqual(["/k.txt", DEFAULT])
    expect(ran).toEqual([["print-key", {}]])
  })

  it("should skip an empty SOPS_AGE_KEY_FILE and a blank SOPS_AGE_KEY_CMD or SOPS_AGE_KEY", async () => {
    const { src, reads, ran } = sources(
      { SOPS_AGE_KEY: "  \n ", SOPS_AGE_KEY_FILE: "", SOPS_AGE_KEY_CMD: " \t" },
      {},
    )
    expect(await collectAgeIdentities(src)).toEqual([])
    expect(reads).toEqual([DEFAULT])
    expect(ran).toEqual([])
  })

  it("should fail as NO_CREDENTIALS naming a SOPS_AGE_KEY_FILE that does not exist", async () => {
    const err = await collectAgeIdentities(sources({ SOPS_AGE_KEY_FILE: "/nope.txt" }, {}).src).catch(
      (e: unknown) => e,
    )
    expect(err).toBeInstanceOf(KeyError)
    expect([(err as BridgeError).code, (err as KeyError).failure, (err as Error).message]).toEqual([
      "KEY_BACKEND",
      "no_credentials",
      "SOPS_AGE_KEY_FILE /nope.txt: file not found",
    ])
  })
})
