import { afterEach, describe, expect, it, vi } from "vitest"
import { generateHybridIdentity, generateX25519Identity, identityToRecipient } from "age-encryption"
import type { KeyError } from "../../../src/errors.js"
import { BridgeError } from "../../../src/errors.js"
import { AgeBackend, AgeOpener } from "../../../src/keys/age.js"
import type { WrappedKey } from "../../../src/keys/backend.js"
import {
  ageFile,
  armor,
  fixture,
  IDENTITY,
  pattern,
  payload,
  RECIPIENT,
  x25519Stanza,
} from "../../helpers/age-craft.js"

// AgeBackend.wrap and AgeOpener.unwrap: which path takes a key (node:crypto for X25519,
// age-encryption for the rest), what they return and how they fail (issue 8: mutation testing of
// src/keys/age.ts). age-encryption does X25519 through WebCrypto (crypto.subtle.deriveBits); the
// native path never does, which is how the tests see which path ran: the native path exists so
// that an X25519 key does not load age-encryption (start-up time).

const KEY = pattern(32)
const ageWrapped = (enc: string): WrappedKey => ({ kind: "age", recipient: RECIPIENT, enc })
const rejection = async (p: Promise<unknown>): Promise<Record<string, unknown>> => {
  const err = await p.then(
    () => new Error("resolved"),
    (e: unknown) => e,
  )
  if (!(err instanceof BridgeError)) throw err
  const cause = err.cause instanceof Error ? err.cause.message : err.cause
  return {
    type: err.constructor.name,
    code: err.code,
    message: err.message,
    failure: (err as KeyError).failure,
    cause,
  }
}

afterEach(() => {
  vi.restoreAllMocks()
})

describe("AgeBackend.wrap", () => {
  it("should wrap for an X25519 recipient on node:crypto, never through age-encryption", async () => {
    const derive = vi.spyOn(crypto.subtle, "deriveBits")
    const w = await new AgeBackend(RECIPIENT).wrap(KEY)
    expect(derive).not.toHaveBeenCalled()
    expect(w.kind === "age" ? [w.kind, w.recipient, w.enc.split("\n")[0]] : w).toEqual([
      "age",
      RECIPIENT,
      "-----BEGIN AGE ENCRYPTED FILE-----",
    ])
    expect(await new AgeOpener([IDENTITY]).unwrap(w)).toEqual(KEY)
  })

  it("should wrap for a hybrid recipient through age-encryption", async () => {
    const id = await generateHybridIdentity()
    const recipient = await identityToRecipient(id)
    const w = await new AgeBackend(recipient).wrap(KEY)
    expect(w.kind === "age" ? [w.kind, w.recipient, typeof w.enc] : w).toEqual(["age", recipient, "string"])
    expect(await new AgeOpener([id]).unwrap(w)).toEqual(KEY)
  })

  it("should say which recipient could not wrap, with age-encryption's reason as the cause", async () => {
    expect(await rejection(new AgeBackend("age1qqqqqq").wrap(KEY))).toEqual({
      type: "BridgeError",
      code: "ENCRYPT",
      message: "age recipient age1qqqqqq: cannot wrap the data key",
      failure: undefined,
      cause: "Invalid checksum in age1qqqqqq",
    })
  })
})

describe("AgeOpener.unwrap", () => {
  it("should open a file age 1.1.1 sealed on node:crypto, never through age-encryption", async () => {
    const derive = vi.spyOn(crypto.subtle, "deriveBits")
    expect(await new AgeOpener([IDENTITY]).unwrap(ageWrapped(fixture("sealed-32.age")))).toEqual(pattern(32))
    expect(derive).not.toHaveBeenCalled()
  })

  it("should return null for another kind of key, or with no identities", async () => {
    const kms: WrappedKey = {
      kind: "kms",
      arn: "arn:aws:kms:eu-west-1:1:key/k",
      enc: "x",
      createdAt: "",
      awsProfile: "",
    }
    expect(await new AgeOpener([IDENTITY]).unwrap(kms)).toBeNull()
    expect(await new AgeOpener([]).unwrap(ageWrapped(fixture("sealed-32.age")))).toBeNull()
  })

  it("should fail as OTHER when the enc block is not armored age", async () => {
    expect(await rejection(new AgeOpener([IDENTITY]).unwrap(ageWrapped("not armored")))).toEqual({
      type: "KeyError",
      code: "KEY_BACKEND",
      message: "the enc block is not an armored age file",
      failure: "other",
      cause: "invalid header",
    })
  })

  it("should fail as NO_CREDENTIALS when no identity matches (age-encryption's words as the cause)", async () => {
    const other = await generateX25519Identity()
    expect(await rejection(new AgeOpener([other]).unwrap(ageWrapped(fixture("sealed-32.age"))))).toEqual({
      type: "KeyError",
      code: "KEY_BACKEND",
      message: "no identity could open the data key",
      failure: "no_credentials",
      cause: "no identity matched any of the file's recipients",
    })
  })

  it("should fail as NO_CREDENTIALS when the native path opened a stanza but the header MAC is wrong", async () => {
    const fileKey = pattern(16)
    const file = ageFile(fileKey, x25519Stanza(fileKey), payload(fileKey, [KEY]))
    const at = file.indexOf("\n---") + 6
    file[at] = file[at] === 0x41 ? 0x42 : 0x41
    expect(await rejection(new AgeOpener([IDENTITY]).unwrap(ageWrapped(armor(file))))).toEqual({
      type: "KeyError",
      code: "KEY_BACKEND",
      message: "no identity could open the data key",
      failure: "no_credentials",
      cause: "age header MAC mismatch",
    })
  })
})
