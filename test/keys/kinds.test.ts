import { createServer, type IncomingHttpHeaders } from "node:http"
import type { AddressInfo } from "node:net"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { KeyError } from "../../src/errors.js"
import { ageRecipientOf, generateAgeIdentity } from "../../src/keys/age.js"
import { ageKind } from "../../src/keys/age-kind.js"
import type { KeyDeps, RunOptions, RunResult } from "../../src/keys/deps.js"
import { pgpKind } from "../../src/keys/pgp-kind.js"
import { vaultKind } from "../../src/keys/vault-kind.js"

// The *-kind wiring of src/keys in-process (issue 8: mutation testing of src/keys): what each kind
// hands its backend and opener from KeyDeps — the age key command, gpg's runner, clock and
// environment, and the Vault token, namespace and address (against a local transit server).

interface Ran {
  file: string
  args: readonly string[]
  opts: RunOptions | undefined
}
function deps(
  env: Record<string, string>,
  files: Record<string, string> = {},
  run: (r: Ran) => RunResult = () => ({ code: 1, stdout: new Uint8Array(), stderr: "no commands" }),
): KeyDeps & { ran: Ran[]; reads: string[] } {
  const ran: Ran[] = []
  const reads: string[] = []
  return {
    env,
    ran,
    reads,
    now: () => new Date("2026-01-02T03:04:05.678Z"),
    readFile: (p) => {
      reads.push(p)
      return Promise.resolve(files[p] ?? null)
    },
    run: (file, args, opts) => {
      const r = { file, args, opts }
      ran.push(r)
      return Promise.resolve(run(r))
    },
    homeDir: "/home/u",
    userConfigDir: "/home/u/.config",
    hostname: "host",
    debug: false,
  }
}
const enc = (s: string): Uint8Array => new TextEncoder().encode(s)
const KEY = new Uint8Array(32).fill(7)

describe("ageKind", () => {
  it("should run SOPS_AGE_KEY_CMD through sh -c and open with the identities it prints", async () => {
    const id = await generateAgeIdentity()
    const wrapped = await ageKind
      .backend({ kind: "age", recipient: await ageRecipientOf(id) }, deps({}))
      .wrap(KEY)
    const d = deps({ SOPS_AGE_KEY_CMD: "print-key --now" }, {}, () => ({
      code: 0,
      stdout: enc(`# a comment\n${id}\n`),
      stderr: "",
    }))
    expect(await ageKind.opener(d).unwrap(wrapped)).toEqual(KEY)
    expect(d.ran).toEqual([{ file: "sh", args: ["-c", "print-key --now"], opts: { env: {} } }])
  })

  it("should fail with the command's exit status as the cause when the key command fails", async () => {
    const d = deps({ SOPS_AGE_KEY_CMD: "false" }, {}, () => ({ code: 3, stdout: enc("junk"), stderr: "" }))
    const err = await ageKind
      .opener(d)
      .unwrap({ kind: "age", recipient: "age1x", enc: "" })
      .catch((e: unknown) => e)
    expect(err).toBeInstanceOf(KeyError)
    expect(err).toMatchObject({ failure: "no_credentials", message: "SOPS_AGE_KEY_CMD failed" })
    expect(((err as Error).cause as Error).message).toBe("command exited with status 3")
  })

  it("should name every identity source when none holds a key", async () => {
    const err = await ageKind
      .opener(deps({}))
      .unwrap({ kind: "age", recipient: "age1x", enc: "" })
      .catch((e: unknown) => e)
    expect(err).toBeInstanceOf(KeyError)
    expect(err).toMatchObject({
      failure: "no_credentials",
      message:
        "failed to load age identities: none found in SOPS_AGE_KEY, SOPS_AGE_KEY_FILE, SOPS_AGE_KEY_CMD or the default keys.txt",
    })
  })

  it("should re-wrap for the recipient stored in the file", async () => {
    const id = await generateAgeIdentity()
    const recipient = await ageRecipientOf(id)
    const b = ageKind.rewrap({ kind: "age", recipient, enc: "old" }, deps({}))
    expect([b.kind, b.keyId]).toEqual(["age", recipient])
    const w = await b.wrap(KEY)
    expect(await ageKind.opener(deps({ SOPS_AGE_KEY: id })).unwrap(w)).toEqual(KEY)
  })

  it("should refuse a malformed recipient on the encrypt side", () => {
    expect(() => ageKind.backend({ kind: "age", recipient: "age1nope" }, deps({}))).toThrow()
  })
})

