import { spawnSync } from "node:child_process"
import { mkdirSync, readFileSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { runCli, tempDir } from "../helpers/cli-io.js"
import { requireBinary } from "./peers.js"

const sops = requireBinary("SOPS_BIN", "sops")
const keygen = requireBinary("AGE_KEYGEN_BIN", "age-keygen")

interface Out {
  findings: { path: string; ruleId: string; line: number; description: string }[]
}

// Files sealed by the real sops binary must scan clean; a value re-added in plaintext afterwards
// (the "partial encryption" mistake) must be caught, in every format sops writes.
describe.skipIf(sops.skip || keygen.skip)("scan ⇄ files sealed by the real sops", () => {
  const dir = tempDir("sealbridge-scan-sops-")
  const plain = {
    "secrets/app.yaml": "db:\n  user: app\n  password: Xq3-very-secret-db-pass\nport: 5432\n",
    "secrets/app.json": '{\n  "api": {\n    "token": "tok-1234567890abcdef"\n  },\n  "retries": 3\n}\n',
    "secrets/app.env": "API_TOKEN=tok-abcdef1234567890\nLOG_LEVEL=debug\n",
  }
  beforeAll(() => {
    const key = join(dir.path, "key.txt")
    const gen = spawnSync(keygen.path, ["-o", key], { encoding: "utf8" })
    const recipient = /age1[0-9a-z]+/.exec(gen.stderr + readFileSync(key, "utf8"))?.[0] ?? ""
    writeFileSync(
      join(dir.path, ".sops.yaml"),
      `creation_rules:\n  - path_regex: secrets/.*\n    age: ${recipient}\n`,
    )
    mkdirSync(join(dir.path, "secrets"))
    for (const [p, text] of Object.entries(plain)) {
      writeFileSync(join(dir.path, p), text)
      const r = spawnSync(sops.path, ["--encrypt", "--in-place", p], { cwd: dir.path, encoding: "utf8" })
      expect(r.status, r.stderr).toBe(0)
    }
    // The identity file lives outside the scanned tree's rules but is scanned too: move it away.
    spawnSync("rm", [key])
  })
  afterAll(() => dir.cleanup())

  const scan = async () => {
    const res = await runCli(["scan", "--format", "json", "secrets"], { cwd: dir.path })
    return { code: res.code, out: JSON.parse(res.stdout) as Out, raw: res.stdout }
  }

  it("sops output scans clean: no ciphertext noise, no policy findings", async () => {
    const { code, out } = await scan()
    expect(out.findings).toEqual([])
    expect(code).toBe(0)
  })

  it("a value re-added in plaintext after sealing is caught in YAML, JSON and dotenv", async () => {
    const edit = (p: string, f: (s: string) => string) =>
      writeFileSync(join(dir.path, p), f(readFileSync(join(dir.path, p), "utf8")))
    edit("secrets/app.yaml", (s) => s.replace("db:\n", "db:\n    admin_password: hunter2-hunter2-hunter2\n"))
    edit("secrets/app.json", (s) =>
      s.replace('"api": {', '"api": {\n\t\t"admin_token": "plain-token-0987654321",'),
    )
    edit("secrets/app.env", (s) => "DB_PASSWORD=plain-password-in-dotenv\n" + s)
    const { code, out, raw } = await scan()
    expect(code).toBe(1)
    const got = out.findings
      .filter((f) => f.ruleId === "sops-plaintext-value")
      .map((f) => `${f.path}:${f.line}`)
    expect(got.sort()).toEqual(["secrets/app.env:1", "secrets/app.json:3", "secrets/app.yaml:2"])
    for (const s of ["hunter2-hunter2-hunter2", "plain-token-0987654321", "plain-password-in-dotenv"])
      expect(raw).not.toContain(s)
  })

  it("an unsealed file under the creation rule is reported", async () => {
    writeFileSync(join(dir.path, "secrets/new.yaml"), "password: not-sealed-yet\n")
    const { out } = await scan()
    expect(out.findings.filter((f) => f.ruleId === "sops-unsealed-file").map((f) => f.path)).toEqual([
      "secrets/new.yaml",
    ])
  })
})
