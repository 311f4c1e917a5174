import { fc, test } from "@fast-check/vitest"
import {
  armor,
  Decrypter,
  Encrypter,
  generateHybridIdentity,
  generateX25519Identity,
  identityToRecipient,
} from "age-encryption"
import { describe, expect, it } from "vitest"
import { dearmor, openArmoredX25519 } from "../../../src/keys/age-x25519.js"

async function sealFor(data: Uint8Array, recipients: string[]): Promise<string> {
  const e = new Encrypter()
  for (const r of recipients) e.addRecipient(r)
  return armor.encode(await e.encrypt(data))
}

const pair = async (): Promise<[string, string]> => {
  const id = await generateX25519Identity()
  return [id, await identityToRecipient(id)]
}

/** Changes byte `at` of the decoded file (to another base64 letter inside the text header). */
function tamper(armored: string, at: number): string {
  const bytes = dearmor(armored)
  if (bytes === null) throw new Error("not armored")
  const b = bytes[at] ?? 0
  bytes[at] = b === 0x41 ? 0x42 : b < 0x80 ? 0x41 : b ^ 1
  return armor.encode(bytes)
}

describe("native age X25519 opening (node:crypto) against age-encryption", () => {
  it("should open a data key age-encryption sealed, with the right one of several identities", async () => {
    const [id1, r1] = await pair()
    const [id2, r2] = await pair()
    const key = crypto.getRandomValues(new Uint8Array(32))
    const armored = await sealFor(key, [r1, r2])
    expect(openArmoredX25519(armored, [id2])).toEqual(key)
    expect(openArmoredX25519(armored, [(await pair())[0], id1])).toEqual(key)
  })

  it("should return null when no identity matches, or none is X25519, so age-encryption decides", async () => {
    const [, r1] = await pair()
    const armored = await sealFor(new Uint8Array(32), [r1])
    expect(openArmoredX25519(armored, [(await pair())[0]])).toBeNull()
    expect(openArmoredX25519(armored, [await generateHybridIdentity()])).toBeNull()
    expect(openArmoredX25519("not armored", [(await pair())[0]])).toBeNull()
  })

  it("should refuse a header or payload that was changed after sealing", async () => {
    const [id, r] = await pair()
    const armored = await sealFor(new Uint8Array(32).fill(7), [r])
    const file = dearmor(armored)
    if (file === null) throw new Error("not armored")
    const macLine = file.indexOf("---")
    // A changed byte in the MAC itself, and in the payload's last byte (the chunk's tag).
    expect(() => openArmoredX25519(tamper(armored, macLine + 5), [id])).toThrow(/MAC/)
    expect(() => openArmoredX25519(tamper(armored, file.length - 1), [id])).toThrow(/authenticate/)
  })

  test.prop({ data: fc.uint8Array({ minLength: 0, maxLength: 3 * 64 * 1024 + 40 }) }, { numRuns: 12 })(
    "should open whatever age-encryption seals, across STREAM chunk boundaries",
    async ({ data }) => {
      const [id, r] = await pair()
      const armored = await sealFor(data, [r])
      expect(openArmoredX25519(armored, [id])).toEqual(data)
      const d = new Decrypter()
      d.addIdentity(id)
      expect(await d.decrypt(armor.decode(armored))).toEqual(data)
    },
  )

  it("should open sizes exactly on a chunk boundary", async () => {
    const [id, r] = await pair()
    for (const n of [64 * 1024, 2 * 64 * 1024]) {
      const data = new Uint8Array(n).fill(3)
      expect(openArmoredX25519(await sealFor(data, [r]), [id])).toEqual(data)
    }
  })
})
