import { describe, expect, it } from "vitest"
import { BridgeError } from "../../src/errors.js"
import { checkAgeRecipient } from "../../src/keys/age-recipient.js"
import { wrappedKeyId } from "../../src/keys/backend.js"
import type { KeyDeps } from "../../src/keys/deps.js"
import { lazyOpener } from "../../src/keys/kind.js"
import { backendFor, backendForWrapped, openableKinds, openersFor } from "../../src/keys/registry.js"
import { combine, gfInv, gfMul, split } from "../../src/keys/shamir.js"
import { parseVaultUri } from "../../src/keys/vault-uri.js"
import { map } from "../../src/tree/node.js"

// The small pieces of the key layer, each against its own contract (messages included: they are
// what a user reads when a key is wrong).
const errorOf = (f: () => unknown): string => {
  try {
    f()
  } catch (err) {
    if (err instanceof BridgeError)
      return `${err.code} ${err.message}${err.hint === undefined ? "" : ` | ${err.hint}`}`
    throw err
  }
  throw new Error("expected a BridgeError")
}
const RECIPIENT = "age1yt3tfqlfrwdwx0z0ynwplcr6qxcxfaqycuprpmy89nr83ltx74tqdpszlw"

describe("checkAgeRecipient", () => {
  it("should pass a valid age1 recipient and anything that is not age1 (ssh, plugins)", () => {
    expect(checkAgeRecipient(RECIPIENT)).toBe(RECIPIENT)
    expect(checkAgeRecipient("ssh-ed25519 AAAA")).toBe("ssh-ed25519 AAAA")
  })
  it.each([RECIPIENT.slice(0, -1) + "q", RECIPIENT.slice(0, 40), "age1"])(
    "should refuse %s with USAGE",
    (r) => {
      expect(errorOf(() => checkAgeRecipient(r))).toBe(
        `USAGE malformed age recipient ${JSON.stringify(r)} | an age recipient is the age1… line \`sealbridge keygen\` (or age-keygen -y) prints`,
      )
    },
  )
})

describe("parseVaultUri messages", () => {
  const EXAMPLE = "https://vault.example.com:8200/v1/transit/keys/keyName"
  it.each([
    ["not a url", `CONFIG missing scheme in vault URL (should be like this: ${EXAMPLE}), got: not a url`],
    [
      "vault:8200/v1/t/keys/a",
      `CONFIG missing scheme in vault URL (should be like this: ${EXAMPLE}), got: vault:8200/v1/t/keys/a`,
    ],
    [
      "https://h/p/v1/t/keys/a",
      `CONFIG https://h/p/v1/t/keys/a: running Vault with a prefixed url is not supported (format: ${EXAMPLE})`,
    ],
    [
      "https://h/v1/t/a",
      `CONFIG https://h/v1/t/a: vault path does not seem to be formatted correctly (e.g. ${EXAMPLE})`,
    ],
    [
      "https://h/v1/keys/a",
      `CONFIG https://h/v1/keys/a: vault path does not seem to be formatted correctly (e.g. ${EXAMPLE})`,
    ],
  ])("should refuse %s", (uri, message) => {
    expect(errorOf(() => parseVaultUri(uri))).toBe(message)
  })
  it("should accept any v<N> API version and keep the port in the address", () => {
    expect(parseVaultUri("http://h:1/v2/a/b/keys/k")).toEqual({
      vaultAddress: "http://h:1",
      enginePath: "a/b",
      keyName: "k",
    })
    expect(parseVaultUri("http://h//v1/t/keys/k//")).toEqual({
      vaultAddress: "http://h",
      enginePath: "t",
      keyName: "k",
    })
  })
})

