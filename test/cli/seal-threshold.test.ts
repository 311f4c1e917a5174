import { readFileSync, writeFileSync } from "node:fs"
import { readFile } from "node:fs/promises"
import { join } from "node:path"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { SEAL_STREAM_MIN_BYTES, STREAM_MIN_BYTES } from "../../src/index.js"
import { runCli, tempDir } from "../helpers/cli-io.js"

// Which files `encrypt` seals in one pass, read in pieces and never whole: YAML and JSON from
// SEAL_STREAM_MIN_BYTES (256 KiB), binary from STREAM_MIN_BYTES (1 MiB). The whole-file path reads
// the input through io.readFile; the one-pass path reads it with pread, so the count of whole
// reads of the input tells the paths apart. Either way the sealed file opens to the input.
const tmp = tempDir()
afterAll(tmp.cleanup)
let recipient = ""
const keyFile = join(tmp.path, "keys.txt")
beforeAll(async () => {
  recipient = (await runCli(["keygen", "-o", keyFile])).stdout.trim()
})

/** A file of `format` of exactly `size` bytes (the last value padded), laid out as decrypt prints it. */
function fileOf(format: "yaml" | "json" | "binary", size: number): string {
  const entries: string[] = []
  let used = 0
  for (let i = 0; used < size - 64; i++) {
    const entry = format === "json" ? `\t"k${i}": "v-${i}",\n` : `k${i}: v-${i}\n`
    entries.push(entry)
    used += entry.length
  }
  const wrap = (pad: string): string =>
    format === "json" ? `{\n${entries.join("")}\t"pad": "${pad}"\n}\n` : `${entries.join("")}pad: ${pad}\n`
  const text = wrap("x".repeat(size - Buffer.byteLength(wrap(""))))
  expect(Buffer.byteLength(text)).toBe(size)
  return text
}

describe("encrypt: which files are sealed in one pass", () => {
  it.each([
    ["yaml", SEAL_STREAM_MIN_BYTES - 1, 1],
    ["yaml", SEAL_STREAM_MIN_BYTES, 0],
    ["json", SEAL_STREAM_MIN_BYTES - 1, 1],
    ["json", SEAL_STREAM_MIN_BYTES, 0],
    ["binary", SEAL_STREAM_MIN_BYTES, 1],
    ["binary", STREAM_MIN_BYTES - 1, 1],
    ["binary", STREAM_MIN_BYTES, 0],
  ] as const)(
    "%s of %i bytes: %i whole reads of the input",
    async (format, size, wholeReads) => {
      const ext = format === "binary" ? "bin" : format
      const plain = join(tmp.path, `in-${String(size)}.${ext}`)
      writeFileSync(plain, fileOf(format, size))
      let reads = 0
      const io = {
        readFile: (path: string): Promise<Uint8Array> => {
          if (path === plain) reads++
          return readFile(path)
        },
      }
      const sealed = join(tmp.path, `sealed-${String(size)}.${ext}`)
      const r = await runCli(["encrypt", "--age", recipient, "--output", sealed, plain], { io })
      expect(r.code, r.stderr).toBe(0)
      expect(reads).toBe(wholeReads)
      const back = await runCli(["decrypt", sealed], { env: { SOPS_AGE_KEY_FILE: keyFile } })
      expect(back.code, back.stderr).toBe(0)
      expect(back.stdout).toBe(readFileSync(plain, "utf8"))
    },
    60_000,
  )
})
