import { spawnSync } from "node:child_process"
import { existsSync, readdirSync, readFileSync, renameSync, writeFileSync } from "node:fs"
import module from "node:module"
import { join } from "node:path"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
// @ts-expect-error -- plain ES module without types (build script)
import { bundleCli } from "../../scripts/bundle.mjs"
import { runCli, tempDir } from "../helpers/cli-io.js"

const hasCompileCache = typeof (module as { enableCompileCache?: unknown }).enableCompileCache === "function"

describe("the bundled sealbridge command (bin.js + one-file main.js)", () => {
  const dir = tempDir()
  const out = join(dir.path, "cli")
  beforeAll(async () => {
    await (bundleCli as (outdir: string) => Promise<void>)(out)
  }, 60_000)
  afterAll(() => dir.cleanup())

  const bin = (args: string[], env: Record<string, string> = {}) =>
    spawnSync(process.execPath, [join(out, "bin.js"), ...args], {
      env: { PATH: process.env["PATH"] ?? "", HOME: dir.path, ...env },
      encoding: "utf8",
    })

  it("should print what the in-process CLI prints, with the same exit code", async () => {
    for (const args of [["--version"], ["filestatus", join(dir.path, "missing.yaml")]]) {
      const inProcess = await runCli(args, { home: dir.path })
      const r = bin(args)
      expect(r.stdout).toBe(inProcess.stdout)
      expect(r.stderr).toBe(inProcess.stderr)
      expect(r.status).toBe(inProcess.code)
    }
  })

  it("should seal and open a file through the bundle", () => {
    const keys = join(dir.path, "keys.txt")
    const recipient = bin(["keygen", "-o", keys]).stdout.trim()
    const plain = join(dir.path, "a.yaml")
    writeFileSync(plain, "a: 1\nb: two\n")
    const sealed = bin(["encrypt", "--age", recipient, plain])
    expect(sealed.status).toBe(0)
    expect(sealed.stdout).toMatch(/^a: ENC\[AES256_GCM,/)
    const sealedFile = join(dir.path, "a.enc.yaml")
    writeFileSync(sealedFile, sealed.stdout)
    const opened = bin(["decrypt", sealedFile], { SOPS_AGE_KEY_FILE: keys })
    expect(opened.stdout).toBe("a: 1\nb: two\n")
  })

  it("should keep V8's compile cache in the user's cache directory when Node has one", () => {
    const cacheHome = join(dir.path, "xdg-cache")
    expect(bin(["--version"], { XDG_CACHE_HOME: cacheHome }).status).toBe(0)
    const cache = join(cacheHome, "sealbridge", "compile-cache")
    expect(existsSync(cache)).toBe(hasCompileCache)
    if (hasCompileCache) expect(readdirSync(cache).length).toBeGreaterThan(0)
    expect(bin(["--version"], { XDG_CACHE_HOME: cacheHome, NODE_DISABLE_COMPILE_CACHE: "1" }).status).toBe(0)
  })
  it("should load yaml and re2js only when a run needs them (dist/cli/vendor)", () => {
    const keys = join(dir.path, "lazy-keys.txt")
    const recipient = bin(["keygen", "-o", keys]).stdout.trim()
    const block = join(dir.path, "block.yaml")
    writeFileSync(block, "db:\n    user: admin\n    password: hunter2\n")
    // Flow style and an anchor: beyond the line reader, so the yaml package reads it.
    const flow = join(dir.path, "flow.yaml")
    writeFileSync(flow, "a: &x {b: 1, c: [1, 2]}\nd: *x\ne: str\n")
    const sealedBlock = join(dir.path, "block.enc.yaml")
    writeFileSync(sealedBlock, bin(["encrypt", "--age", recipient, block]).stdout)
    const withRegex = bin(["encrypt", "--age", recipient, "--encrypted-regex", "^(a|e)$", flow])
    expect(withRegex.status).toBe(0)
    expect(withRegex.stdout).toMatch(/^a:\n {4}b: ENC\[/)
    expect(withRegex.stdout).toMatch(/^e: ENC\[/m)
    expect(withRegex.stdout).toMatch(/^d:\n {4}b: 1\n/m)

    // Without the vendor files a sealed block YAML still opens and --version still runs: neither
    // package was loaded. A flow-style file or a regex needs them and fails.
    const vendor = join(out, "vendor")
    const away = join(dir.path, "vendor-away")
    renameSync(vendor, away)
    try {
      const opened = bin(["decrypt", sealedBlock], { SOPS_AGE_KEY_FILE: keys })
      expect(opened.stderr).toBe("")
      expect(opened.stdout).toBe(readFileSync(block, "utf8"))
      expect(bin(["--version"]).status).toBe(0)
      expect(bin(["encrypt", "--age", recipient, flow]).status).not.toBe(0)
    } finally {
      renameSync(away, vendor)
    }
  })
  it("should run child processes through the lazily loaded node:child_process (key command, exec-env)", () => {
    const keys = join(dir.path, "cmd-keys.txt")
    const recipient = bin(["keygen", "-o", keys]).stdout.trim()
    const plain = join(dir.path, "cmd.env")
    writeFileSync(plain, "GREETING=hello\n")
    const sealed = join(dir.path, "cmd.enc.env")
    writeFileSync(sealed, bin(["encrypt", "--age", recipient, plain]).stdout)
    const opened = bin(["decrypt", sealed], { SOPS_AGE_KEY_CMD: `cat ${keys}` })
    expect(opened.stdout).toBe("GREETING=hello\n")
    const child = bin(["exec-env", sealed, 'printf "%s" "$GREETING"; exit 7'], { SOPS_AGE_KEY_FILE: keys })
    expect(child.stdout).toBe("hello")
    expect(child.status).toBe(7)
  })
})