describe("Shamir over GF(2^8)", () => {
  it("should multiply and invert in the AES field", () => {
    expect(gfMul(0x57, 0x83)).toBe(0xc1) // FIPS-197 §4.2
    expect(gfMul(0x57, 0x13)).toBe(0xfe)
    expect(gfMul(0, 0x13)).toBe(0)
    for (const a of [1, 2, 0x53, 0xff]) expect(gfMul(a, gfInv(a))).toBe(1)
    expect(gfInv(0x53)).toBe(0xca)
    expect(errorOf(() => gfInv(0))).toBe("INTERNAL shamir: no inverse of zero")
  })

  it("should give share i the x coordinate i+1 and recover from any threshold-sized subset", () => {
    const secret = Uint8Array.from({ length: 32 }, (_, i) => i * 7)
    const shares = split(secret, 4, 3, (n) => crypto.getRandomValues(new Uint8Array(n)))
    expect(shares.map((s) => s.length)).toEqual([33, 33, 33, 33])
    expect(shares.map((s) => s[32])).toEqual([1, 2, 3, 4])
    expect(combine([shares[0], shares[2], shares[3]] as Uint8Array[])).toEqual(secret)
    expect(combine([shares[3], shares[1], shares[0]] as Uint8Array[])).toEqual(secret)
    expect(combine(shares)).toEqual(secret)
    // Two of a threshold-3 split do not give it back.
    expect(combine([shares[0], shares[1]] as Uint8Array[])).not.toEqual(secret)
  })

  it("should use the random coefficients as polynomial coefficients (known answer)", () => {
    // f(x) = s + c1·x with c1 = 1: shares are s ^ x.
    const shares = split(Uint8Array.from([0x10]), 2, 2, (n) => new Uint8Array(n).fill(1))
    expect(shares).toEqual([Uint8Array.from([0x11, 1]), Uint8Array.from([0x12, 2])])
    // f(x) = s + c1·x + c2·x² with c1 = c2 = 1, at x = 3: 3 ^ 5 = 6.
    const three = split(Uint8Array.from([0]), 3, 3, (n) => new Uint8Array(n).fill(1))
    expect(three[2]).toEqual(Uint8Array.from([6, 3]))
  })

  it("should wipe each byte's random coefficients once its shares are computed", () => {
    const handed: Uint8Array[] = []
    const shares = split(Uint8Array.from([5, 6, 7]), 3, 3, (n) => {
      const c = Uint8Array.from({ length: n }, (_, i) => 0x40 + i + handed.length)
      handed.push(c)
      return c
    })
    expect(handed.map((c) => c.length)).toEqual([2, 2, 2])
    for (const c of handed) expect([...c]).toEqual([0, 0])
    expect(combine(shares)).toEqual(Uint8Array.from([5, 6, 7]))
  })

  it.each([
    [2, 1],
    [2, 3],
    [256, 2],
    [300, 256],
  ])("should refuse %i parts with threshold %i", (parts, threshold) => {
    expect(errorOf(() => split(new Uint8Array(1), parts, threshold, (n) => new Uint8Array(n)))).toBe(
      `CONFIG shamir: threshold ${threshold} must be 2..255 and at most the ${parts} key groups`,
    )
  })

  it("should accept the bounds: 255 parts, threshold 255", () => {
    expect(split(new Uint8Array(1), 255, 255, (n) => new Uint8Array(n))).toHaveLength(255)
  })

  it("should refuse fewer than two shares and duplicates", () => {
    const s = Uint8Array.from([1, 1])
    expect(errorOf(() => combine([s]))).toBe("NO_KEY shamir: at least two shares are needed")
    expect(errorOf(() => combine([]))).toBe("NO_KEY shamir: at least two shares are needed")
    expect(errorOf(() => combine([s, Uint8Array.from([2, 1])]))).toBe("NO_KEY shamir: duplicate share")
  })
})

