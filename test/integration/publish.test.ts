import { CreateBucketCommand, GetObjectCommand, ListObjectsV2Command, S3Client } from "@aws-sdk/client-s3"
import { randomUUID } from "node:crypto"
import { mkdirSync, readFileSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { peerEnv, requirePeer } from "./peers.js"
import { sopsTwins } from "./sops-twins.js"
import { awsEnv, hasStack, vaultEnv } from "./tools.js"

// publish with destination_rules: S3 on moto, Vault KV v1 (a mount made here) and v2 (secret/)
// on the OpenBao peer, side by side with sops 3.13 on the same files.
const t = sopsTwins("sealbridge-publish-")
const moto = requirePeer("moto", "AWS_ENDPOINT_URL_S3")
const vault = requirePeer("vault", "VAULT_ADDR")
const skip = t.sops.skip || moto.skip || vault.skip
const id = randomUUID().slice(0, 8)
const bucket = `sb-publish-${id}`
const kv1 = `sb-kv1-${id}`
const v2path = `sb-publish-${id}`
const k1 = join(t.dir, "k1.txt")
const k2 = join(t.dir, "k2.txt")
let r1 = ""
let r2 = ""
const cloud = () => ({ ...awsEnv(), ...vaultEnv() })
const env1 = () => ({ ...cloud(), SOPS_AGE_KEY_FILE: k1 })
const s3 = () => new S3Client({ endpoint: peerEnv("AWS_ENDPOINT_URL_S3"), forcePathStyle: true })
const vaultFetch = (path: string, init: RequestInit = {}) =>
  fetch(`${peerEnv("VAULT_ADDR")}/v1/${path}`, {
    ...init,
    headers: { "X-Vault-Token": peerEnv("VAULT_TOKEN"), ...init.headers },
  })
const PLAIN = "a: 1\nb: secret\nc_unencrypted: open\nnested:\n    x:\n        - 1\n        - two\nt: true\n"

afterAll(async () => {
  if (!skip) await vaultFetch(`sys/mounts/${kv1}`, { method: "DELETE" })
  t.cleanup()
})

beforeAll(async () => {
  if (skip) return
  r1 = t.ours(["keygen", "-o", k1]).out.trim()
  r2 = t.ours(["keygen", "-o", k2]).out.trim()
  const client = s3()
  await client.send(new CreateBucketCommand({ Bucket: bucket }))
  client.destroy()
  const mount = await vaultFetch(`sys/mounts/${kv1}`, {
    method: "POST",
    body: JSON.stringify({ type: "kv", options: { version: "1" } }),
  })
  expect(mount.status).toBeLessThan(300)
  writeFileSync(
    join(t.dir, ".sops.yaml"),
    [
      "creation_rules:",
      `  - age: ${r1}`,
      "destination_rules:",
      "  - path_regex: ^s3/",
      `    s3_bucket: ${bucket}`,
      "    s3_prefix: pre/",
      "    recreation_rule:",
      `      age: ${r2}`,
      "  - path_regex: ^raw/",
      `    s3_bucket: ${bucket}`,
      "  - path_regex: ^v1/",
      `    vault_path: app`,
      `    vault_kv_mount_name: ${kv1}`,
      "    vault_kv_version: 1",
      "  - path_regex: ^v2/",
      `    vault_path: ${v2path}/`,
      "",
    ].join("\n"),
  )
  writeFileSync(join(t.dir, "plain.yaml"), PLAIN)
  for (const d of ["s3", "raw", "raw/deep", "v1", "v2", "other"])
    mkdirSync(join(t.dir, d), { recursive: true })
  for (const f of [
    "s3/app.yaml",
    "s3/theirs.yaml",
    "raw/app.yaml",
    "raw/deep/one.yaml",
    "v1/app.yaml",
    "v2/app.yaml",
    "other/x.yaml",
  ])
    writeFileSync(join(t.dir, f), sealed())
})

function sealed(): Buffer {
  const r = t.ours(["encrypt", "plain.yaml"], { env: env1() })
  if (r.code !== 0) throw new Error(r.err)
  return r.outBytes
}

async function object(key: string): Promise<string> {
  const client = s3()
  try {
    const out = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }))
    return (await out.Body?.transformToString()) ?? ""
  } finally {
    client.destroy()
  }
}

async function kv(path: string): Promise<{ data: unknown; version: number | undefined }> {
  const body = (await (await vaultFetch(path)).json()) as { data: Record<string, unknown> }
  return {
    data: body.data["data"] ?? body.data,
    version: (body.data["metadata"] as { version?: number } | undefined)?.version,
  }
}

