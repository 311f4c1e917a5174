import { spawn, spawnSync } from "node:child_process"
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { fileURLToPath, pathToFileURL } from "node:url"
import { build } from "esbuild"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { isSealbridgeTempName, tempFileName } from "../../../src/index.js"
import { CLI, runBuilt } from "../../helpers/built-cli.js"
import { newAgeKey } from "../../helpers/age-setup.js"
import { tempDir } from "../../helpers/cli-io.js"

// Defect 4: no plaintext temp file survives an interrupt. Catchable signals remove every temp
// copy before the process dies of the signal; what SIGKILL leaves has a recognisable name and is
// removed by the next run on the same file.
const tmp = tempDir()
afterAll(tmp.cleanup)
let key: Awaited<ReturnType<typeof newAgeKey>>
// cli/cleanup.ts as an ES module of its own (dist/cli holds only the CommonJS bundle).
const cleanupFile = join(tmp.path, "cleanup.mjs")
const cleanupModule = pathToFileURL(cleanupFile).href

beforeAll(async () => {
  await build({
    entryPoints: [fileURLToPath(new URL("../../../cli/cleanup.ts", import.meta.url))],
    outfile: cleanupFile,
    bundle: true,
    format: "esm",
    platform: "node",
    logLevel: "warning",
  })
  key = await newAgeKey(tmp.path)
})

/** A pid that belonged to a process that has exited. */
function deadPid(): number {
  const r = spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"])
  return Number(r.stdout.toString())
}

function waitFor(cond: () => boolean, ms = 20_000): Promise<void> {
  const end = Date.now() + ms
  return new Promise((resolve, reject) => {
    const tick = (): void => {
      if (cond()) resolve()
      else if (Date.now() > end) reject(new Error("timed out"))
      else setTimeout(tick, 50)
    }
    tick()
  })
}

async function sealed(name: string, text: string): Promise<string> {
  const p = join(tmp.path, name)
  writeFileSync(p, text)
  const r = await runBuilt(["encrypt", "-i", "--age", key.recipient, p])
  expect(r.code).toBe(0)
  return p
}

describe("temp files on signals", () => {
  for (const sig of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
    it(`${sig}: a tracked temp file is removed and the process dies of ${sig}`, async () => {
      const file = join(tmp.path, `.x.yaml.sealbridge-tmp-${sig}`)
      const script = `
        import { writeFileSync } from "node:fs"
        import { installSignalHandlers, track } from ${JSON.stringify(cleanupModule)}
        installSignalHandlers()
        writeFileSync(${JSON.stringify(file)}, "plain-secret")
        track(${JSON.stringify(file)})
        process.stdout.write("ready\\n")
        setInterval(() => undefined, 1000)`
      const child = spawn(process.execPath, ["--input-type=module", "-e", script], { stdio: "pipe" })
      await new Promise<void>((resolve) => child.stdout.once("data", () => resolve()))
      expect(existsSync(file)).toBe(true)
      const exit = new Promise<NodeJS.Signals | null>((resolve) => child.on("exit", (_c, s) => resolve(s)))
      child.kill(sig)
      expect(await exit).toBe(sig)
      expect(existsSync(file)).toBe(false)
    })
  }
})

