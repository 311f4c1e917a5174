import { spawn, spawnSync } from "node:child_process"
import {
  chmodSync,
  existsSync,
  readdirSync,
  readFileSync,
  statSync,
  utimesSync,
  writeFileSync,
} from "node:fs"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { codeCacheDir, codeCacheName } from "../../cli/code-cache.js"
import { tempDir } from "../helpers/cli-io.js"

// The shipped command (dist/cli/bin.js, built by the unit project's global setup) and its V8 code
// cache (cli/code-cache.ts).
const BIN = fileURLToPath(new URL("../../dist/cli/bin.js", import.meta.url))
const SECRET = "sb-cache-probe-7f3a9c"

describe("where the code cache lives (codeCacheDir, codeCacheName)", () => {
  const home = () => "/home/u"
  const tmp = () => "/tmp"
  it("should use $XDG_CACHE_HOME, else ~/.cache, else a per-user directory in the temp dir", () => {
    expect(codeCacheDir({ XDG_CACHE_HOME: "/x/cache" }, home, tmp, 1000)).toBe(
      "/x/cache/sealbridge/code-cache",
    )
    // A relative XDG path is ignored (XDG base directory spec).
    expect(codeCacheDir({ XDG_CACHE_HOME: "rel" }, home, tmp, 1000)).toBe(
      "/home/u/.cache/sealbridge/code-cache",
    )
    expect(codeCacheDir({}, () => "", tmp, 1000)).toBe("/tmp/sealbridge-1000/code-cache")
    const noHome = () => {
      throw new Error("no home")
    }
    expect(codeCacheDir({}, noHome, tmp, 7)).toBe("/tmp/sealbridge-7/code-cache")
  })
  it("should be off with SEALBRIDGE_CODE_CACHE=off or NODE_DISABLE_COMPILE_CACHE=1", () => {
    expect(codeCacheDir({ SEALBRIDGE_CODE_CACHE: "off" }, home, tmp, 1)).toBeUndefined()
    expect(codeCacheDir({ NODE_DISABLE_COMPILE_CACHE: "1" }, home, tmp, 1)).toBeUndefined()
  })
  it("should keep one cache per command", () => {
    expect(codeCacheName(["decrypt", "a.yaml"])).toBe("decrypt")
    expect(codeCacheName(["--debug", "filestatus", "a.yaml"])).toBe("filestatus")
    expect(codeCacheName(["--version"])).toBe("run")
    expect(codeCacheName(["../Odd Name"])).toBe("run")
  })
})

