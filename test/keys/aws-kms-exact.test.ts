import { describe, expect, it } from "vitest"
import { BridgeError, ErrorCode, KeyError } from "../../src/errors.js"
import {
  KmsBackend,
  KmsOpener,
  kmsError,
  kmsRegion,
  stsSessionName,
  type KmsDeps,
} from "../../src/keys/aws-kms.js"
import type { WrappedKey } from "../../src/keys/backend.js"
import type { KmsApi, KmsTarget } from "../../src/keys/kms-api.js"
import { errorOf } from "../helpers/error-of.js"

// src/keys/aws-kms.ts exactly (issue 8, mutation testing): what each call hands the KMS port
// (key, region, session name, profile, role, signal, encryption context present or absent), the
// wrapped entry it writes, and every error's class, text and cause. Facts checked against sops
// 3.13.2: its ARN regex is anchored at both ends (`xarn:…` and an ARN with a line break after the
// id are refused with "no valid ARN found in '…'"), and its session name keeps Go's `@-_` range.

const EU = "arn:aws:kms:eu-west-1:111122223333:key/k-eu"
const ROLE = "arn:aws:iam::111122223333:role/r"
const KEY = new Uint8Array(32).fill(7)
const BLOB = Uint8Array.from([1, 2, 3, 250])

interface Call {
  readonly op: "encrypt" | "decrypt"
  readonly t: KmsTarget
  readonly bytes: Uint8Array
  readonly context: Readonly<Record<string, string>> | undefined
  readonly signal: AbortSignal | undefined
}

/** KmsDeps over a recording KMS port; `fail` makes every call reject with it. */
function fake(fail?: Error): { deps: KmsDeps; calls: Call[]; loads: () => number } {
  const calls: Call[] = []
  let loads = 0
  const record =
    (op: Call["op"]) =>
    (
      t: KmsTarget,
      bytes: Uint8Array,
      context: Readonly<Record<string, string>> | undefined,
      signal?: AbortSignal,
    ): Promise<Uint8Array> => {
      calls.push({ op, t, bytes: Uint8Array.from(bytes), context, signal })
      return fail === undefined ? Promise.resolve(op === "encrypt" ? BLOB : KEY) : Promise.reject(fail)
    }
  const api: KmsApi = { encrypt: record("encrypt"), decrypt: record("decrypt"), close: () => undefined }
  return {
    deps: {
      api: () => {
        loads++
        return Promise.resolve(api)
      },
      now: () => new Date("2026-12-03T04:05:06.789Z"),
      hostname: "build-01.example",
    },
    calls,
    loads: () => loads,
  }
}

const named = (name: string, message = "x"): Error => Object.assign(new Error(message), { name })

/** The error `p` rejects with; a resolved promise fails the test. */
async function rejection(p: Promise<unknown>): Promise<unknown> {
  try {
    await p
  } catch (err) {
    return err
  }
  throw new Error("expected a rejection")
}

const stored = (over: Partial<Extract<WrappedKey, { kind: "kms" }>> = {}): WrappedKey => ({
  kind: "kms",
  arn: EU,
  createdAt: "2026-12-03T04:05:06Z",
  enc: Buffer.from(BLOB).toString("base64"),
  awsProfile: "",
  ...over,
})

describe("kmsRegion and the session name, as sops makes them", () => {
  it("should refuse an ARN with text before it or a line after it, with sops' message and a hint", () => {
    for (const arn of [`x${EU}`, ` ${EU}`, `${EU}\nb`, `${EU}\n`]) {
      expect(errorOf(() => kmsRegion(arn))).toBe(`CONFIG no valid ARN found in '${arn}'`)
    }
    let hint: string | undefined
    try {
      kmsRegion("alias/x")
    } catch (err) {
      hint = (err as BridgeError).hint
    }
    expect(hint).toBe("use a key or alias ARN, e.g. arn:aws:kms:eu-west-1:111122223333:key/<id>")
    expect(errorOf(() => new KmsBackend({ arn: "alias/x" }, fake().deps))).toBe(
      "CONFIG no valid ARN found in 'alias/x'",
    )
    expect(kmsRegion("arn:aws-cn:kms:cn-north-1:1:alias/a/b")).toBe("cn-north-1")
  })

  it("should keep Go's @-_ range ([ \\ ] ^ _ and capitals) and cut at 64 characters, not before", () => {
    expect(stsSessionName("a[b]^c\\d_E-f~g h")).toBe("sops@a[b]^c\\d_Efgh")
    expect(stsSessionName("b".repeat(59))).toBe(`sops@${"b".repeat(59)}`)
    expect(stsSessionName(`${"b".repeat(59)}-c`)).toBe(`sops@${"b".repeat(59)}`)
    expect(stsSessionName("")).toBe("sops@")
  })
})

