import nodeCrypto from "node:crypto"
import { syncBuiltinESMExports } from "node:module"
import { bech32 } from "@scure/base"
import { armor as ageArmor, Decrypter } from "age-encryption"
import { describe, expect, it } from "vitest"
import { dearmor, openArmoredX25519 } from "../../../src/keys/age-x25519.js"
import { sealArmoredX25519, x25519Recipient } from "../../../src/keys/age-x25519-seal.js"
import { CHUNK, IDENTITY, pattern, RECIPIENT, recipientKey } from "../../helpers/age-craft.js"

// The native age sealer's exact output and the recipients it hands over (null) to age-encryption
// (issue 8: mutation testing of src/keys/age-x25519-seal.ts). Its output is random, so the layout
// is checked line by line and the content by opening it. Checked by hand against age 1.1.1
// (Debian): `age -d -i test/fixtures/age/identity.txt` opens what this sealer writes, and age
// refuses an upper-case recipient ("unknown recipient type"), as x25519Recipient does.

const words = (n: number): number[] => bech32.toWords(pattern(n))
const B64 = "[A-Za-z0-9+/]"

describe("x25519Recipient", () => {
  it("should decode an age1… recipient to its 32-byte key", () => {
    expect(x25519Recipient(RECIPIENT)).toEqual(recipientKey(RECIPIENT))
  })

  it.each([
    ["upper case", RECIPIENT.toUpperCase()],
    ["a bad checksum", RECIPIENT.slice(0, -1) + (RECIPIENT.endsWith("q") ? "p" : "q")],
    ["another HRP that starts alike", bech32.encode("age1x", words(32))],
    ["31 key bytes", bech32.encode("age", words(31))],
    ["33 key bytes", bech32.encode("age", words(33))],
    ["an ssh key", "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHsKLqeplhpW+uObz5dvMgjz1OxfM/XXUB+VHtZ6isGN"],
  ])("should return null for %s", (_, r) => {
    expect(x25519Recipient(r)).toBeNull()
    expect(sealArmoredX25519(pattern(32), r)).toBeNull()
  })
})

describe("sealArmoredX25519", () => {
  const open = async (armored: string | null): Promise<Uint8Array> => {
    const d = new Decrypter()
    d.addIdentity(IDENTITY)
    return d.decrypt(ageArmor.decode(armored ?? ""))
  }

  it("should write age's header: intro, one X25519 stanza of 43-column lines, the MAC line", () => {
    const file = dearmor(sealArmoredX25519(pattern(32), RECIPIENT) ?? "") ?? Buffer.alloc(0)
    const header = file.subarray(0, file.indexOf("\n---") + 49).toString("latin1")
    expect(header).toMatch(
      new RegExp(`^age-encryption\\.org/v1\\n-> X25519 ${B64}{43}\\n${B64}{43}\\n--- ${B64}{43}\\n$`),
    )
    // nonce (16) + the 32-byte data key + its tag (16), after the header
    expect(file.length - header.length).toBe(64)
  })

  it("should write armor age-encryption re-encodes byte for byte, for every length up to 2×48+8", async () => {
    // The file is 200 bytes + the plaintext: lengths 40 and 88 fill the last 48-byte armor line.
    for (let n = 0; n <= 104; n++) {
      const armored = sealArmoredX25519(pattern(n), RECIPIENT) ?? ""
      const lines = armored.split("\n")
      expect(lines.slice(1, -3).every((l) => l.length === 64)).toBe(true)
      expect(lines.at(-3)?.length).toBeGreaterThan(0)
      expect(ageArmor.encode(ageArmor.decode(armored))).toBe(armored)
      expect(await open(armored)).toEqual(pattern(n))
    }
  })

  it("should seal exactly 64 KiB as one chunk and hand over anything longer", async () => {
    const armored = sealArmoredX25519(pattern(CHUNK), RECIPIENT)
    expect(await open(armored)).toEqual(pattern(CHUNK))
    expect(openArmoredX25519(armored ?? "", [IDENTITY])).toEqual(pattern(CHUNK))
    expect(sealArmoredX25519(pattern(CHUNK + 1), RECIPIENT)).toBeNull()
  })

  it("should zero the file key once the file is written", () => {
    const seen: Buffer[] = []
    const orig = nodeCrypto.hkdfSync
    nodeCrypto.hkdfSync = (digest, ikm, salt, info, len) => {
      if ((info === "header" || info === "payload") && Buffer.isBuffer(ikm)) seen.push(ikm)
      return orig(digest, ikm, salt, info, len)
    }
    syncBuiltinESMExports()
    try {
      expect(sealArmoredX25519(pattern(32), RECIPIENT)).not.toBeNull()
    } finally {
      nodeCrypto.hkdfSync = orig
      syncBuiltinESMExports()
    }
    expect(seen.map((b) => b.toString("hex"))).toEqual(["00".repeat(16), "00".repeat(16)])
  })
})
