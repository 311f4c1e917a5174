import { bech32 } from "@scure/base"
import { describe, expect, it } from "vitest"
import { dearmor, parseHeader, x25519Identity } from "../../../src/keys/age-x25519.js"
import { b64, fixture, IDENTITY, pattern, RECIPIENT, recipientKey } from "../../helpers/age-craft.js"

// The native age reader's parsing rules, one rule per case (issue 8: mutation testing of
// src/keys/age-x25519.ts). Every refusal is null (the caller then hands the file to
// age-encryption), never a TypeError. The interop facts are age 1.1.1's (Debian), checked by hand:
// it reads CRLF armor, and refuses a lower-case identity ("unknown identity type").

const bytes32 = pattern(32)
const MAC = b64(pattern(32)) // 43 characters, unpadded
const INTRO = "age-encryption.org/v1\n"
const parse = (text: string) => parseHeader(Buffer.from(text, "latin1"))

describe("x25519Identity", () => {
  it("should take an AGE-SECRET-KEY-1… identity and derive its public key", () => {
    expect(x25519Identity(IDENTITY)?.pub).toEqual(recipientKey(RECIPIENT))
  })

  it.each([
    ["lower case (age 1.1.1 refuses it too)", IDENTITY.toLowerCase()],
    ["a bad checksum", IDENTITY.slice(0, -1) + (IDENTITY.endsWith("Q") ? "P" : "Q")],
    [
      "another HRP that starts alike",
      bech32.encode("age-secret-key-1x", bech32.toWords(bytes32)).toUpperCase(),
    ],
    ["31 key bytes", bech32.encode("age-secret-key-", bech32.toWords(bytes32.subarray(1))).toUpperCase()],
    ["33 key bytes", bech32.encode("age-secret-key-", bech32.toWords(pattern(33))).toUpperCase()],
    ["a hybrid identity", "AGE-SECRET-KEY-PQ-1QQQQ"],
  ])("should return null for %s", (_, id) => {
    expect(x25519Identity(id)).toBeNull()
  })
})

describe("dearmor", () => {
  const armored = fixture("sealed-32.age")
  const body = armored.split("\n").slice(1, -2)
  const wrap = (lines: readonly string[]): string =>
    ["-----BEGIN AGE ENCRYPTED FILE-----", ...lines, "-----END AGE ENCRYPTED FILE-----", ""].join("\n")

  it("should decode age's armor, with LF or CRLF line ends", () => {
    const raw = Buffer.from(body.join(""), "base64")
    expect(raw.subarray(0, INTRO.length).toString("latin1")).toBe(INTRO)
    expect(dearmor(armored)).toEqual(raw)
    expect(dearmor(armored.replaceAll("\n", "\r\n"))).toEqual(raw)
  })

  it.each([
    ["an invalid first character", (b: string[]) => ["*" + (b[0] ?? "").slice(1), ...b.slice(1)]],
    ["an invalid last character", (b: string[]) => [...b.slice(0, -1), (b.at(-1) ?? "").slice(0, -1) + "*"]],
    ["URL-safe base64", (b: string[]) => ["-" + (b[0] ?? "").slice(1), ...b.slice(1)]],
  ])("should return null for a body with %s", (_, edit) => {
    expect(dearmor(wrap(edit([...body])))).toBeNull()
  })

  it("should return null for unpadded or inner-padded base64 and for a missing armor line", () => {
    expect(dearmor(wrap(["QUJDRA"]))).toBeNull()
    expect(dearmor(wrap(["QUJDRA=="]))).toEqual(Buffer.from("ABCD"))
    expect(dearmor(wrap(["QQ==QUJD"]))).toBeNull()
    expect(dearmor(wrap(body).replace("-----END AGE ENCRYPTED FILE-----", ""))).toBeNull()
    expect(dearmor(wrap(body).replace("-----BEGIN AGE ENCRYPTED FILE-----", ""))).toBeNull()
  })
})

describe("parseHeader", () => {
  it("should split stanzas, args and bodies, a body line of 64 columns continued by an empty one", () => {
    const long = b64(pattern(48)) // exactly 64 characters: age then writes an empty line
    const header = `${INTRO}-> X25519 ${b64(bytes32)}\n${b64(bytes32)}\n-> other a b\n${long}\n\n--- ${MAC}`
    const file = Buffer.from(`${header}\nPAYLOAD`, "latin1")
    const h = parseHeader(file)
    expect(h?.stanzas).toEqual([
      { type: "X25519", args: [b64(bytes32)], body: Buffer.from(bytes32) },
      { type: "other", args: ["a", "b"], body: Buffer.from(pattern(48)) },
    ])
    expect(h?.macInput.toString("latin1")).toBe(header.slice(0, -MAC.length - 1))
    expect(h?.mac).toEqual(Buffer.from(bytes32))
    expect(h?.payloadStart).toBe(header.length + 1)
    expect(file.subarray(h?.payloadStart).toString()).toBe("PAYLOAD")
  })

  it("should read a stanza with an empty body (one empty line)", () => {
    expect(parse(`${INTRO}-> t\n\n--- ${MAC}\n`)?.stanzas).toEqual([
      { type: "t", args: [], body: Buffer.alloc(0) },
    ])
  })

  it.each([
    ["no intro line", `-> X25519 ${b64(bytes32)}\n${b64(bytes32)}\n--- ${MAC}\n`],
    ["another version", `age-encryption.org/v2\n--- ${MAC}\n`],
    ["the intro alone", INTRO],
    ["a MAC line with no line end", `${INTRO}--- ${MAC}A`],
    ["a stanza with no body line", `${INTRO}-> X25519 ${b64(bytes32)}\n`],
    ["a line that is no stanza", `${INTRO}=> X25519 ${b64(bytes32)}\n${b64(bytes32)}\n--- ${MAC}\n`],
    ["a body in URL-safe base64", `${INTRO}-> t\n-_\n--- ${MAC}\n`],
    ["a padded body", `${INTRO}-> t\n${Buffer.from(bytes32).toString("base64")}\n--- ${MAC}\n`],
    ["a body of 4n+1 characters", `${INTRO}-> t\nAAAAA\n--- ${MAC}\n`],
    ["a body of 64 columns with nothing after it", `${INTRO}-> t\n${b64(pattern(48))}\n--- ${MAC}\n`],
    ["an invalid MAC", `${INTRO}--- ${MAC.slice(0, -1)}*\n`],
    ["a padded MAC", `${INTRO}--- ${MAC}=\n`],
    ["a 31-byte MAC", `${INTRO}--- ${b64(pattern(31))}\n`],
    ["a 33-byte MAC", `${INTRO}--- ${b64(pattern(33))}\n`],
    ["an empty file", ""],
  ])("should return null for %s", (_, text) => {
    expect(parse(text)).toBeNull()
  })
})