describe("key ids, lazy openers and the registry", () => {
  const deps: KeyDeps = {
    env: {},
    now: () => new Date(0),
    readFile: () => Promise.resolve(null),
    run: () => Promise.reject(new Error("no commands")),
    homeDir: "/h",
    userConfigDir: "/h/.config",
    hostname: "host",
    debug: false,
  }

  it("should name each wrapped key by what identifies it", () => {
    expect(wrappedKeyId({ kind: "age", recipient: "age1r", enc: "" })).toBe("age1r")
    expect(wrappedKeyId({ kind: "kms", arn: "arn:k", createdAt: "", enc: "", awsProfile: "" })).toBe("arn:k")
    expect(
      wrappedKeyId({
        kind: "hc_vault",
        vaultAddress: "http://v",
        enginePath: "t/x",
        keyName: "k",
        createdAt: "",
        enc: "",
      }),
    ).toBe("http://v/v1/t/x/keys/k")
    expect(wrappedKeyId({ kind: "pgp", fp: "FP", createdAt: "", enc: "" })).toBe("FP")
    expect(wrappedKeyId({ kind: "azure_kv", raw: map([]) })).toBe("azure_kv")
  })

  it("should load a lazy opener once, on the first key of its kind", async () => {
    let loads = 0
    const o = lazyOpener("pgp", () => {
      loads++
      return Promise.resolve({ kind: "pgp", unwrap: () => Promise.resolve(Uint8Array.from([1])) })
    })
    expect(await o.unwrap({ kind: "age", recipient: "a", enc: "" })).toBeNull()
    expect(loads).toBe(0)
    const pgp = { kind: "pgp", fp: "F", createdAt: "", enc: "" } as const
    expect(await o.unwrap(pgp)).toEqual(Uint8Array.from([1]))
    expect(await o.unwrap(pgp)).toEqual(Uint8Array.from([1]))
    expect(loads).toBe(1)
  })

  it("should build a backend of each kind, for new and for wrapped keys", () => {
    expect(backendFor({ kind: "pgp", fingerprint: "AB CD" }, deps).keyId).toBe("ABCD")
    expect(backendFor({ kind: "hc_vault", uri: "http://v:1/v1/t/keys/k" }, deps).keyId).toBe(
      "http://v:1/v1/t/keys/k",
    )
    expect(backendForWrapped({ kind: "pgp", fp: "EF", createdAt: "", enc: "" }, deps).kind).toBe("pgp")
    expect(
      backendForWrapped(
        { kind: "hc_vault", vaultAddress: "http://v", enginePath: "t", keyName: "k", createdAt: "", enc: "" },
        deps,
      ).keyId,
    ).toBe("http://v/v1/t/keys/k")
    expect(backendForWrapped({ kind: "age", recipient: RECIPIENT, enc: "" }, deps).keyId).toBe(RECIPIENT)
    expect(openersFor(deps).map((o) => o.kind)).toEqual(["age", "kms", "hc_vault", "pgp"])
    expect(openableKinds()).toEqual(["age", "kms", "hc_vault", "pgp"])
  })

  it("should refuse a kind it cannot seal with, naming the key and the kinds it can", () => {
    expect(errorOf(() => backendForWrapped({ kind: "gcp_kms", raw: map([]) }, deps))).toBe(
      "CONFIG gcp_kms key gcp_kms: this key type is not supported | sealbridge seals with age, kms, hc_vault, pgp keys",
    )
  })
})

describe("Vault token sources (sops: VAULT_TOKEN, else ~/.vault-token)", () => {
  const withFiles = (env: Record<string, string>, files: Record<string, string>): KeyDeps => ({
    env,
    now: () => new Date(0),
    readFile: (p) => Promise.resolve(files[p] ?? null),
    run: () => Promise.reject(new Error("no commands")),
    homeDir: "/h",
    userConfigDir: "/h/.config",
    hostname: "host",
    debug: false,
  })
  const tokenFailure = async (d: KeyDeps): Promise<unknown> => {
    const [, , vault] = openersFor(d)
    const w = {
      kind: "hc_vault",
      vaultAddress: "http://127.0.0.1:9",
      enginePath: "t",
      keyName: "k",
      createdAt: "",
      enc: "x",
    } as const
    return vault?.unwrap(w).then(
      () => "opened",
      (e: unknown) => (e instanceof BridgeError ? e.message : e),
    )
  }
  it("should say no token when neither is there, or the file is blank", async () => {
    const none = "no Vault token: set VAULT_TOKEN or write ~/.vault-token"
    expect(await tokenFailure(withFiles({}, {}))).toBe(none)
    expect(await tokenFailure(withFiles({ VAULT_TOKEN: "" }, { "/h/.vault-token": " \n" }))).toBe(none)
  })
})