describe("edit on signals", () => {
  const editorFor = (dir: string): string => {
    const editor = join(dir, "editor.sh")
    writeFileSync(
      editor,
      `#!/bin/sh\ntouch "${dir}/ready"\nwhile [ ! -e "${dir}/go" ]; do sleep 0.05; done\nsed -i 's/^a: .*/a: edited/' "$1"\n`,
      { mode: 0o755 },
    )
    return editor
  }

  for (const sig of ["SIGTERM", "SIGHUP"] as const) {
    it(`${sig} while the editor is open: the decrypted copy is removed, the file is unchanged`, async () => {
      const dir = join(tmp.path, `edit-${sig}`)
      const tmpdir = join(dir, "tmp")
      mkdirSync(tmpdir, { recursive: true })
      const p = await sealed(`edit-${sig}.yaml`, "a: alpha-plain\n")
      const before = readFileSync(p, "utf8")
      const child = spawn(process.execPath, [CLI, "edit", p], {
        env: { PATH: process.env["PATH"] ?? "", ...key.env, EDITOR: editorFor(dir), TMPDIR: tmpdir },
        stdio: "ignore",
      })
      const exit = new Promise<NodeJS.Signals | null>((resolve) => child.on("exit", (_c, s) => resolve(s)))
      await waitFor(() => existsSync(join(dir, "ready")))
      expect(readdirSync(tmpdir).filter((n) => n.startsWith("sealbridge-edit-"))).toHaveLength(1)
      child.kill(sig)
      expect(await exit).toBe(sig)
      writeFileSync(join(dir, "go"), "")
      expect(readdirSync(tmpdir)).toEqual([])
      expect(readFileSync(p, "utf8")).toBe(before)
    })
  }

  it("SIGINT while the editor is open belongs to the editor: the edit still lands", async () => {
    const dir = join(tmp.path, "edit-SIGINT")
    const tmpdir = join(dir, "tmp")
    mkdirSync(tmpdir, { recursive: true })
    const p = await sealed("edit-int.yaml", "a: alpha-plain\n")
    const child = spawn(process.execPath, [CLI, "edit", p], {
      env: { PATH: process.env["PATH"] ?? "", ...key.env, EDITOR: editorFor(dir), TMPDIR: tmpdir },
      stdio: "ignore",
    })
    const exit = new Promise<number | null>((resolve) => child.on("exit", (c) => resolve(c)))
    await waitFor(() => existsSync(join(dir, "ready")))
    child.kill("SIGINT")
    await new Promise((r) => setTimeout(r, 300))
    writeFileSync(join(dir, "go"), "")
    expect(await exit).toBe(0)
    expect(readdirSync(tmpdir)).toEqual([])
    expect((await runBuilt(["decrypt", p], { env: key.env })).stdout).toBe("a: edited\n")
  })
})

describe("leftovers of a killed run", () => {
  it("names every temp file so .gitignore patterns and the scanner can tell it", () => {
    const name = tempFileName("secrets.yaml", 1234, "a1b2c3")
    expect(name).toBe(".secrets.yaml.sealbridge-tmp-1234-a1b2c3")
    expect(isSealbridgeTempName(name)).toBe(true)
    expect(isSealbridgeTempName("sealbridge-edit-99-00ff")).toBe(true)
    expect(isSealbridgeTempName(".secrets.yaml.tmp")).toBe(false)
  })

  it("the next run on the same file removes a dead writer's temp files, and only those", async () => {
    const p = await sealed("stale.yaml", "a: alpha-plain\n")
    const dead = join(tmp.path, tempFileName("stale.yaml", deadPid(), "0badc0de"))
    const live = join(tmp.path, tempFileName("stale.yaml", process.pid, "00c0ffee"))
    const other = join(tmp.path, tempFileName("other.yaml", deadPid(), "0badc0de"))
    for (const f of [dead, live, other]) writeFileSync(f, "a: alpha-plain\n", { mode: 0o600 })
    const r = await runBuilt(["decrypt", p], { env: key.env })
    expect(r.code).toBe(0)
    expect(existsSync(dead)).toBe(false)
    expect(existsSync(live)).toBe(true) // a running writer's file is left alone
    expect(existsSync(other)).toBe(true) // another file's temp is that file's business
  })

  it("the next edit removes a killed edit's private directory", async () => {
    const tmpdir = join(tmp.path, "stale-edit-tmp")
    const stale = join(tmpdir, `sealbridge-edit-${String(deadPid())}-abcdef`)
    mkdirSync(stale, { recursive: true })
    writeFileSync(join(stale, "x.yaml"), "a: alpha-plain\n")
    const p = await sealed("stale-edit.yaml", "a: alpha-plain\n")
    const r = await runBuilt(["edit", p], { env: { ...key.env, EDITOR: "true", TMPDIR: tmpdir } })
    expect(r.code).toBe(200)
    expect(existsSync(stale)).toBe(false)
  })

  it("a successful in-place write leaves no temp file", async () => {
    const p = await sealed("clean.yaml", "a: alpha-plain\n")
    expect((await runBuilt(["decrypt", "-i", p], { env: key.env })).code).toBe(0)
    expect(readdirSync(tmp.path).filter((n) => n.includes("sealbridge-tmp") && n.includes("clean"))).toEqual(
      [],
    )
  })
})
