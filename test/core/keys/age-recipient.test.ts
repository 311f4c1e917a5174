import { bech32 } from "@scure/base"
import { generateHybridIdentity, identityToRecipient } from "age-encryption"
import { describe, expect, it } from "vitest"
import { BridgeError } from "../../../src/errors.js"
import { AgeBackend } from "../../../src/keys/age.js"
import { checkAgeRecipient } from "../../../src/keys/age-recipient.js"
import { pattern, RECIPIENT } from "../../helpers/age-craft.js"

// The two recipient checks and their exact messages (issue 8: mutation testing of
// src/keys/age-recipient.ts and the AgeBackend constructor in src/keys/age.ts): checkAgeRecipient
// at flag/config time (sops' "malformed recipient"), AgeBackend's form check when a key is built.

const failure = (f: () => unknown): string => {
  try {
    f()
  } catch (err) {
    if (err instanceof BridgeError) return `${err.code} ${err.message} | ${err.hint ?? ""}`
    throw err
  }
  return "no error"
}
const ageWords = (n: number): string => bech32.encode("age", bech32.toWords(pattern(n)))

describe("checkAgeRecipient", () => {
  it("should pass a hybrid (post-quantum) recipient: its HRP is age1pq, and age-encryption checks it", async () => {
    const hybrid = await identityToRecipient(await generateHybridIdentity())
    expect(hybrid.startsWith("age1pq1")).toBe(true)
    expect(checkAgeRecipient(hybrid)).toBe(hybrid)
  })

  it.each([31, 33, 0])("should refuse a well-formed bech32 age1… of %i bytes", (n) => {
    const r = ageWords(n)
    expect(failure(() => checkAgeRecipient(r))).toBe(
      `USAGE malformed age recipient "${r}" | an age recipient is the age1… line \`sealbridge keygen\` (or age-keygen -y) prints`,
    )
  })

  it("should pass the 32-byte recipient age-keygen made", () => {
    expect(checkAgeRecipient(RECIPIENT)).toBe(RECIPIENT)
  })
})

describe("AgeBackend's recipient form", () => {
  const hint = "sealbridge keygen prints a recipient; ssh public keys are not supported yet"

  it("should keep a lower-case age1… recipient as its key id", () => {
    expect(new AgeBackend(RECIPIENT).keyId).toBe(RECIPIENT)
  })

  it.each([
    ["upper case", RECIPIENT.toUpperCase()],
    ["text in front", `x${RECIPIENT}`],
    ["a line end after it", `${RECIPIENT}\n`],
    ["upper-case letters after it", `${RECIPIENT}XYZ`],
    ["nothing after age1", "age1"],
  ])("should refuse %s, naming its first 12 characters", (_, r) => {
    expect(failure(() => new AgeBackend(r))).toBe(
      `CONFIG ${r.slice(0, 12)}…: not an age recipient (age1…) | ${hint}`,
    )
  })
})
