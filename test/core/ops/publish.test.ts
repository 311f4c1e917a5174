import { describe, expect, it } from "vitest"
import type { CreationRule } from "../../../src/config/creation-rule.js"
import type { Destination, DestinationRule } from "../../../src/config/destination-rules.js"
import type { KeySpec } from "../../../src/config/key-spec.js"
import { BridgeError } from "../../../src/errors.js"
import type { KeyBackend } from "../../../src/keys/backend.js"
import {
  preparePublish,
  vaultApiPath,
  withoutExtension,
  type Prepared,
  type PublishRequest,
} from "../../../src/ops/publish.js"
import { RuleKind } from "../../../src/seal/metadata-types.js"
import {
  fakeBackend,
  fakeOpener,
  fakeSealDeps,
  openYamlWith,
  sealWith,
  sealYamlWith,
} from "../../helpers/fake-keys.js"

// publish's preparation in-process (issue 8: mutation testing of src/ops; the peers' suite
// test/integration/publish.test.ts checks the uploads against sops): names, paths, the Vault
// JSON, the S3 body as it is or sealed again for the recreation rule, and sops' key-group diff.

const deps = fakeSealDeps
const enc = (s: string): Uint8Array => new TextEncoder().encode(s)
const dec = (b: Uint8Array): string => new TextDecoder().decode(b)
const PLAIN = "a: 1\nb: secret\nc_unencrypted: open\nnested:\n    x:\n        - 1\n        - two\n"

const sealedWith = (backends: KeyBackend[][], threshold = 0, text = PLAIN): Promise<Uint8Array> =>
  sealYamlWith(text, backends, threshold)

const openWith = openYamlWith

const noKeys: CreationRule = { keyGroups: [[]], shamirThreshold: 0, rule: null, macOnlyEncrypted: false }
const pgp = (fingerprint: string): KeySpec => ({ kind: "pgp", fingerprint })
const s3: Destination = { kind: "s3", bucket: "bkt", prefix: "pre/" }
const vault = (kvVersion: 1 | 2): Destination => ({
  kind: "vault",
  address: "http://vault:8200",
  path: "team/",
  mount: "kv/",
  kvVersion,
})
const destRule = (
  destination: Destination | null,
  recreation: CreationRule = noKeys,
  omitExtensions = false,
): DestinationRule => ({ pathRegex: null, destination, recreation, omitExtensions })

function request(
  input: Uint8Array,
  rule: DestinationRule,
  more: Partial<PublishRequest> = {},
): PublishRequest {
  return {
    input,
    source: "dir/app.enc.yaml",
    format: "yaml",
    rule,
    name: "sub/app.enc.yaml",
    omitExtensions: false,
    openers: [fakeOpener("pgp", ["OLD"])],
    backendsFor: (groups) => groups.map((g) => g.map((k) => fakeBackend("pgp", specId(k)))),
    ...more,
  }
}
const specId = (k: KeySpec): string => (k.kind === "pgp" ? k.fingerprint : "?")
const s3Of = (p: Prepared) => {
  if (p.kind !== "s3") throw new Error(`expected s3, got ${p.kind}`)
  return p
}
const vaultOf = (p: Prepared) => {
  if (p.kind !== "vault") throw new Error(`expected vault, got ${p.kind}`)
  return p
}

describe("withoutExtension and vaultApiPath", () => {
  it("should drop the last extension of the last path element only, as Go's filepath.Ext", () => {
    expect(withoutExtension("a/b.enc.yaml")).toBe("a/b.enc")
    expect(withoutExtension("x.yaml")).toBe("x")
    expect(withoutExtension("noext")).toBe("noext")
    expect(withoutExtension("dir.d/noext")).toBe("dir.d/noext")
    expect(withoutExtension(".hidden")).toBe("")
    expect(withoutExtension("d/.e")).toBe("d/")
  })

  it("should put data/ after the mount for KV v2 only", () => {
    const d = vault(2)
    if (d.kind !== "vault") throw new Error("vault")
    expect(vaultApiPath(d, "n")).toBe("kv/data/team/n")
    expect(vaultApiPath({ ...d, kvVersion: 1 }, "n")).toBe("kv/team/n")
  })
})

