import { spawnSync } from "node:child_process"
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { afterAll, describe, expect, it } from "vitest"
import { requireBinary } from "./peers.js"

const age = requireBinary("AGE_BIN", "age")
const ageKeygen = requireBinary("AGE_KEYGEN_BIN", "age-keygen")
const cli = fileURLToPath(new URL("../../dist/cli/main.js", import.meta.url))
const dir = mkdtempSync(join(tmpdir(), "sealbridge-peers-"))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe.skipIf(age.skip || ageKeygen.skip)("age (Debian binary) ⇄ sealbridge", () => {
  it("should seal to an age-keygen key, and the enc block opens with age -d to the 32-byte data key", () => {
    const keyFile = join(dir, "age-key.txt")
    expect(spawnSync(ageKeygen.path, ["-o", keyFile]).status).toBe(0)
    const recipient = /public key: (age1\S+)/.exec(readFileSync(keyFile, "utf8"))?.[1] ?? ""
    const plain = join(dir, "s.json")
    writeFileSync(plain, '{"a": "b"}')
    const sealed = spawnSync(process.execPath, [cli, "encrypt", "--age", recipient, plain], {
      encoding: "utf8",
    })
    expect(sealed.status).toBe(0)
    const enc = (JSON.parse(sealed.stdout) as { sops: { age: { enc: string }[] } }).sops.age[0]?.enc ?? ""
    const opened = spawnSync(age.path, ["-d", "-i", keyFile], { input: enc })
    expect(opened.status).toBe(0)
    expect(opened.stdout.length).toBe(32)
    const sealedFile = join(dir, "s.sealed.json")
    writeFileSync(sealedFile, sealed.stdout)
    const back = spawnSync(process.execPath, [cli, "decrypt", sealedFile], {
      encoding: "utf8",
      env: { ...process.env, SOPS_AGE_KEY_FILE: keyFile },
    })
    expect(back.status).toBe(0)
    expect(back.stdout).toBe('{\n\t"a": "b"\n}\n')
  })
})