describe("the V8 code cache of the shipped command", () => {
  const dir = tempDir("sealbridge-code-cache-")
  const keys = join(dir.path, "keys.txt")
  const sealed = join(dir.path, "s.enc.yaml")
  const plain = `db:\n    password: ${SECRET}\n`
  let n = 0
  const fresh = () => join(dir.path, `xdg-${++n}`)
  const cacheDir = (xdg: string) => join(xdg, "sealbridge", "code-cache")
  const files = (xdg: string) => (existsSync(cacheDir(xdg)) ? readdirSync(cacheDir(xdg)) : [])
  const env = (extra: Record<string, string>) => ({
    PATH: process.env["PATH"] ?? "",
    HOME: dir.path,
    SOPS_AGE_KEY_FILE: keys,
    ...extra,
  })
  const bin = (args: string[], extra: Record<string, string>) =>
    spawnSync(process.execPath, [BIN, ...args], { env: env(extra), encoding: "utf8" })
  const decrypt = (extra: Record<string, string>) => bin(["decrypt", sealed], extra)

  beforeAll(() => {
    const recipient = bin(["keygen", "-o", keys], { SEALBRIDGE_CODE_CACHE: "off" }).stdout.trim()
    writeFileSync(join(dir.path, "s.yaml"), plain)
    const r = bin(["encrypt", "--age", recipient, join(dir.path, "s.yaml")], { SEALBRIDGE_CODE_CACHE: "off" })
    expect(r.status).toBe(0)
    writeFileSync(sealed, r.stdout)
  })
  afterAll(() => dir.cleanup())

  it("should be written by the first run of a command and reused by the next, output unchanged", () => {
    const xdg = fresh()
    const off = decrypt({ SEALBRIDGE_CODE_CACHE: "off" })
    expect(off.stdout).toBe(plain)
    expect(files(xdg)).toEqual([])
    const first = decrypt({ XDG_CACHE_HOME: xdg })
    expect([first.status, first.stdout, first.stderr]).toEqual([0, plain, ""])
    const [file, ...rest] = files(xdg)
    expect(rest).toEqual([])
    expect(file).toMatch(
      new RegExp(`^decrypt-${process.version.replace(/\./g, "\\.")}-${process.arch}-[0-9a-f]{12}\\.bin$`),
    )
    const path = join(cacheDir(xdg), file ?? "")
    expect(statSync(path).mode & 0o777).toBe(0o600)
    expect(statSync(cacheDir(xdg)).mode & 0o777).toBe(0o700)
    expect(readFileSync(path).subarray(0, 26).toString()).toBe("sealbridge-v8-code-cache 1")
    const before = statSync(path)
    const second = decrypt({ XDG_CACHE_HOME: xdg })
    expect([second.status, second.stdout, second.stderr]).toEqual([0, plain, ""])
    // Accepted by V8: not written again (a rewrite is a new file renamed over the old one).
    expect(statSync(path).ino).toBe(before.ino)
    expect(statSync(path).mtimeMs).toBe(before.mtimeMs)
    // Another command has its own cache.
    expect(bin(["--version"], { XDG_CACHE_HOME: xdg }).status).toBe(0)
    const both = files(xdg)
    expect(both).toHaveLength(2)
    expect(both).toContain(file)
    expect(both.some((f) => f.startsWith("run-"))).toBe(true)
  })

  it("should reject a stale or damaged cache, run unchanged and write it again", () => {
    const xdg = fresh()
    decrypt({ XDG_CACHE_HOME: xdg })
    const path = join(cacheDir(xdg), files(xdg)[0] ?? "")
    const good = readFileSync(path)
    const header = good.subarray(0, good.indexOf(10) + 1)
    const damaged = [
      // Another bundle's header.
      Buffer.concat([
        Buffer.from(header.toString().replace(/[0-9a-f]{32}/, "0".repeat(32))),
        good.subarray(header.length),
      ]),
      // This bundle's header, data V8 cannot use (garbage, then cut short).
      Buffer.concat([header, Buffer.alloc(good.length - header.length, 0x5a)]),
      good.subarray(0, header.length + 100),
    ]
    for (const bytes of damaged) {
      writeFileSync(path, bytes)
      const ino = statSync(path).ino
      const r = decrypt({ XDG_CACHE_HOME: xdg })
      expect([r.status, r.stdout, r.stderr]).toEqual([0, plain, ""])
      expect(statSync(path).ino).not.toBe(ino)
      expect(readFileSync(path).subarray(0, header.length)).toEqual(header)
    }
  })

  it("should run unchanged when the cache directory cannot be made or is writable by others", () => {
    const notADir = join(dir.path, "plain-file")
    writeFileSync(notADir, "x")
    for (const extra of [{ XDG_CACHE_HOME: notADir }, { HOME: notADir }]) {
      const r = decrypt(extra)
      expect([r.status, r.stdout, r.stderr]).toEqual([0, plain, ""])
    }
    // A directory others can write is neither read (its data would run as code) nor written.
    const xdg = fresh()
    decrypt({ XDG_CACHE_HOME: xdg })
    const path = join(cacheDir(xdg), files(xdg)[0] ?? "")
    chmodSync(cacheDir(xdg), 0o777)
    const planted = Buffer.concat([readFileSync(path).subarray(0, 60), Buffer.alloc(5000, 1)])
    writeFileSync(path, planted)
    const ino = statSync(path).ino
    const r = decrypt({ XDG_CACHE_HOME: xdg })
    expect([r.status, r.stdout, r.stderr]).toEqual([0, plain, ""])
    expect(statSync(path).ino).toBe(ino)
    expect(readFileSync(path)).toEqual(planted)
  })

  it("should stay whole when several runs write it at once", async () => {
    const xdg = fresh()
    const runs = Array.from(
      { length: 5 },
      () =>
        new Promise<{ code: number | null; out: string }>((resolve) => {
          const p = spawn(process.execPath, [BIN, "decrypt", sealed], { env: env({ XDG_CACHE_HOME: xdg }) })
          let out = ""
          p.stdout.on("data", (d: Buffer) => (out += d.toString()))
          p.on("close", (code) => resolve({ code, out }))
        }),
    )
    for (const r of await Promise.all(runs)) expect(r).toEqual({ code: 0, out: plain })
    const [file, ...rest] = files(xdg)
    expect(rest).toEqual([]) // no temporary files left
    const path = join(cacheDir(xdg), file ?? "")
    const ino = statSync(path).ino
    expect(decrypt({ XDG_CACHE_HOME: xdg }).stdout).toBe(plain)
    expect(statSync(path).ino).toBe(ino) // the file left behind is accepted
  }, 60_000)

  it("should hold compiled code only: no value or key the run read", () => {
    const xdg = fresh()
    expect(decrypt({ XDG_CACHE_HOME: xdg }).stdout).toBe(plain)
    expect(
      bin(
        [
          "encrypt",
          "--age",
          readFileSync(keys, "utf8").match(/age1[0-9a-z]+/)?.[0] ?? "",
          join(dir.path, "s.yaml"),
        ],
        { XDG_CACHE_HOME: xdg },
      ).status,
    ).toBe(0)
    const names = files(xdg)
    expect(names).toHaveLength(2)
    const secretKey = /AGE-SECRET-KEY-1[0-9A-Z]+/.exec(readFileSync(keys, "utf8"))?.[0] ?? "missing"
    for (const name of names) {
      const bytes = readFileSync(join(cacheDir(xdg), name)).toString("latin1")
      expect(bytes).not.toContain(SECRET)
      expect(bytes).not.toContain(secretKey)
      expect(bytes).not.toContain(secretKey.toLowerCase())
    }
  })

  it("should remove another bundle's cache of the same command once it is a day old", () => {
    const xdg = fresh()
    decrypt({ XDG_CACHE_HOME: xdg })
    const [file] = files(xdg)
    const other = (hash: string) =>
      join(cacheDir(xdg), (file ?? "").replace(/-[0-9a-f]{12}\.bin$/, `-${hash}.bin`))
    writeFileSync(other("aaaaaaaaaaaa"), "old")
    writeFileSync(other("bbbbbbbbbbbb"), "recent")
    const twoDaysAgo = new Date(Date.now() - 2 * 24 * 3600 * 1000)
    utimesSync(other("aaaaaaaaaaaa"), twoDaysAgo, twoDaysAgo)
    writeFileSync(join(cacheDir(xdg), file ?? ""), "stale") // forces a write
    expect(decrypt({ XDG_CACHE_HOME: xdg }).stdout).toBe(plain)
    expect(existsSync(other("aaaaaaaaaaaa"))).toBe(false)
    expect(existsSync(other("bbbbbbbbbbbb"))).toBe(true)
  })
})
