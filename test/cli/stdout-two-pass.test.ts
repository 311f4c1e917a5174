import { watch, type FSWatcher } from "node:fs"
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { realIO } from "../../cli/io.js"
import { openersFor } from "../../cli/key-backends.js"
import { decryptInPieces } from "../../cli/open-pieces.js"
import { resolveTarget } from "../../cli/target.js"
import { BridgeError, ErrorCode } from "../../src/index.js"
import { newAgeKey } from "../helpers/age-setup.js"
import { runBuilt } from "../helpers/built-cli.js"
import { runCli, tempDir } from "../helpers/cli-io.js"
import { changeClearValue } from "../helpers/tamper-clear.js"

// `decrypt` of a large sealed YAML/JSON file to stdout puts no plaintext on disk: a first pass
// checks every value and the MAC (holding the output in memory when the file is within
// HOLD_OUTPUT_BYTES, dropping it otherwise), a second writes to stdout when nothing was held. Nothing is
// created in $TMPDIR, the output is what the tree path prints, a tampered file prints nothing,
// and a file that changes between the passes is the MAC error (51).

const tmp = tempDir()
afterAll(tmp.cleanup)
let key: Awaited<ReturnType<typeof newAgeKey>>

function bigYaml(): string {
  const lines = ["# large é"]
  for (let i = 0; i < 20_000; i++) lines.push(`svc_${i}:`, `    user: user-${i} 😀`, `    pw: p-${i}`)
  lines.push("note_unencrypted: clear")
  return lines.join("\n") + "\n"
}

function bigJson(): string {
  const items = Array.from({ length: 20_000 }, (_, i) => `{"id": ${i}, "r": ${i}.5, "t": "tök-${i}\\n"}`)
  return `{"items": [${items.join(", ")}], "note_unencrypted": "clear"}`
}

const cases = [
  // sops (go-yaml) writes a character beyond the BMP escaped, in double quotes.
  ["big.yaml", bigYaml(), bigYaml().replace(/(user-\d+) 😀/g, '"$1 \\U0001F600"')],
  ["big.json", bigJson(), JSON.stringify(JSON.parse(bigJson()), null, "\t") + "\n"],
] as const
const sealedPath = (name: string): string => join(tmp.path, `sealed.${name}`)

beforeAll(async () => {
  key = await newAgeKey(tmp.path)
  for (const [name, text] of cases) {
    writeFileSync(join(tmp.path, name), text)
    const r = await runBuilt([
      "encrypt",
      "--age",
      key.recipient,
      "--output",
      sealedPath(name),
      join(tmp.path, name),
    ])
    expect(r.code).toBe(0)
  }
}, 120_000)

/** Runs the built CLI with $TMPDIR an empty directory watched for anything created in it. */
async function watched(
  args: string[],
): Promise<{ code: number | null; stdout: string; stderr: string; seen: string[] }> {
  const dir = join(tmp.path, `tmpdir-${Math.random().toString(36).slice(2, 8)}`)
  mkdirSync(dir)
  const seen: string[] = []
  const watcher: FSWatcher = watch(dir, (_event, name) => void seen.push(String(name)))
  try {
    const r = await runBuilt(args, {
      env: { ...key.env, TMPDIR: dir, XDG_CACHE_HOME: join(tmp.path, "cache") },
    })
    await new Promise((resolve) => setTimeout(resolve, 100)) // late inotify events
    return { ...r, seen: [...seen, ...readdirSync(dir)] }
  } finally {
    watcher.close()
  }
}

