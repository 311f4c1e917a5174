import { CreateKeyCommand, KMSClient } from "@aws-sdk/client-kms"
import { randomUUID } from "node:crypto"
import { chmodSync, copyFileSync, readFileSync, statSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { peerEnv, requirePeer } from "./peers.js"
import { sopsTwins } from "./sops-twins.js"
import { awsEnv, hasStack, vaultEnv } from "./tools.js"

// `groups add` / `groups delete` through the built CLI, side by side with sops 3.13.
const t = sopsTwins("sealbridge-groups-")
afterAll(t.cleanup)
const moto = requirePeer("moto", "AWS_ENDPOINT_URL_KMS")
const vault = requirePeer("vault", "VAULT_ADDR")
const keys = ["k1", "k2", "k3"].map((k) => join(t.dir, `${k}.txt`))
const recipients: string[] = []
const all = join(t.dir, "all.txt")
const envAll = { SOPS_AGE_KEY_FILE: all }
const envOf = (i: number) => ({ SOPS_AGE_KEY_FILE: keys[i] ?? "" })
const r = (i: number) => recipients[i] ?? ""

beforeAll(() => {
  if (t.sops.skip) return
  for (const k of keys) recipients.push(t.ours(["keygen", "-o", k]).out.trim())
  writeFileSync(all, keys.map((k) => readFileSync(k, "utf8")).join(""))
  writeFileSync(join(t.dir, "plain.yaml"), "a: 1\nb: secret\n")
})

/** A file sealed by sops for key 1 only, under a fresh name. */
function sealedByK1(name: string): string {
  const s = t.theirs(["encrypt", "--age", r(0), "plain.yaml"], { env: envAll })
  if (s.code !== 0) throw new Error(s.err)
  const file = join(t.dir, name)
  writeFileSync(file, s.outBytes)
  return file
}

/** Lines that must not change when only key groups change: values, MAC, lastmodified, version. */
const stable = (text: string) =>
  text.split("\n").filter((l) => /^(a|b):|mac:|lastmodified:|version:/.test(l.trim()))
/** The metadata's shape with the age ciphertexts left out (they differ on every run). */
const shape = (text: string) =>
  text
    .split("\n")
    .filter((l) => !/^\s+[A-Za-z0-9+/=]+$|BEGIN AGE|END AGE|mac:|^(a|b):/.test(l))
    .join("\n")

describe.skipIf(t.sops.skip)("groups add / delete against sops 3.13", () => {
  it("should add a group as sops does: same shape, same values and MAC, threshold = all groups", () => {
    const file = sealedByK1("add.yaml")
    const m = t.ours(["groups", "add", "--file", file, "--age", r(1)], { env: envAll })
    const s = t.theirs(["groups", "add", "--file", file, "--age", r(1)], { env: envAll })
    expect([m.code, s.code]).toEqual([0, 0])
    expect(shape(m.out)).toBe(shape(s.out))
    expect(stable(m.out)).toEqual(stable(readFileSync(file, "utf8")))
    expect(m.out).toContain("shamir_threshold: 2")
    // Ours opens in sops with both keys, and not with key 2 alone (2 of 2 groups needed).
    writeFileSync(join(t.dir, "add-ours.yaml"), m.out)
    expect(t.theirs(["decrypt", "add-ours.yaml"], { env: envAll }).out).toBe("a: 1\nb: secret\n")
    expect(t.theirs(["decrypt", "add-ours.yaml"], { env: envOf(1) }).code).toBe(128)
    // sops' opens in ours.
    writeFileSync(join(t.dir, "add-sops.yaml"), s.outBytes)
    expect(t.ours(["decrypt", "add-sops.yaml"], { env: envAll }).out).toBe("a: 1\nb: secret\n")
  })

  it("should take repeated and comma-separated --age and --shamir-secret-sharing-threshold", () => {
    const file = sealedByK1("add3.yaml")
    const args = ["groups", "add", "-f", file, "--age", r(1), "--age", r(2)]
    const m = t.ours(args, { env: envAll })
    const s = t.theirs(args, { env: envAll })
    expect(shape(m.out)).toBe(shape(s.out))
    const comma = t.ours(["groups", "add", "-f", file, "--age", `${r(1)},${r(2)}`], { env: envAll })
    expect(shape(comma.out)).toBe(shape(s.out))
    // Three groups at threshold 2: any two open it.
    const two = ["groups", "add", "-i", "-f", file, "--shamir-secret-sharing-threshold", "2"]
    expect(t.ours([...two, "--age", r(1)], { env: envAll }).code).toBe(0)
    expect(t.theirs(["groups", "add", "-i", "-f", file, "--age", r(2)], { env: envAll }).code).toBe(0)
    expect(readFileSync(file, "utf8")).toContain("shamir_threshold: 2")
    writeFileSync(join(t.dir, "k12.txt"), [0, 1].map((i) => readFileSync(keys[i] ?? "", "utf8")).join(""))
    for (const tool of [t.ours, t.theirs]) {
      expect(tool(["decrypt", file], { env: { SOPS_AGE_KEY_FILE: join(t.dir, "k12.txt") } }).code).toBe(0)
      expect(tool(["decrypt", file], { env: envOf(2) }).code).toBe(128)
    }
  })

  it("should delete a group in place, either tool reading the other's file, mode kept", () => {
    const file = sealedByK1("del.yaml")
    expect(t.theirs(["groups", "add", "-i", "-f", file, "--age", r(1)], { env: envAll }).code).toBe(0)
    expect(t.theirs(["groups", "add", "-i", "-f", file, "--age", r(2)], { env: envAll }).code).toBe(0)
    chmodSync(file, 0o640)
    const before = stable(readFileSync(file, "utf8"))
    const m = t.ours(["groups", "delete", "-i", "--file", file, "1"], { env: envAll })
    expect(m.code).toBe(0)
    expect(m.out).toBe("")
    expect(statSync(file).mode & 0o777).toBe(0o640)
    const text = readFileSync(file, "utf8")
    expect(stable(text)).toEqual(before)
    expect(text).not.toContain(r(1))
    expect(t.theirs(["decrypt", file], { env: envAll }).out).toBe("a: 1\nb: secret\n")
    // sops deletes the next one (down to one group at threshold 1); ours opens the result.
    const s = t.theirs(
      ["groups", "delete", "-i", "-f", file, "--shamir-secret-sharing-threshold", "1", "0"],
      {
        env: envAll,
      },
    )
    expect(s.code).toBe(0)
    expect(t.ours(["decrypt", file], { env: envOf(2) }).out).toBe("a: 1\nb: secret\n")
    expect(t.ours(["decrypt", file], { env: envOf(0) }).code).toBe(128)
  })

  it("should fail with sops' exit code for the same failure", () => {
    const file = sealedByK1("err.yaml")
    const two = sealedByK1("err2.yaml")
    expect(t.theirs(["groups", "add", "-i", "-f", two, "--age", r(1)], { env: envAll }).code).toBe(0)
    const plain = join(t.dir, "plain.yaml")
    const cases: [string[], Record<string, string>, number][] = [
      [["groups", "add", "--age", r(1)], envAll, 2], // no --file
      [["groups", "add", "-f", join(t.dir, "nope.yaml"), "--age", r(1)], envAll, 2],
      [["groups", "add", "-f", file, "--age", r(1), "extra"], envAll, 1],
      [["groups", "add", "-f", plain, "--age", r(1)], envAll, 1], // sops metadata not found
      [["groups", "add", "-f", file, "--age", r(1)], envOf(2), 1], // no key opens it: 1, not 128
      [["groups", "add", "-f", file, "--age", r(1), "--shamir-secret-sharing-threshold", "x"], envAll, 1],
      [["groups", "delete", "-f", two], envAll, 1],
      [["groups", "delete", "-f", two, "0", "1"], envAll, 1],
      [["groups", "delete", "-f", two, "x"], envAll, 1],
      [["groups", "delete", "-f", two, "-1"], envAll, 1],
      [["groups", "delete", "-f", two, "0"], envAll, 1], // threshold 2 with one group left
      [["groups", "delete", "-f", two, "7"], envAll, 2], // sops panics (exit 2)
      [["groups", "delete", "0"], envAll, 2],
    ]
    for (const [args, env, code] of cases) {
      const m = t.ours(args, { env })
      const s = t.theirs(args, { env })
      expect({ args, ours: m.code }).toEqual({ args, ours: code })
      expect({ args, sops: s.code }).toEqual({ args, sops: code })
      expect(m.out).toBe("")
      expect(hasStack(m.err)).toBe(false)
    }
    const impossible = t.ours(["groups", "delete", "-f", two, "0"], { env: envAll })
    expect(impossible.err).toContain(
      "removing this key group will make the Shamir threshold impossible to satisfy: Shamir threshold is 2, but we only have 1 key groups",
    )
  })

  it("should refuse an empty group with sops' message and leave the file alone (sops writes a file no key opens)", () => {
    const file = sealedByK1("empty.yaml")
    const before = readFileSync(file)
    const m = t.ours(["groups", "add", "-i", "-f", file], { env: envAll })
    expect(m.code).toBe(1)
    expect(m.err).toContain("Could not generate data key: [empty key group provided]")
    expect(readFileSync(file).equals(before)).toBe(true)
    // sops 3.13 ignores the error, exits 0 and writes a file whose data key is lost.
    const s = t.theirs(["groups", "add", "-f", file], { env: envAll })
    expect(s.code).toBe(0)
    writeFileSync(join(t.dir, "empty-sops.yaml"), s.outBytes)
    expect(t.theirs(["decrypt", "empty-sops.yaml"], { env: envAll }).code).toBe(128)
    // Likewise a threshold above the group count, and deleting the only group.
    const big = t.ours(
      ["groups", "add", "-i", "-f", file, "--age", r(1), "--shamir-secret-sharing-threshold", "5"],
      {
        env: envAll,
      },
    )
    expect(big.code).toBe(1)
    const last = t.ours(["groups", "delete", "-i", "-f", file, "0"], { env: envAll })
    expect(last.code).toBe(1)
    expect(readFileSync(file).equals(before)).toBe(true)
  })

  it.skipIf(moto.skip || vault.skip)(
    "should add a KMS + transit group that sops opens, and drop the age group",
    async () => {
      const kms = new KMSClient({})
      const arn = (await kms.send(new CreateKeyCommand({}))).KeyMetadata?.Arn ?? ""
      kms.destroy()
      const name = `sb-groups-${randomUUID()}`
      const res = await fetch(`${peerEnv("VAULT_ADDR")}/v1/transit/keys/${name}`, {
        method: "POST",
        headers: { "X-Vault-Token": peerEnv("VAULT_TOKEN") },
      })
      expect(res.status).toBeLessThan(300)
      const uri = `${peerEnv("VAULT_ADDR")}/v1/transit/keys/${name}`
      const file = sealedByK1("net.yaml")
      const cloud = { ...awsEnv(), ...vaultEnv() }
      const add = t.ours(
        [
          "groups",
          "add",
          "-i",
          "-f",
          file,
          "--kms",
          arn,
          "--encryption-context",
          "app:sb",
          "--hc-vault-transit",
          uri,
        ],
        { env: { ...envAll, ...cloud } },
      )
      expect(add.err).toBe("")
      expect(add.code).toBe(0)
      expect(t.theirs(["decrypt", file], { env: { ...envAll, ...cloud } }).out).toBe("a: 1\nb: secret\n")
      const del = t.ours(
        ["groups", "delete", "-i", "-f", file, "--shamir-secret-sharing-threshold", "1", "0"],
        {
          env: { ...envAll, ...cloud },
        },
      )
      expect(del.code).toBe(0)
      const copy = join(t.dir, "net-copy.yaml")
      copyFileSync(file, copy)
      // No age key at all: KMS (with its context) or transit opens it, in both tools.
      expect(t.theirs(["decrypt", copy], { env: cloud }).out).toBe("a: 1\nb: secret\n")
      expect(t.ours(["decrypt", copy], { env: { ...awsEnv() } }).out).toBe("a: 1\nb: secret\n")
      expect(t.ours(["decrypt", copy], { env: { ...vaultEnv() } }).out).toBe("a: 1\nb: secret\n")
      expect(readFileSync(copy, "utf8")).toContain("app: sb")
    },
  )
})