describe("KmsBackend.wrap: the request and the entry", () => {
  it("should send only key, region and session name for a bare key, and write no role or context", async () => {
    const f = fake()
    const w = await new KmsBackend({ arn: EU }, f.deps).wrap(KEY)
    expect(f.calls).toHaveLength(1)
    expect(f.calls[0]?.t).toStrictEqual({
      keyId: EU,
      region: "eu-west-1",
      sessionName: "sops@build01.example",
    })
    expect(f.calls[0]?.bytes).toEqual(KEY)
    expect(f.calls[0]?.context).toBeUndefined()
    expect(f.calls[0]?.signal).toBeUndefined()
    expect(w).toStrictEqual({
      kind: "kms",
      arn: EU,
      createdAt: "2026-12-03T04:05:06Z",
      enc: "AQID+g==",
      awsProfile: "",
    })
  })

  it("should treat an empty profile, role and context as none", async () => {
    const f = fake()
    const w = await new KmsBackend({ arn: EU, awsProfile: "", role: "", context: {} }, f.deps).wrap(KEY)
    expect(f.calls[0]?.t).toStrictEqual({
      keyId: EU,
      region: "eu-west-1",
      sessionName: "sops@build01.example",
    })
    expect(w).toStrictEqual({
      kind: "kms",
      arn: EU,
      createdAt: "2026-12-03T04:05:06Z",
      enc: "AQID+g==",
      awsProfile: "",
    })
  })

  it("should send and write the profile, role and context, and hand the caller's signal on", async () => {
    const f = fake()
    const signal = new AbortController().signal
    const key = { arn: EU, awsProfile: "dev", role: ROLE, context: { app: "a", env: "prod" } }
    const w = await new KmsBackend(key, f.deps).wrap(KEY, { signal })
    expect(f.calls[0]?.t).toStrictEqual({
      keyId: EU,
      region: "eu-west-1",
      sessionName: "sops@build01.example",
      profile: "dev",
      role: ROLE,
      signal,
    })
    expect(f.calls[0]?.signal).toBe(signal)
    expect(f.calls[0]?.context).toStrictEqual({ app: "a", env: "prod" })
    expect(w).toStrictEqual({
      kind: "kms",
      arn: EU,
      role: ROLE,
      context: { app: "a", env: "prod" },
      createdAt: "2026-12-03T04:05:06Z",
      enc: "AQID+g==",
      awsProfile: "dev",
    })
  })

  it("should turn a failed call into a KeyError naming the encrypt side, the SDK error as cause", async () => {
    const sdk = named("ValidationException", "1 validation error detected")
    const err = await rejection(new KmsBackend({ arn: EU }, fake(sdk).deps).wrap(KEY))
    expect(err).toBeInstanceOf(KeyError)
    expect(err).toMatchObject({
      failure: "other",
      code: ErrorCode.KeyBackend,
      message:
        "failed to encrypt the data key with AWS KMS: ValidationException: 1 validation error detected",
    })
    expect((err as KeyError).cause).toBe(sdk)
  })
})

