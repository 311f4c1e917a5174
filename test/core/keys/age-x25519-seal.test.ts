import { fc, test } from "@fast-check/vitest"
import {
  armor,
  Decrypter,
  generateHybridIdentity,
  generateX25519Identity,
  identityToRecipient,
} from "age-encryption"
import { describe, expect, it } from "vitest"
import { dearmor, openArmoredX25519, parseHeader } from "../../../src/keys/age-x25519.js"
import { sealArmoredX25519 } from "../../../src/keys/age-x25519-seal.js"

const pair = async (): Promise<[string, string]> => {
  const id = await generateX25519Identity()
  return [id, await identityToRecipient(id)]
}

describe("native age X25519 sealing (node:crypto) against age-encryption", () => {
  test.prop({ data: fc.uint8Array({ minLength: 0, maxLength: 200 }) }, { numRuns: 25 })(
    "should seal what age-encryption's Decrypter and the native opener both open",
    async ({ data }) => {
      const [id, r] = await pair()
      const armored = sealArmoredX25519(data, r)
      if (armored === null) throw new Error("not sealed")
      const d = new Decrypter()
      d.addIdentity(id)
      expect(await d.decrypt(armor.decode(armored))).toEqual(data)
      expect(openArmoredX25519(armored, [id])).toEqual(data)
    },
  )

  it("should write age's layout: armor lines of 64 columns, one X25519 stanza, a header MAC", async () => {
    const [, r] = await pair()
    const armored = sealArmoredX25519(new Uint8Array(32).fill(9), r) ?? ""
    const lines = armored.split("\n")
    expect(lines[0]).toBe("-----BEGIN AGE ENCRYPTED FILE-----")
    expect(lines.at(-2)).toBe("-----END AGE ENCRYPTED FILE-----")
    expect(lines.at(-1)).toBe("")
    expect(lines.slice(1, -3).every((l) => l.length === 64)).toBe(true)
    // age-encryption's own armor reader is strict about line lengths and padding.
    expect(armor.encode(armor.decode(armored))).toBe(armored)
    const header = parseHeader(dearmor(armored) ?? Buffer.alloc(0))
    expect(header?.stanzas.map((s) => [s.type, s.args.length, s.body.length])).toEqual([["X25519", 1, 32]])
  })

  it("should not be opened by another identity, and each seal uses fresh randomness", async () => {
    const [, r] = await pair()
    const key = new Uint8Array(32).fill(1)
    const a = sealArmoredX25519(key, r) ?? ""
    expect(a).not.toBe(sealArmoredX25519(key, r))
    expect(openArmoredX25519(a, [(await pair())[0]])).toBeNull()
  })

  it("should hand over (null) what it does not handle: non-X25519 recipients, large payloads", async () => {
    const hybrid = await identityToRecipient(await generateHybridIdentity())
    expect(sealArmoredX25519(new Uint8Array(32), hybrid)).toBeNull()
    expect(sealArmoredX25519(new Uint8Array(32), "age1notbech32")).toBeNull()
    const [, r] = await pair()
    expect(sealArmoredX25519(new Uint8Array(64 * 1024 + 1), r)).toBeNull()
  })
})
