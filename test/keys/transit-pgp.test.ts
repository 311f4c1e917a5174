import { describe, expect, it } from "vitest"
import { DEADLINE_TEST_MS } from "../helpers/deadline-test.js"
import { KeyError, KeyFailure } from "../../src/errors.js"
import type { WrappedKey } from "../../src/keys/backend.js"
import { withDeadline } from "../../src/keys/call.js"
import { classifyKeyError, isNetworkError } from "../../src/keys/classify.js"
import type { RunResult } from "../../src/keys/deps.js"
import { gpgError, PgpBackend, PgpOpener, type PgpDeps } from "../../src/keys/pgp.js"
import type { TransitApi, TransitTarget } from "../../src/keys/vault-api.js"
import {
  TransitBackend,
  TransitOpener,
  transitError,
  type TransitDeps,
} from "../../src/keys/vault-transit.js"

// The Vault transit and gpg backends against fakes of their ports (the real peers are covered
// by the integration tests): what they send, what they store, and the class of each failure.
const now = (): Date => new Date("2024-02-03T04:05:06.789Z")
const ref = { vaultAddress: "http://vault:8200", enginePath: "transit", keyName: "sops" }
const seen: { t: TransitTarget; arg: string; timeoutMs: number | undefined }[] = []
const api: TransitApi = {
  encrypt: (t, b64, timeoutMs) => {
    seen.push({ t, arg: b64, timeoutMs })
    return Promise.resolve(`vault:v1:${b64}`)
  },
  decrypt: (t, c, timeoutMs) => {
    seen.push({ t, arg: c, timeoutMs })
    return Promise.resolve(c.replace("vault:v1:", ""))
  },
}
const transitDeps = (over: Partial<TransitDeps> = {}): TransitDeps => ({
  api: () => Promise.resolve(api),
  now,
  token: () => Promise.resolve("s.token"),
  namespace: undefined,
  ...over,
})
const failureOf = async (p: Promise<unknown>): Promise<{ failure: string; message: string }> => {
  try {
    await p
  } catch (err) {
    if (err instanceof KeyError) return { failure: err.failure, message: err.message }
    throw err
  }
  throw new Error("expected a KeyError")
}