describe.skipIf(skip)("publish against sops 3.13, moto S3 and OpenBao KV", () => {
  it("should upload the sealed file to S3 byte for byte when the rule has no recreation keys", async () => {
    const m = t.ours(["publish", "-y", "raw/app.yaml"], { env: env1() })
    expect([m.code, m.out, m.err]).toEqual([0, "", ""])
    expect(await object("app.yaml")).toBe(readFileSync(join(t.dir, "raw/app.yaml"), "utf8"))
  })

  it("should seal again for the recreation_rule's keys before an S3 upload, printing sops' key diff", async () => {
    const m = t.ours(["publish", "-y", "s3/app.yaml"], { env: env1() })
    const s = t.theirs(["publish", "-y", "s3/theirs.yaml"], { env: env1() })
    expect([m.code, s.code]).toEqual([0, 0])
    expect(m.out).toBe(s.out)
    expect(m.out).toBe(
      `The following changes will be made to the file's key groups:\nGroup 1\n+++ ${r2}\n--- ${r1}\n`,
    )
    const ours = await object("pre/app.yaml")
    // sops seals `c_unencrypted` too and stores no rule, then reads the file with its default
    // suffix and fails (MAC mismatch, exit 51); sealbridge keeps the default so the file opens.
    expect(ours).toMatch(/^c_unencrypted: open$/m)
    expect(ours).toContain("unencrypted_suffix: _unencrypted")
    expect(ours).not.toContain(r1)
    writeFileSync(join(t.dir, "got-ours.yaml"), ours)
    writeFileSync(join(t.dir, "got-theirs.yaml"), await object("pre/theirs.yaml"))
    expect(t.theirs(["decrypt", "got-ours.yaml"], { env: { SOPS_AGE_KEY_FILE: k2 } }).out).toBe(PLAIN)
    expect(t.theirs(["decrypt", "got-ours.yaml"], { env: { SOPS_AGE_KEY_FILE: k1 } }).code).toBe(128)
    const theirs = readFileSync(join(t.dir, "got-theirs.yaml"), "utf8")
    expect(theirs).toMatch(/^c_unencrypted: ENC\[/m)
    expect(t.theirs(["decrypt", "got-theirs.yaml"], { env: { SOPS_AGE_KEY_FILE: k2 } }).code).toBe(51)
    expect(t.ours(["decrypt", "got-theirs.yaml"], { env: { SOPS_AGE_KEY_FILE: k2 } }).code).toBe(51)
    // The local file is not touched.
    expect(t.ours(["decrypt", "s3/app.yaml"], { env: { SOPS_AGE_KEY_FILE: k1 } }).out).toBe(PLAIN)
  })

  it("should write the opened values to Vault KV v1 and v2 as sops does, skipping an unchanged v2 write", async () => {
    const want = { a: 1, b: "secret", c_unencrypted: "open", nested: { x: [1, "two"] }, t: true }
    expect(t.ours(["publish", "-y", "v1/app.yaml"], { env: env1() }).code).toBe(0)
    expect((await kv(`${kv1}/app/app.yaml`)).data).toEqual(want)
    expect(t.theirs(["publish", "-y", "v1/app.yaml"], { env: env1() }).code).toBe(0)
    expect((await kv(`${kv1}/app/app.yaml`)).data).toEqual(want)

    expect(t.theirs(["publish", "-y", "v2/app.yaml"], { env: env1() }).code).toBe(0)
    const first = await kv(`secret/data/${v2path}/app.yaml`)
    expect(first).toEqual({ data: want, version: 1 })
    const again = t.ours(["publish", "-y", "v2/app.yaml"], { env: env1() })
    expect(again.code).toBe(0)
    expect(again.err).toContain(`Secret in secret/data/${v2path}/app.yaml is already up-to-date.`)
    expect((await kv(`secret/data/${v2path}/app.yaml`)).version).toBe(1)
    // --omit-extensions drops ".yaml" from the secret's name.
    expect(t.ours(["publish", "-y", "--omit-extensions", "v2/app.yaml"], { env: env1() }).code).toBe(0)
    expect((await kv(`secret/data/${v2path}/app`)).data).toEqual(want)
  })

  it("should ask as sops asks and fail as sops fails, with the same exit codes", () => {
    writeFileSync(join(t.dir, "raw/plain.yaml"), PLAIN)
    const cases: [string[], string, Record<string, string>, number][] = [
      [["publish", "-y", "other/x.yaml"], "", env1(), 1], // no matching destination
      [["publish", "-y", "nope.yaml"], "", env1(), 1],
      [["publish", "-y"], "", env1(), 100],
      [["publish", "-y", "raw"], "", env1(), 1], // a directory without --recursive
      [["publish", "-y", "raw/plain.yaml"], "", env1(), 1], // sops metadata not found
      [["publish", "-y", "v2/app.yaml"], "", { ...cloud(), SOPS_AGE_KEY_FILE: k2 }, 128],
      [["publish", "raw/app.yaml"], "", env1(), 1], // end of input at the prompt
      [["publish", "raw/app.yaml"], "n\n", env1(), 1],
      [["publish", "raw/app.yaml"], "\n", env1(), 1],
      [["publish", "raw/app.yaml"], "maybe\ny\n", env1(), 0],
    ]
    for (const [args, input, env, code] of cases) {
      const m = t.ours(args, { env, input })
      const s = t.theirs(args, { env, input })
      expect({ args, input, ours: m.code, sops: s.code }).toEqual({ args, input, ours: code, sops: code })
      expect({ args, input, out: m.out }).toEqual({ args, input, out: s.out })
      expect(hasStack(m.err)).toBe(false)
    }
    const cancelled = t.ours(["publish", "raw/app.yaml"], { env: env1(), input: "n\n" })
    expect(cancelled.err).toContain(`Publication of ${join(t.dir, "raw/app.yaml")} canceled`)
  })

  it("should publish a directory with --recursive: names under it, a 'n' skips that file only", async () => {
    writeFileSync(join(t.dir, "raw/plain.yaml"), sealed())
    const input = "n\ny\ny\n"
    const m = t.ours(["publish", "--recursive", "--omit-extensions", "raw"], { env: env1(), input })
    const s = t.theirs(["publish", "--recursive", "--omit-extensions", "raw"], { env: env1(), input })
    expect([m.code, s.code]).toEqual([0, 0])
    expect(m.out).toBe(s.out)
    expect(m.out).toContain(`Publication of ${join(t.dir, "raw/app.yaml")} canceled\n`)
    expect(m.out).toContain(`to s3://${bucket}/deep/one ? (y/n): `)
    const client = s3()
    const listed = await client.send(new ListObjectsV2Command({ Bucket: bucket }))
    client.destroy()
    const keys = (listed.Contents ?? []).map((o) => o.Key)
    expect(keys).toContain("deep/one")
    expect(keys).toContain("plain")
    expect(keys).not.toContain("app")
  })
})