describe("pgpKind", () => {
  const gpgOk = (r: Ran): RunResult =>
    r.args[0] === "-d"
      ? { code: 0, stdout: KEY, stderr: "" }
      : { code: 0, stdout: enc("-----BEGIN PGP MESSAGE-----\nx\n-----END PGP MESSAGE-----\n"), stderr: "" }

  it("should run gpg (or SOPS_GPG_EXEC) with the data key on stdin and stamp the deps' clock", async () => {
    for (const [env, file] of [
      [{}, "gpg"],
      [{ SOPS_GPG_EXEC: "/opt/gpg2" }, "/opt/gpg2"],
    ] as const) {
      const d = deps(env, {}, gpgOk)
      const w = await pgpKind.backend({ kind: "pgp", fingerprint: "AB CD" }, d).wrap(KEY)
      expect(w).toEqual({
        kind: "pgp",
        fp: "ABCD",
        createdAt: "2026-01-02T03:04:05Z",
        enc: "-----BEGIN PGP MESSAGE-----\nx\n-----END PGP MESSAGE-----",
      })
      expect(d.ran[0]?.file).toBe(file)
      expect(d.ran[0]?.opts?.stdin).toEqual(KEY)
      expect(d.ran[0]?.args).toContain("ABCD")
    }
  })

  it("should re-wrap for the stored fingerprint and open through gpg -d", async () => {
    const d = deps({}, {}, gpgOk)
    const b = pgpKind.rewrap({ kind: "pgp", fp: "FP1", createdAt: "x", enc: "old" }, d)
    expect([b.kind, b.keyId]).toEqual(["pgp", "FP1"])
    const opener = pgpKind.opener(d)
    expect(opener.kind).toBe("pgp")
    expect(await opener.unwrap({ kind: "pgp", fp: "FP1", createdAt: "x", enc: "armored" })).toEqual(KEY)
    expect(d.ran.map((r) => [r.file, r.args])).toEqual([["gpg", ["-d"]]])
    expect(d.ran[0]?.opts?.stdin).toEqual(enc("armored"))
    expect(await opener.unwrap({ kind: "age", recipient: "a", enc: "" })).toBeNull()
  })
})

// A local transit server: records each request, answers encrypt and decrypt.
interface Seen {
  url: string
  headers: IncomingHttpHeaders
  body: string
}
const seen: Seen[] = []
const server = createServer((req, res) => {
  let text = ""
  req.on("data", (c: Buffer) => (text += c.toString()))
  req.on("end", () => {
    seen.push({ url: req.url ?? "", headers: req.headers, body: text })
    res.writeHead(200, { "content-type": "application/json" })
    const data = (req.url ?? "").includes("/encrypt/")
      ? { ciphertext: "vault:v1:abc" }
      : { plaintext: Buffer.from(KEY).toString("base64") }
    res.end(JSON.stringify({ data }))
  })
})
let addr = ""
beforeAll(async () => {
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r))
  addr = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})
afterAll(() => new Promise<void>((r) => server.close(() => r())))

describe("vaultKind", () => {
  const stored = () =>
    ({
      kind: "hc_vault",
      vaultAddress: addr,
      enginePath: "transit",
      keyName: "k1",
      createdAt: "x",
      enc: "vault:v1:abc",
    }) as const

  it("should wrap at the key's URI with VAULT_TOKEN and VAULT_NAMESPACE, stamped by the deps' clock", async () => {
    seen.length = 0
    const d = deps({ VAULT_TOKEN: "env-token", VAULT_NAMESPACE: "ns1" })
    const w = await vaultKind.backend({ kind: "hc_vault", uri: `${addr}/v1/transit/keys/k1` }, d).wrap(KEY)
    expect(w).toEqual({ ...stored(), createdAt: "2026-01-02T03:04:05Z" })
    expect(seen).toHaveLength(1)
    expect(seen[0]?.url).toBe("/v1/transit/encrypt/k1")
    expect(seen[0]?.headers["x-vault-token"]).toBe("env-token")
    expect(seen[0]?.headers["x-vault-namespace"]).toBe("ns1")
    expect(JSON.parse(seen[0]?.body ?? "")).toEqual({ plaintext: Buffer.from(KEY).toString("base64") })
    expect(d.reads).toEqual([])
  })

  it("should open with the token from ~/.vault-token (trimmed) when VAULT_TOKEN is empty", async () => {
    seen.length = 0
    const d = deps({ VAULT_TOKEN: "" }, { "/home/u/.vault-token": "  file-token\n" })
    expect(await vaultKind.opener(d).unwrap(stored())).toEqual(KEY)
    expect(d.reads).toEqual(["/home/u/.vault-token"])
    expect(seen[0]?.url).toBe("/v1/transit/decrypt/k1")
    expect(seen[0]?.headers["x-vault-token"]).toBe("file-token")
    expect(seen[0]?.headers["x-vault-namespace"]).toBeUndefined()
  })

  it("should re-wrap at the stored address and key", async () => {
    seen.length = 0
    const b = vaultKind.rewrap(stored(), deps({ VAULT_TOKEN: "t" }))
    expect(b.keyId).toBe(`${addr}/v1/transit/keys/k1`)
    await b.wrap(KEY)
    expect(seen[0]?.url).toBe("/v1/transit/encrypt/k1")
  })

  it.each([
    ["no token file", {}],
    ["a blank token file", { "/home/u/.vault-token": " \n" }],
  ])("should say no credentials with %s, before any request", async (_, files) => {
    seen.length = 0
    const err = await vaultKind
      .opener(deps({}, files))
      .unwrap(stored())
      .catch((e: unknown) => e)
    expect(err).toBeInstanceOf(KeyError)
    expect(err).toMatchObject({
      failure: "no_credentials",
      message: "no Vault token: set VAULT_TOKEN or write ~/.vault-token",
    })
    expect(seen).toHaveLength(0)
  })
})