describe("Vault transit backend", () => {
  it("should wrap with the base64 data key and store where and when, and unwrap it again", async () => {
    seen.length = 0
    const b = new TransitBackend(ref, transitDeps({ namespace: "team" }))
    expect(b.keyId).toBe("http://vault:8200/v1/transit/keys/sops")
    const w = await b.wrap(Uint8Array.from([1, 2, 3]), { timeoutMs: 1500 })
    expect(w).toEqual({ kind: "hc_vault", ...ref, createdAt: "2024-02-03T04:05:06Z", enc: "vault:v1:AQID" })
    expect(seen[0]).toEqual({
      t: { ...ref, token: "s.token", namespace: "team" },
      arg: "AQID",
      timeoutMs: 1500,
    })
    const o = new TransitOpener(transitDeps({ namespace: "" }))
    expect(await o.unwrap(w, {})).toEqual(Uint8Array.from([1, 2, 3]))
    expect(seen[1]?.t).toEqual({ ...w, token: "s.token" })
    expect(seen[1]?.timeoutMs).toBeUndefined()
  })

  it("should say null to a key of another type", async () => {
    const o = new TransitOpener(transitDeps())
    expect(await o.unwrap({ kind: "age", recipient: "age1x", enc: "e" })).toBeNull()
  })

  it("should need a token (no_credentials) on both sides", async () => {
    const deps = transitDeps({ token: () => Promise.resolve(null) })
    const want = {
      failure: KeyFailure.NoCredentials,
      message: "no Vault token: set VAULT_TOKEN or write ~/.vault-token",
    }
    expect(await failureOf(new TransitBackend(ref, deps).wrap(new Uint8Array(1)))).toEqual(want)
    const w: WrappedKey = { kind: "hc_vault", ...ref, createdAt: "", enc: "vault:v1:AA==" }
    expect(await failureOf(new TransitOpener(deps).unwrap(w))).toEqual(want)
  })

  it.each([
    [{ code: "ECONNREFUSED", message: "connect ECONNREFUSED" }, KeyFailure.Unreachable],
    [{ code: "ECONNABORTED", message: "aborted" }, KeyFailure.Unreachable],
    [{ message: "x", response: { statusCode: 403 } }, KeyFailure.Denied],
    [{ message: "1 error occurred: permission denied" }, KeyFailure.Denied],
    [{ message: "x", response: { statusCode: 404 } }, KeyFailure.NotFound],
    [{ message: "encryption key Not Found" }, KeyFailure.NotFound],
    [{ message: "x", response: { statusCode: 503 } }, KeyFailure.Unreachable],
    [{ message: "x", response: { statusCode: 500 } }, KeyFailure.Unreachable],
    [{ message: "x", response: { statusCode: 499 } }, KeyFailure.Other],
    [{ message: "bad request" }, KeyFailure.Other],
  ])("should class a transit error %j as %s", (shape, failure) => {
    const err = Object.assign(new Error(shape.message), shape)
    const k = transitError(err, "decrypt")
    expect(k instanceof KeyError && k.failure).toBe(failure)
    expect(k.message).toBe(`failed to decrypt the data key with Vault transit: ${shape.message}`)
  })

  it("should pass its own errors through and name the operation", async () => {
    const own = new KeyError(KeyFailure.Denied, "mine")
    expect(transitError(own, "encrypt")).toBe(own)
    expect(transitError("text", "encrypt").message).toBe(
      "failed to encrypt the data key with Vault transit: text",
    )
    const broken = transitDeps({
      api: () => Promise.reject(Object.assign(new Error("no route"), { code: "EHOSTUNREACH" })),
    })
    expect(await failureOf(new TransitBackend(ref, broken).wrap(new Uint8Array(1)))).toEqual({
      failure: KeyFailure.Unreachable,
      message: "failed to encrypt the data key with Vault transit: no route",
    })
  })
})

