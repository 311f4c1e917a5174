import { spawn } from "node:child_process"
import { chmodSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs"
import { fileURLToPath } from "node:url"
import { join } from "node:path"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { isSealbridgeTempName } from "../../../src/index.js"
import { newAgeKey } from "../../helpers/age-setup.js"
import { canDropPrivileges, giveToRunner, runBuilt } from "../../helpers/built-cli.js"
import { runCli, tempDir } from "../../helpers/cli-io.js"

// Crash safety (issue 8): SIGKILL at seeded random moments during encrypt -i, decrypt -i,
// rotate -i, set and edit of the shipped CLI (dist/cli/bin.js). After every kill the target is
// exactly the old bytes or a complete new file, whatever is left beside it has a sealbridge temp
// name, and the next run on the same file leaves no temp file (plaintext) behind.
// CI: CRASH_RUNS (default 5) kills per command; `npm run test:crash` runs 60 per command.
const BIN = fileURLToPath(new URL("../../../dist/cli/bin.js", import.meta.url))
const RUNS = Number(process.env["CRASH_RUNS"] ?? 5)
const SEED = Number(process.env["CRASH_SEED"] ?? process.env["FC_SEED"] ?? 20261202)

/** mulberry32: a small seeded generator, so a failing kill schedule can be replayed. */
function prng(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const tmp = tempDir("sealbridge-crash-")
afterAll(tmp.cleanup)
let key: Awaited<ReturnType<typeof newAgeKey>>
let env: Record<string, string>

// Large enough that sealing and writing take a while, so kills land in every phase.
const plain = Array.from(
  { length: 300 },
  (_, i) => `k${String(i)}: value-${String(i)}-${"x".repeat(40)}\n`,
).join("")
let sealed: Buffer
const edited = plain.replace(/^k1: .*$/m, "k1: edited")
const setTo = plain.replace(/^k0: .*$/m, "k0: changed")

interface Op {
  readonly name: string
  readonly initial: () => Buffer | string
  readonly args: (file: string) => string[]
  /** The plaintext a complete new file holds (a plaintext file: exactly it). */
  readonly result: string
  readonly newIsSealed: boolean
  readonly extraEnv?: (dir: string) => Record<string, string>
}

const ops: Op[] = [
  {
    name: "encrypt -i",
    initial: () => plain,
    args: (f) => ["encrypt", "-i", "--age", key.recipient, f],
    result: plain,
    newIsSealed: true,
  },
  {
    name: "decrypt -i",
    initial: () => sealed,
    args: (f) => ["decrypt", "-i", f],
    result: plain,
    newIsSealed: false,
  },
  {
    name: "rotate -i",
    initial: () => sealed,
    args: (f) => ["rotate", "-i", f],
    result: plain,
    newIsSealed: true,
  },
  {
    name: "set",
    initial: () => sealed,
    args: (f) => ["set", f, '["k0"]', '"changed"'],
    result: setTo,
    newIsSealed: true,
  },
  {
    name: "edit",
    initial: () => sealed,
    args: (f) => ["edit", f],
    result: edited,
    newIsSealed: true,
    extraEnv: (dir) => ({ EDITOR: editorScript(dir, "s/^k1: .*/k1: edited/"), TMPDIR: join(dir, "tmp") }),
  },
]

function editorScript(dir: string, sed: string): string {
  const p = join(dir, "editor.sh")
  writeFileSync(p, `#!/bin/sh\nsed -i '${sed}' "$1"\n`, { mode: 0o755 })
  return p
}

/** Runs the built CLI; kills it with SIGKILL after `killAfterMs` unless it ended first. */
function runAndKill(
  args: string[],
  extra: Record<string, string>,
  killAfterMs: number | null,
): Promise<number> {
  return new Promise((resolve, reject) => {
    const start = performance.now()
    const child = spawn(process.execPath, [BIN, ...args], {
      env: { PATH: process.env["PATH"] ?? "", HOME: "/nonexistent", ...env, ...extra },
      stdio: "ignore",
    })
    const timer = killAfterMs === null ? undefined : setTimeout(() => child.kill("SIGKILL"), killAfterMs)
    child.on("error", reject)
    child.on("exit", () => {
      clearTimeout(timer)
      resolve(performance.now() - start)
    })
  })
}

/** The plaintext a file decrypts to in-process (this also is "the next run on the same file"). */
async function plaintextOf(file: string): Promise<string | null> {
  const r = await runCli(["decrypt", file], { env })
  return r.code === 0 ? r.stdout : null
}

beforeAll(async () => {
  key = await newAgeKey(tmp.path)
  env = key.env
  const p = join(tmp.path, "seed.yaml")
  writeFileSync(p, plain)
  expect((await runCli(["encrypt", "-i", "--age", key.recipient, p], { env })).code).toBe(0)
  sealed = readFileSync(p)
}, 60_000)

describe("SIGKILL at random moments", () => {
  const outcomes: Record<string, { old: number; new: number; tempsLeft: number }> = {}
  afterAll(() => {
    if (process.env["CRASH_RUNS"] !== undefined) console.log("crash outcomes", JSON.stringify(outcomes))
  })

  for (const [n, op] of ops.entries()) {
    it(
      `${op.name}: the file is always the old or the complete new content; no temp file survives the next run`,
      async () => {
        const random = prng(SEED + n)
        const dir = join(tmp.path, op.name.replace(/\W/g, ""))
        mkdirSync(join(dir, "tmp"), { recursive: true })
        const file = join(dir, "secrets.yaml")
        const extra = op.extraEnv?.(dir) ?? {}
        // A run to completion: what it costs here, and that it produces the new content.
        writeFileSync(file, op.initial())
        const full = await runAndKill(op.args(file), extra, null)
        expect(await plaintextOrBytes(file, op)).toBe(op.result)
        const tally = { old: 0, new: 0, tempsLeft: 0 }
        for (let run = 0; run < RUNS; run++) {
          const initial = op.initial()
          writeFileSync(file, initial)
          await runAndKill(op.args(file), extra, random() * full * 1.1)
          const after = readFileSync(file)
          const leftovers = readdirSync(dir).filter((f) => !["secrets.yaml", "editor.sh", "tmp"].includes(f))
          for (const f of leftovers) expect(isSealbridgeTempName(f), `unexpected file ${f}`).toBe(true)
          for (const f of readdirSync(join(dir, "tmp"))) expect(isSealbridgeTempName(f)).toBe(true)
          if (leftovers.length > 0 || readdirSync(join(dir, "tmp")).length > 0) tally.tempsLeft++
          if (after.equals(Buffer.from(initial))) tally.old++
          else {
            expect(await plaintextOrBytes(file, op), `run ${String(run)}: neither old nor new`).toBe(
              op.result,
            )
            tally.new++
          }
          // The next run on the same file removes what the killed one left.
          await plaintextOf(file)
          if (op.name === "edit") await runAndKill(["edit", file], { ...extra, EDITOR: "true" }, null)
          expect(readdirSync(dir).filter((f) => isSealbridgeTempName(f))).toEqual([])
          expect(readdirSync(join(dir, "tmp"))).toEqual([])
        }
        outcomes[op.name] = tally
        expect(tally.old + tally.new).toBe(RUNS)
      },
      60_000 + RUNS * 15_000,
    )
  }
})

/** A complete new file's plaintext: decrypted when sealed, the bytes when plaintext is expected. */
async function plaintextOrBytes(file: string, op: Op): Promise<string | null> {
  return op.newIsSealed ? plaintextOf(file) : readFileSync(file, "utf8")
}

describe("write failures leave the original intact", () => {
  it("a file-size limit (ulimit -f: EFBIG, as on a full disk) fails encrypt -i with exit 3; the plaintext file is unchanged and no temp file is left", async () => {
    const dir = join(tmp.path, "efbig")
    mkdirSync(dir)
    const file = join(dir, "big.yaml")
    writeFileSync(file, plain)
    const r = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
      const child = spawn(
        "bash",
        [
          "-c",
          'ulimit -f 24; exec "$0" "$@"',
          process.execPath,
          BIN,
          "encrypt",
          "-i",
          "--age",
          key.recipient,
          file,
        ],
        {
          env: { PATH: process.env["PATH"] ?? "", HOME: "/nonexistent", ...env },
          stdio: ["ignore", "ignore", "pipe"],
        },
      )
      let stderr = ""
      child.stderr.on("data", (d: Buffer) => (stderr += d.toString()))
      child.on("close", (code) => resolve({ code, stderr }))
    })
    expect(r.code).toBe(3)
    expect(r.stderr).toMatch(/file too large/)
    expect(r.stderr).toMatch(/original file was left as it was/)
    expect(readFileSync(file, "utf8")).toBe(plain)
    expect(readdirSync(dir)).toEqual(["big.yaml"])
  })

  it("EACCES: decrypt -i into a read-only file in a read-only directory exits 3, file unchanged", async () => {
    expect(canDropPrivileges).toBe(true)
    const dir = join(tmp.path, "eacces")
    chmodSync(tmp.path, 0o755) // the unprivileged user must reach the file to be refused by it
    mkdirSync(dir)
    const file = join(dir, "ro.yaml")
    writeFileSync(file, sealed)
    const keyCopy = join(dir, "key.txt")
    writeFileSync(keyCopy, readFileSync(key.keyFile))
    giveToRunner(keyCopy, 0o400)
    chmodSync(file, 0o444)
    chmodSync(dir, 0o555)
    try {
      const r = await runBuilt(["decrypt", "-i", file], {
        env: { SOPS_AGE_KEY_FILE: keyCopy },
        unprivileged: true,
      })
      expect(r.code).toBe(3)
      expect(r.stderr).toMatch(/permission denied/)
      expect(readFileSync(file)).toEqual(sealed)
    } finally {
      chmodSync(dir, 0o755)
      rmSync(dir, { recursive: true, force: true })
    }
    expect(existsSync(dir)).toBe(false)
  })
})