describe("KmsOpener.unwrap: the request and its refusals", () => {
  it("should leave a key of another kind alone, without loading the API", async () => {
    const f = fake()
    const opener = new KmsOpener(f.deps)
    const vault: WrappedKey = {
      kind: "hc_vault",
      vaultAddress: "http://127.0.0.1:8200",
      enginePath: "transit",
      keyName: "k",
      createdAt: "2026-12-03T04:05:06Z",
      enc: "dmF1bHQ6djE6YWJj",
    }
    expect(await opener.unwrap(vault)).toBeNull()
    expect(await opener.unwrap({ kind: "age", recipient: "age1x", enc: "YWJj" })).toBeNull()
    expect(f.loads()).toBe(0)
    expect(f.calls).toEqual([])
  })

  it("should refuse an empty or non-base64 enc before any call", async () => {
    for (const enc of ["", "!!!!"]) {
      const f = fake()
      const err = await rejection(new KmsOpener(f.deps).unwrap(stored({ enc })))
      expect(err).toBeInstanceOf(KeyError)
      expect(err).toMatchObject({ failure: "other", message: "the enc field is empty or not base64" })
      expect(f.loads()).toBe(0)
    }
  })

  it("should send the stored blob with no profile, role or context when they are empty", async () => {
    const f = fake()
    const key = await new KmsOpener(f.deps).unwrap(stored({ role: "", context: {} }))
    expect(key).toEqual(KEY)
    expect(f.calls[0]?.op).toBe("decrypt")
    expect(f.calls[0]?.t).toStrictEqual({
      keyId: EU,
      region: "eu-west-1",
      sessionName: "sops@build01.example",
    })
    expect(f.calls[0]?.bytes).toEqual(BLOB)
    expect(f.calls[0]?.context).toBeUndefined()
  })

  it("should send the stored profile, role and context, and the caller's signal", async () => {
    const f = fake()
    const signal = new AbortController().signal
    const w = stored({ awsProfile: "dev", role: ROLE, context: { env: "prod" } })
    expect(await new KmsOpener(f.deps).unwrap(w, { signal })).toEqual(KEY)
    expect(f.calls[0]?.t).toStrictEqual({
      keyId: EU,
      region: "eu-west-1",
      sessionName: "sops@build01.example",
      profile: "dev",
      role: ROLE,
      signal,
    })
    expect(f.calls[0]?.context).toStrictEqual({ env: "prod" })
    expect(f.calls[0]?.signal).toBe(signal)
  })

  it("should turn a failed call into a KeyError naming the decrypt side, the SDK error as cause", async () => {
    const sdk = named("AccessDeniedException", "User: arn:aws:iam::1:user/u is not authorized")
    const err = await rejection(new KmsOpener(fake(sdk).deps).unwrap(stored()))
    expect(err).toBeInstanceOf(KeyError)
    expect(err).toMatchObject({
      failure: "denied",
      message: "failed to decrypt the data key with AWS KMS: AccessDeniedException",
    })
    expect((err as KeyError).cause).toBe(sdk)
  })

  it("should pass a stored ARN that is not one on as the CONFIG error it is", async () => {
    const f = fake()
    const err = await rejection(new KmsOpener(f.deps).unwrap(stored({ arn: "alias/x" })))
    expect(err).not.toBeInstanceOf(KeyError)
    expect(err).toBeInstanceOf(BridgeError)
    expect(err).toMatchObject({ code: ErrorCode.Config, message: "no valid ARN found in 'alias/x'" })
    expect(f.calls).toEqual([])
  })
})

describe("kmsError: class, text and cause", () => {
  const of = (err: unknown, op: "encrypt" | "decrypt" = "decrypt"): KeyError => kmsError(err, op) as KeyError

  it("should class KMS' own refusals as denied, naming only the error", () => {
    for (const name of [
      "ExpiredTokenException",
      "ExpiredToken",
      "KMSInvalidStateException",
      "DisabledException",
      "AccessDeniedException",
      "UnrecognizedClientException",
    ]) {
      const e = of(named(name, "arn:aws:kms:eu-west-1:1:key/k is pending deletion"))
      expect([e.failure, e.message]).toEqual([
        "denied",
        `failed to decrypt the data key with AWS KMS: ${name}`,
      ])
    }
  })

  it("should give the whole safe message for an unclassed error, and class only InvalidCiphertextException as a wrong context", () => {
    const e = of(named("IncorrectKeyException", "the key is not the one used"), "encrypt")
    expect([e.failure, e.message]).toEqual([
      "other",
      "failed to encrypt the data key with AWS KMS: IncorrectKeyException: the key is not the one used",
    ])
    expect(of(named("InvalidCiphertextException")).failure).toBe("wrong_context")
    expect(of(named("KMSInternalException")).failure).toBe("other")
    expect(of("boom").message).toBe("failed to decrypt the data key with AWS KMS: boom")
  })

  it("should class missing credentials by the provider's error name or by its message alone", () => {
    const byName = of(named("CredentialsProviderError", "Profile dev was not found"))
    expect([byName.failure, byName.message]).toEqual([
      "no_credentials",
      "failed to decrypt the data key with AWS KMS: CredentialsProviderError",
    ])
    const byText = of("Could not load credentials from any providers")
    expect([byText.failure, byText.message]).toEqual([
      "no_credentials",
      "failed to decrypt the data key with AWS KMS: Could not load credentials from any providers",
    ])
    expect(of(named("CredentialsProviderError", "x")).cause).toBeInstanceOf(Error)
  })

  it("should hand a sealbridge error back unchanged", () => {
    const own = new KeyError("not_found", "key k not found")
    expect(kmsError(own, "encrypt")).toBe(own)
    const config = new BridgeError(ErrorCode.Config, "bad")
    expect(kmsError(config, "decrypt")).toBe(config)
  })

  it("should prefix a failed role assumption, with a default text, its inner class and the whole error as cause", () => {
    const err = { assumeRole: true, cause: named("AccessDenied", "not allowed") }
    const e = of(err, "encrypt")
    expect([e.failure, e.message]).toEqual([
      "denied",
      "failed to assume role: failed to encrypt the data key with AWS KMS: AccessDenied",
    ])
    expect(e.cause).toBe(err)
    const own = {
      assumeRole: true,
      message: `failed to assume role ${ROLE}`,
      cause: new BridgeError("CONFIG", "c"),
    }
    expect([of(own).failure, of(own).message]).toEqual(["other", `failed to assume role ${ROLE}: c`])
  })
})