describe("PGP backend (gpg as a child process)", () => {
  const calls: { file: string; args: readonly string[]; stdin: string; signal: boolean }[] = []
  const gpg = (result: Partial<RunResult> | Error, env: Record<string, string> = {}): PgpDeps => ({
    env,
    now,
    run: (file, args, opts) => {
      calls.push({
        file,
        args,
        stdin: new TextDecoder().decode(opts?.stdin ?? new Uint8Array()),
        signal: opts?.signal !== undefined,
      })
      if (result instanceof Error) return Promise.reject(result)
      return Promise.resolve({ code: 0, stdout: new Uint8Array(), stderr: "", ...result })
    },
  })
  const armored = "-----BEGIN PGP MESSAGE-----\nabc\n-----END PGP MESSAGE-----"

  it("should encrypt for the fingerprint as sops does and store the armor trimmed", async () => {
    calls.length = 0
    const out = new TextEncoder().encode(`\n${armored}\n\n`)
    const b = new PgpBackend("AAAA BBBB CCCC DDDD EEEE FFFF 0000 1111 2222 3333", gpg({ stdout: out }))
    expect(b.keyId).toBe("AAAABBBBCCCCDDDDEEEEFFFF0000111122223333")
    const w = await b.wrap(new TextEncoder().encode("k"), { signal: new AbortController().signal })
    expect(w).toEqual({ kind: "pgp", fp: b.keyId, createdAt: "2024-02-03T04:05:06Z", enc: armored })
    expect(calls[0]).toEqual({
      file: "gpg",
      args: [
        "--no-default-recipient",
        "--yes",
        "--encrypt",
        "-a",
        "-r",
        b.keyId,
        "--trusted-key",
        "0000111122223333",
        "--no-encrypt-to",
      ],
      stdin: "k",
      signal: true,
    })
  })

  it("should pass a short fingerprint whole, and use SOPS_GPG_EXEC when set", async () => {
    calls.length = 0
    await new PgpBackend("ABCD", gpg({}, { SOPS_GPG_EXEC: "/opt/gpg2" })).wrap(new Uint8Array(1))
    expect(calls[0]?.file).toBe("/opt/gpg2")
    expect(calls[0]?.args.slice(-2)).toEqual(["ABCD", "--no-encrypt-to"])
    expect(calls[0]?.signal).toBe(false)
    await new PgpBackend("ABCD", gpg({}, { SOPS_GPG_EXEC: "" })).wrap(new Uint8Array(1))
    expect(calls[1]?.file).toBe("gpg")
  })

  it("should refuse an empty fingerprint", () => {
    expect(() => new PgpBackend("  ", gpg({}))).toThrow("empty PGP fingerprint")
  })

  it("should decrypt with -d and the armor on stdin; null for other key types", async () => {
    calls.length = 0
    const o = new PgpOpener(gpg({ stdout: Uint8Array.from([7, 8]) }))
    expect(await o.unwrap({ kind: "pgp", fp: "F", createdAt: "", enc: armored })).toEqual(
      Uint8Array.from([7, 8]),
    )
    expect(calls[0]).toEqual({ file: "gpg", args: ["-d"], stdin: armored, signal: false })
    expect(await o.unwrap({ kind: "age", recipient: "a", enc: "e" })).toBeNull()
    expect(calls).toHaveLength(1)
  })

  it("should say how to get gpg when it is missing, and pass other spawn errors on", async () => {
    const missing = gpg(Object.assign(new Error("spawn gpg ENOENT"), { code: "ENOENT" }))
    expect(
      await failureOf(new PgpOpener(missing).unwrap({ kind: "pgp", fp: "F", createdAt: "", enc: "x" })),
    ).toEqual({ failure: KeyFailure.Other, message: "gpg not found; install gnupg or set SOPS_GPG_EXEC" })
    const other = gpg(new Error("EMFILE"))
    await expect(new PgpBackend("F", other).wrap(new Uint8Array(1))).rejects.toThrow("EMFILE")
  })

  it("should turn a failed gpg run into a classed error naming its last line", async () => {
    const r = gpg({ code: 2, stderr: "gpg: decryption failed: No secret key\n" })
    expect(
      await failureOf(new PgpOpener(r).unwrap({ kind: "pgp", fp: "F", createdAt: "", enc: "x" })),
    ).toEqual({
      failure: KeyFailure.NoCredentials,
      message: "failed to decrypt the data key with gpg: decryption failed: No secret key",
    })
    const e = gpg({
      code: 2,
      stderr: "gpg: F: skipped: No public key\ngpg: [stdin]: encryption failed: No public key\n",
    })
    expect(await failureOf(new PgpBackend("F", e).wrap(new Uint8Array(1)))).toEqual({
      failure: KeyFailure.NotFound,
      message: "failed to encrypt the data key with gpg: [stdin]: encryption failed: No public key",
    })
  })

  it.each([
    ["gpg: public key decryption failed: Bad passphrase", KeyFailure.Denied],
    ["gpg: Operation cancelled", KeyFailure.Denied],
    ["gpg: signing failed: Inappropriate ioctl for device", KeyFailure.Denied],
    ["gpg: secret key not available", KeyFailure.NoCredentials],
    ["gpg: key X: not found", KeyFailure.NotFound],
    ["gpg: F: skipped: Unusable public key", KeyFailure.NotFound],
    ["gpg: something else", KeyFailure.Other],
  ])("should class %j as %s", (stderr, failure) => {
    expect(gpgError({ code: 2, stdout: new Uint8Array(), stderr }, "decrypt").failure).toBe(failure)
  })

  it("should fall back to the exit status when gpg says nothing", () => {
    expect(gpgError({ code: 9, stdout: new Uint8Array(), stderr: "\n  \n" }, "encrypt").message).toBe(
      "failed to encrypt the data key with gpg: gpg exited with status 9",
    )
  })
})

