import { describe, expect, it } from "vitest"
import { BridgeError } from "../../src/errors.js"
import { ageRecipientOf, generateAgeIdentity } from "../../src/keys/age.js"
import type { KeyDeps } from "../../src/keys/deps.js"
import { backendFor, openersFor } from "../../src/keys/registry.js"
import { map } from "../../src/tree/node.js"

// The key registry builds every backend and opener from a small deps port.
function deps(
  env: Record<string, string>,
  files: Record<string, string> = {},
): KeyDeps & { reads: string[] } {
  const reads: string[] = []
  return {
    env,
    reads,
    now: () => new Date("2026-01-02T03:04:05.678Z"),
    readFile: (p) => {
      reads.push(p)
      return Promise.resolve(files[p] ?? null)
    },
    run: () => Promise.reject(new Error("no commands in this test")),
    homeDir: "/home/u",
    userConfigDir: "/home/u/.config",
    hostname: "host",
    debug: false,
  }
}

describe("key registry", () => {
  it("should wrap with an age backend and open with the age opener built from SOPS_AGE_KEY", async () => {
    const id = await generateAgeIdentity()
    const d = deps({ SOPS_AGE_KEY: id })
    const wrapped = await backendFor({ kind: "age", recipient: await ageRecipientOf(id) }, d).wrap(
      new Uint8Array(32).fill(1),
    )
    const [age] = openersFor(d)
    expect(await age?.unwrap(wrapped)).toEqual(new Uint8Array(32).fill(1))
  })

  it("should read no identity source until a key of its kind is opened", async () => {
    const d = deps({})
    const openers = openersFor(d)
    expect(d.reads).toEqual([])
    const gcp = { kind: "gcp_kms", raw: map([]) } as const
    for (const o of openers) expect(await o.unwrap(gcp)).toBeNull()
    expect(d.reads).toEqual([])
  })

  it("should say no credentials when no age identity exists", async () => {
    const d = deps({})
    const [age] = openersFor(d)
    const err = await age?.unwrap({ kind: "age", recipient: "age1x", enc: "" }).catch((e: unknown) => e)
    expect(err).toMatchObject({ failure: "no_credentials" })
    expect(d.reads).toEqual(["/home/u/.config/sops/age/keys.txt"])
  })

  it("should refuse a kind it cannot use with CONFIG", () => {
    expect(() => backendFor({ kind: "gcp_kms", resourceId: "projects/p" }, deps({}))).toThrow(BridgeError)
  })
})