describe("preparePublish to S3", () => {
  it("should send the sealed file unchanged when the recreation rule names no keys", async () => {
    const input = await sealedWith([[fakeBackend("pgp", "OLD")]])
    const p = s3Of(await preparePublish(request(input, destRule(s3)), deps))
    expect(p).toEqual({
      kind: "s3",
      bucket: "bkt",
      key: "pre/sub/app.enc.yaml",
      body: input,
      diff: "",
      display: "s3://bkt/pre/sub/app.enc.yaml",
    })
    expect(p.body).toBe(input)
  })

  it("should drop the extension when the request or the rule says so", async () => {
    const input = await sealedWith([[fakeBackend("pgp", "OLD")]])
    const byFlag = s3Of(await preparePublish(request(input, destRule(s3), { omitExtensions: true }), deps))
    expect([byFlag.key, byFlag.display]).toEqual(["pre/sub/app.enc", "s3://bkt/pre/sub/app.enc"])
    const byRule = s3Of(await preparePublish(request(input, destRule(s3, noKeys, true)), deps))
    expect(byRule.key).toBe("pre/sub/app.enc")
  })

  it("should refuse a file that is not sealed, naming it", async () => {
    const err = await preparePublish(request(enc(PLAIN), destRule(s3)), deps).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(BridgeError)
    expect(err).toMatchObject({
      code: "NOT_SEALED",
      message: "dir/app.enc.yaml: sops metadata not found",
      hint: "publish sends sealed files",
    })
  })

  it("should refuse a rule without destination (the command checks it first)", async () => {
    await expect(preparePublish(request(enc(PLAIN), destRule(null)), deps)).rejects.toThrow(
      "preparePublish: rule without destination",
    )
  })

  it("should seal again for the recreation keys, print sops' key-group diff and zero the old data key", async () => {
    const input = await sealedWith([[fakeBackend("pgp", "OLD"), fakeBackend("pgp", "KEEP")]])
    const opener = fakeOpener("pgp", ["OLD"])
    const rule: CreationRule = { ...noKeys, keyGroups: [[pgp("KEEP"), pgp("NEW")]] }
    const asked: unknown[] = []
    const p = s3Of(
      await preparePublish(
        request(input, destRule(s3, rule), {
          openers: [opener],
          backendsFor: (groups) => {
            asked.push(groups)
            return groups.map((g) => g.map((k) => fakeBackend("pgp", specId(k))))
          },
        }),
        deps,
      ),
    )
    expect(asked).toEqual([rule.keyGroups])
    expect(p.diff).toBe(
      [
        "The following changes will be made to the file's key groups:",
        "Group 1",
        "    KEEP",
        "+++ NEW",
        "--- OLD",
        "",
      ].join("\n"),
    )
    expect(p.body).not.toBe(input)
    const body = dec(p.body)
    expect(body).toContain("fp: NEW")
    expect(body).not.toContain("fp: OLD")
    expect(await openWith(p.body, ["NEW"])).toBe(PLAIN)
    await expect(openWith(p.body, ["OLD"])).rejects.toMatchObject({ code: "NO_KEY" })
    // The old data key was handed out once and wiped after use.
    expect(opener.handed).toHaveLength(1)
    expect(opener.handed[0]?.every((b) => b === 0)).toBe(true)
    // A new data key: the new file's key is not the old one.
    expect(body).not.toContain(dec(input).match(/enc: (\S+)/)?.[1] ?? "none")
  })

  it("should print no diff when the recreation keys are the file's, and still seal under a new data key", async () => {
    const input = await sealedWith([[fakeBackend("pgp", "OLD")]])
    const p = s3Of(
      await preparePublish(request(input, destRule(s3, { ...noKeys, keyGroups: [[pgp("OLD")]] })), deps),
    )
    expect(p.diff).toBe("")
    expect(p.body).not.toEqual(input)
    expect(await openWith(p.body, ["OLD"])).toBe(PLAIN)
  })

  it("should list a group per line of the diff when a group is added", async () => {
    const input = await sealedWith([[fakeBackend("pgp", "A")]])
    const rule: CreationRule = { ...noKeys, keyGroups: [[pgp("A")], [pgp("B")]], shamirThreshold: 2 }
    const p = s3Of(
      await preparePublish(request(input, destRule(s3, rule), { openers: [fakeOpener("pgp", ["A"])] }), deps),
    )
    expect(p.diff).toBe(
      "The following changes will be made to the file's key groups:\nGroup 1\n    A\nGroup 2\n+++ B\n",
    )
    const body = dec(p.body)
    expect(body).toContain("shamir_threshold: 2")
    // Two groups, threshold 2: both shares are needed.
    await expect(openWith(p.body, ["A"])).rejects.toMatchObject({ code: "NO_KEY" })
    expect(await openWith(p.body, ["A", "B"])).toBe(PLAIN)
  })

  it("should keep a suffix rule of the recreation rule and store it", async () => {
    const input = await sealedWith([[fakeBackend("pgp", "OLD")]])
    for (const kind of [RuleKind.EncryptedSuffix, RuleKind.UnencryptedSuffix]) {
      const value = kind === RuleKind.EncryptedSuffix ? "_unencrypted" : "b"
      const rule: CreationRule = { ...noKeys, keyGroups: [[pgp("OLD")]], rule: { kind, value } }
      const body = dec(s3Of(await preparePublish(request(input, destRule(s3, rule)), deps)).body)
      expect(body, kind).toContain(`${kind}: ${value}`)
      // Only c_unencrypted is sealed (encrypted_suffix), or everything but b (unencrypted_suffix).
      if (kind === RuleKind.EncryptedSuffix) {
        expect(body).toContain("b: secret")
        expect(body).toMatch(/c_unencrypted: ENC\[/)
      } else {
        expect(body).toContain("\nb: secret")
        expect(body).toMatch(/c_unencrypted: ENC\[/)
        expect(body).toMatch(/^a: ENC\[/m)
      }
    }
  })

  it("should drop a regex rule and seal with the default suffix rule instead", async () => {
    const input = await sealedWith([[fakeBackend("pgp", "OLD")]])
    const rule: CreationRule = {
      ...noKeys,
      keyGroups: [[pgp("OLD")]],
      rule: { kind: RuleKind.EncryptedRegex, value: "^a$" },
    }
    const body = dec(s3Of(await preparePublish(request(input, destRule(s3, rule)), deps)).body)
    expect(body).not.toContain("encrypted_regex")
    expect(body).toMatch(/\nb: ENC\[/)
    expect(body).toContain("c_unencrypted: open")
  })

  it("should wrap a recreation key's refusal as a key failure", async () => {
    const input = await sealedWith([[fakeBackend("pgp", "OLD")]])
    const rule: CreationRule = { ...noKeys, keyGroups: [[pgp("BAD")]] }
    const err = await preparePublish(
      request(input, destRule(s3, rule), {
        backendsFor: () => [[fakeBackend("pgp", "BAD", new Error("refused"))]],
      }),
      deps,
    ).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(BridgeError)
    expect((err as BridgeError).code).not.toBe("INTERNAL")
  })
})

describe("preparePublish to S3, more", () => {
  it("should hand the call options to the recreation keys and the file's keys", async () => {
    const input = await sealedWith([[fakeBackend("pgp", "OLD")]])
    const fresh = fakeBackend("pgp", "NEW")
    const opener = fakeOpener("pgp", ["OLD"])
    await preparePublish(
      request(input, destRule(s3, { ...noKeys, keyGroups: [[pgp("NEW")]] }), {
        openers: [opener],
        backendsFor: () => [[fresh]],
        call: { timeoutMs: 45_000 },
      }),
      deps,
    )
    expect(fresh.wraps).toHaveLength(1)
    expect(fresh.wraps[0]?.timeoutMs).toBe(45_000)
    expect(opener.calls[0]?.opts?.timeoutMs).toBe(45_000)
  })

  it("should store no rule in a binary file sealed again, as a binary file stores none", async () => {
    const input = await sealWith("raw bytes\n", [[fakeBackend("pgp", "OLD")]], {
      source: "in.bin",
      format: "binary",
    })
    const rule: CreationRule = {
      ...noKeys,
      keyGroups: [[pgp("NEW")]],
      rule: { kind: RuleKind.UnencryptedSuffix, value: "_plain" },
    }
    const p = s3Of(await preparePublish(request(input, destRule(s3, rule), { format: "binary" }), deps))
    const body = dec(p.body)
    expect(body).toContain('"fp": "NEW"')
    expect(body).not.toContain("_plain")
    expect(body).not.toContain("unencrypted_suffix")
  })
})

describe("preparePublish to Vault", () => {
  it.each([1, 2] as const)("should send the opened values as JSON to KV v%s", async (kv) => {
    const input = await sealedWith([[fakeBackend("pgp", "OLD")]])
    const p = vaultOf(await preparePublish(request(input, destRule(vault(kv), noKeys, true)), deps))
    const apiPath = kv === 1 ? "kv/team/sub/app.enc" : "kv/data/team/sub/app.enc"
    expect({ ...p, display: undefined }).toEqual({
      kind: "vault",
      address: "http://vault:8200",
      apiPath,
      kvVersion: kv,
      data: { a: 1, b: "secret", c_unencrypted: "open", nested: { x: [1, "two"] } },
      diff: "",
      display: undefined,
    })
    expect(p.display("https://other")).toBe(`https://other/v1/${apiPath}`)
  })

  it("should check the MAC and zero the data key before sending plaintext", async () => {
    const input = await sealedWith([[fakeBackend("pgp", "OLD")]])
    const opener = fakeOpener("pgp", ["OLD"])
    await preparePublish(request(input, destRule(vault(2)), { openers: [opener] }), deps)
    expect(opener.handed).toHaveLength(1)
    expect(opener.handed[0]?.every((b) => b === 0)).toBe(true)
    const tampered = enc(dec(input).replace("c_unencrypted: open", "c_unencrypted: shut"))
    await expect(preparePublish(request(tampered, destRule(vault(2))), deps)).rejects.toMatchObject({
      code: "MAC_MISMATCH",
    })
  })

  it("should try keys in the given decryption order, and hand the call options to the keys", async () => {
    const input = await sealedWith([[fakeBackend("age", "age1x"), fakeBackend("pgp", "OLD")]])
    const age = fakeOpener("age", ["age1x"])
    const gpg = fakeOpener("pgp", ["OLD"])
    await preparePublish(request(input, destRule(vault(2)), { openers: [age, gpg] }), deps)
    expect([age.calls.length, gpg.calls.length]).toEqual([1, 0])
    const age2 = fakeOpener("age", ["age1x"])
    const gpg2 = fakeOpener("pgp", ["OLD"])
    await preparePublish(
      request(input, destRule(vault(2)), {
        openers: [age2, gpg2],
        decryptionOrder: ["pgp"],
        call: { timeoutMs: 60_000 },
      }),
      deps,
    )
    expect([age2.calls.length, gpg2.calls.length]).toEqual([0, 1])
    expect(gpg2.calls[0]?.opts?.signal).toBeInstanceOf(AbortSignal)
    expect(gpg2.calls[0]?.opts?.timeoutMs).toBe(60_000)
  })
})
