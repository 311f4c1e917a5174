import { spawnSync } from "node:child_process"
import { existsSync, readdirSync, readFileSync, renameSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
// @ts-expect-error -- plain ES module without types (build script)
import { bundleCli } from "../../scripts/bundle.mjs"
import { runCli, tempDir } from "../helpers/cli-io.js"

describe("the bundled sealbridge command (bin.js + one-file CommonJS main.js)", () => {
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

  it("should keep V8's code cache of each command in the user's cache directory", () => {
    const cacheHome = join(dir.path, "xdg-cache")
    expect(bin(["--version"], { XDG_CACHE_HOME: cacheHome }).status).toBe(0)
    const cache = join(cacheHome, "sealbridge", "code-cache")
    expect(readdirSync(cache)).toEqual([expect.stringMatching(/^run-v\d+\.\d+\.\d+-/)])
    const off = bin(["--version"], { XDG_CACHE_HOME: join(dir.path, "off"), SEALBRIDGE_CODE_CACHE: "off" })
    expect(off.status).toBe(0)
    expect(existsSync(join(dir.path, "off"))).toBe(false)
  })
  it("should be CommonJS files only, loading neither node:module nor node:child_process for --version", () => {
    expect(JSON.parse(readFileSync(join(out, "package.json"), "utf8"))).toEqual({ type: "commonjs" })
    expect(
      readdirSync(out)
        .filter((f) => f.endsWith(".js"))
        .sort(),
    ).toEqual(["bin.js", "main.js", "scan-worker.js"])
    // Each costs ~4 ms of a cold start on Node 20 (commander requires child_process at its top).
    const hook = join(dir.path, "hook.cjs")
    const pattern = "/child_process|NativeModule module$/"
    writeFileSync(
      hook,
      `process.on("exit", () => console.error(process.moduleLoadList.filter((m) => ${pattern}.test(m)).join(",")))`,
    )
    const r = spawnSync(process.execPath, ["-r", hook, join(out, "bin.js"), "--version"], {
      env: { PATH: process.env["PATH"] ?? "", HOME: dir.path },
      encoding: "utf8",
    })
    expect(r.stdout).toMatch(/^sealbridge /)
    expect(r.stderr).toBe("\n")
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