describe("decrypt of a large sealed file to stdout, in two passes", () => {
  for (const [name, , plain] of cases) {
    it(`should print ${name} as before and create nothing in $TMPDIR`, async () => {
      const r = await watched(["decrypt", sealedPath(name)])
      expect(r.stderr).toBe("")
      expect(r.code).toBe(0)
      expect(r.stdout).toBe(plain)
      expect(r.seen).toEqual([])
    }, 120_000)

    it(`should print nothing for ${name} with a changed clear value (exit 51) and create nothing in $TMPDIR`, async () => {
      const bad = join(tmp.path, `bad.${name}`)
      const text = readFileSync(sealedPath(name), "utf8")
      writeFileSync(bad, changeClearValue(text))
      const r = await watched(["decrypt", bad])
      expect(r.code).toBe(51)
      expect(r.stdout).toBe("")
      expect(r.stderr).toContain("MAC mismatch")
      expect(r.seen).toEqual([])
    }, 120_000)
  }

  it("should give exit 51 and print nothing when the file changes before the first pass ends", async () => {
    const [name] = cases[0]
    const file = join(tmp.path, `changing-before.${name}`)
    const sealed = readFileSync(sealedPath(name))
    writeFileSync(file, sealed)
    // The key command runs after the file is opened and before any value is read: it rewrites
    // the file in place (same bytes, so only its times tell).
    const cmd = `cat ${JSON.stringify(file)} > ${JSON.stringify(`${file}.copy`)} && cat ${JSON.stringify(`${file}.copy`)} > ${JSON.stringify(file)} && cat ${JSON.stringify(key.keyFile)}`
    const r = await runCli(["decrypt", file], { env: { SOPS_AGE_KEY_CMD: cmd } })
    expect(r.code).toBe(51)
    expect(r.stdout).toBe("")
    expect(r.stderr).toContain("the file changed while it was being decrypted")
    expect(r.stderr).not.toContain("not valid")
  }, 120_000)

  /** decryptInPieces on `file` to stdout, the file rewritten (a value changed) once the first piece is out. */
  async function rewrittenWhilePrinting(
    file: string,
    holdUpTo: number,
  ): Promise<{ err: unknown; out: Buffer; rewritten: boolean }> {
    const sealed = readFileSync(file, "utf8")
    const out: Uint8Array[] = []
    let rewritten = false
    const io = {
      ...realIO(),
      env: key.env,
      writeOut: (d: Uint8Array | string) => void out.push(Buffer.from(d)),
      writeOutNow: (d: Uint8Array) => {
        out.push(Buffer.from(d))
        if (rewritten) return
        rewritten = true
        // An editor writing in place after the first piece went out: a value is now different.
        writeFileSync(file, changeClearValue(sealed))
      },
    }
    const target = resolveTarget(file, {}, false)
    const err = await decryptInPieces(
      target,
      {},
      io,
      () => ({
        source: target.name,
        inputFormat: target.inputFormat,
        outputFormat: target.outputFormat,
        openers: openersFor(io, {}),
        ignoreMac: false,
      }),
      holdUpTo,
    ).then(
      () => null,
      (e: unknown) => e,
    )
    return { err, out: Buffer.concat(out), rewritten }
  }

  it("should give MAC_MISMATCH saying the output is not valid when the file changes during the second pass", async () => {
    const [name] = cases[1]
    const file = join(tmp.path, `changing-during.${name}`)
    writeFileSync(file, readFileSync(sealedPath(name)))
    const { err, out, rewritten } = await rewrittenWhilePrinting(file, 0) // 0: always two passes
    expect(rewritten).toBe(true)
    expect(err).toBeInstanceOf(BridgeError)
    expect((err as BridgeError).code).toBe(ErrorCode.MacMismatch)
    expect((err as BridgeError).message).toBe(
      `${file}: the file changed while it was being decrypted: the output already written is not valid`,
    )
    expect(out.length).toBeGreaterThan(0) // what went out cannot be taken back: the status says so
  }, 120_000)

  it("should open a file within the held bound once: a change while printing cannot reach the output", async () => {
    const [name, , plain] = cases[1]
    const file = join(tmp.path, `held.${name}`)
    writeFileSync(file, readFileSync(sealedPath(name)))
    const { err, out, rewritten } = await rewrittenWhilePrinting(file, 64 << 20)
    expect(rewritten).toBe(true)
    expect(err).toBeNull()
    // Printed from what the MAC was checked over, not read again: the rewritten "clean" is not in it.
    expect(out.toString("utf8")).toBe(plain)
  }, 120_000)

  it("should fall back to two passes for a file larger than the held bound", async () => {
    const [name] = cases[1]
    const file = join(tmp.path, `not-held.${name}`)
    writeFileSync(file, readFileSync(sealedPath(name)))
    const size = readFileSync(file).length
    const { err } = await rewrittenWhilePrinting(file, size - 1)
    expect((err as BridgeError).code).toBe(ErrorCode.MacMismatch)
  }, 120_000)
})