describe("withDeadline", () => {
  const hang = (opts: { signal?: AbortSignal }): Promise<string> =>
    new Promise((_, reject) => opts.signal?.addEventListener("abort", () => reject(new Error("aborted"))))

  it("should call without a signal when there is neither a signal nor a timeout", async () => {
    const got: unknown[] = []
    await withDeadline({ timeoutMs: 0 }, (o) => (got.push(o), Promise.resolve(1)))
    expect(got).toEqual([{}])
  })

  it(
    "should pass the signal and the timeout on, and stop a call that outlives it",
    async () => {
      const got: { signal?: AbortSignal; timeoutMs?: number }[] = []
      const r = await failureOf(withDeadline({ timeoutMs: 30 }, (o) => (got.push(o), hang(o))))
      expect(r).toEqual({ failure: KeyFailure.Unreachable, message: "timed out after 0.03s" })
      expect(got[0]?.timeoutMs).toBe(30)
      expect(got[0]?.signal).toBeInstanceOf(AbortSignal)
    },
    DEADLINE_TEST_MS,
  )

  it(
    "should hold the bound even for a call that ignores the signal",
    async () => {
      const r = await failureOf(withDeadline({ timeoutMs: 1250 }, () => new Promise(() => undefined)))
      expect(r.message).toBe("timed out after 1.25s")
    },
    DEADLINE_TEST_MS,
  )

  it(
    "should say interrupted when the caller's signal aborts, before or during the call",
    async () => {
      const before = new AbortController()
      before.abort()
      let called = false
      expect(
        await failureOf(withDeadline({ signal: before.signal }, () => ((called = true), Promise.resolve(1)))),
      ).toEqual({ failure: KeyFailure.Unreachable, message: "interrupted" })
      expect(called).toBe(false)
      const during = new AbortController()
      setTimeout(() => during.abort(), 20)
      expect(
        (await failureOf(withDeadline({ signal: during.signal, timeoutMs: 60_000 }, hang))).message,
      ).toBe("interrupted")
    },
    DEADLINE_TEST_MS,
  )

  it("should return the result of a call that finishes in time", async () => {
    expect(
      await withDeadline({ timeoutMs: 60_000, signal: new AbortController().signal }, () =>
        Promise.resolve(7),
      ),
    ).toBe(7)
  })
})

describe("classifyKeyError", () => {
  it("should keep a key error's class, find network codes down the cause chain, and class the rest as other", () => {
    expect(classifyKeyError(new KeyError(KeyFailure.Denied, "no"))).toEqual({
      failure: "denied",
      reason: "no",
    })
    const deep = new Error("outer", {
      cause: new Error("mid", { cause: Object.assign(new Error("in"), { code: "ENOTFOUND" }) }),
    })
    expect(classifyKeyError(deep)).toEqual({ failure: "unreachable", reason: "outer" })
    expect(classifyKeyError(Object.assign(new Error("t"), { name: "TimeoutError" })).failure).toBe(
      "unreachable",
    )
    expect(classifyKeyError(Object.assign(new Error("t"), { name: "AbortError" })).failure).toBe(
      "unreachable",
    )
    expect(classifyKeyError(new Error("plain"))).toEqual({ failure: "other", reason: "plain" })
    expect(classifyKeyError(Object.assign(new Error("c"), { code: "EACCES" })).failure).toBe("other")
  })

  it("should stop looking after six levels of causes", () => {
    let e: unknown = Object.assign(new Error("net"), { code: "ECONNRESET" })
    for (let i = 0; i < 5; i++) e = new Error(`l${i}`, { cause: e })
    expect(isNetworkError(e)).toBe(true)
    expect(isNetworkError(new Error("l5", { cause: e }))).toBe(false)
    expect(isNetworkError(null)).toBe(false)
    expect(isNetworkError({ code: 42 })).toBe(false)
  })
})
