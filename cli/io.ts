import { execFile, spawn } from "node:child_process"
import { randomBytes } from "node:crypto"
import { constants, existsSync, readSync, writeSync } from "node:fs"
import { access, readFile, stat } from "node:fs/promises"
import { homedir } from "node:os"
import type { PieceProducer } from "../src/index.js"
import { removeStaleTemps, resolveLinks, writeFileSafely } from "./safe-write.js"
import { boundYoungGeneration } from "./young-gen.js"

/** Everything the CLI touches outside itself; tests pass their own. */
export interface CliIO {
  readonly env: Readonly<Record<string, string | undefined>>
  readonly cwd: string
  readonly homeDir: string
  readonly platform: NodeJS.Platform
  writeOut(data: Uint8Array | string): void
  writeErr(data: string): void
  /** Resolves once stdout can take more (a large output copied out piece by piece); absent: at once. */
  drainOut?(): Promise<void>
  /**
   * Writes to stdout before returning, however slow the reader (a one-pass reader cannot wait
   * for "drain": piped stdout would otherwise buffer the whole output in memory); absent:
   * writeOut. `data` is the caller's again once it returns (it may be wiped).
   */
  writeOutNow?(data: Uint8Array): void
  readFile(path: string): Promise<Uint8Array>
  readStdin(): Promise<Uint8Array>
  exists(path: string): boolean
  /** The file's permission bits, or null when it does not exist. */
  modeOf(path: string): Promise<number | null>
  /**
   * Writes through symlinks, refuses a file the user may not write, keeps owner and group: temp
   * file in the target's directory (0600), fsync, chmod, rename — never a partial file (see
   * safe-write.ts for the read-only-directory case).
   */
  writeFileAtomic(
    path: string,
    data: Uint8Array | string | Iterable<Uint8Array> | PieceProducer,
    mode: number,
  ): Promise<void>
  /** Throws EACCES when an existing file (after symlinks) may not be written by this user. */
  assertWritable(path: string): Promise<void>
  /** Removes temp files that a killed sealbridge left beside this file. */
  removeStaleTemps(path: string): Promise<void>
  /** Runs the editor command (may hold arguments) on `file` with the terminal attached; returns its status. */
  runEditor(command: string, file: string): Promise<number>
  /** Waits for a line on stdin (sops' "press enter"); false at end of input. */
  waitForEnter(): Promise<boolean>
  /** Runs `sh -c cmd` and returns its stdout (SOPS_AGE_KEY_CMD). */
  runCommand(cmd: string, env: Readonly<Record<string, string>>): Promise<string>
  now(): Date
  randomBytes(n: number): Uint8Array
  /**
   * Keeps V8's young generation at its first size for the rest of the process (cli/young-gen.ts):
   * called before a large file's one-pass run, never for a small file. Absent: nothing is done.
   */
  boundYoungGeneration?(): void
  /** Whether stdout / stderr are terminals (colour, progress bar); absent: not a terminal. */
  readonly stdoutIsTTY?: boolean
  readonly stderrIsTTY?: boolean
}

export function realIO(): CliIO {
  return {
    env: process.env,
    cwd: process.cwd(),
    homeDir: homedir(),
    platform: process.platform,
    writeOut: (data) => void process.stdout.write(data),
    writeErr: (data) => void process.stderr.write(data),
    drainOut: () => drain(process.stdout),
    writeOutNow,
    // A plain Uint8Array view of the Buffer, not a copy: a 100 MB input must not cost 200 MB.
    readFile: async (path) => {
      const b = await readFile(path)
      return new Uint8Array(b.buffer, b.byteOffset, b.byteLength)
    },
    readStdin,
    exists: (path) => existsSync(path),
    modeOf: async (path) => {
      try {
        return (await stat(path)).mode & 0o7777
      } catch {
        return null
      }
    },
    writeFileAtomic: writeFileSafely,
    assertWritable: async (path) => {
      const real = await resolveLinks(path)
      if (existsSync(real)) await access(real, constants.W_OK)
    },
    removeStaleTemps: async (path) => removeStaleTemps(await resolveLinks(path)),
    runEditor: (command, file) =>
      new Promise((resolve, reject) => {
        const child = spawn("sh", ["-c", `${command} "$1"`, "sh", file], { stdio: "inherit" })
        child.on("error", reject)
        child.on("exit", (code) => resolve(code ?? 1))
      }),
    waitForEnter: () => Promise.resolve(readLineSync()),
    runCommand: (cmd, env) =>
      new Promise((resolve, reject) => {
        execFile(
          "sh",
          ["-c", cmd],
          { env: { ...process.env, ...env }, maxBuffer: 1 << 20 },
          (err, stdout) => {
            if (err) reject(new Error(`command failed: ${err.message}`, { cause: err }))
            else resolve(stdout)
          },
        )
      }),
    now: () => new Date(),
    randomBytes: pooledRandomBytes,
    boundYoungGeneration,
    stdoutIsTTY: process.stdout.isTTY,
    stderrIsTTY: process.stderr.isTTY,
  }
}

// One IV per sealed value: drawing them from a pooled buffer avoids a syscall per value.
let pool = new Uint8Array(0)
let poolAt = 0
export function pooledRandomBytes(n: number): Uint8Array {
  if (n > 4096) return new Uint8Array(randomBytes(n))
  if (poolAt + n > pool.length) {
    pool = new Uint8Array(randomBytes(64 * 1024))
    poolAt = 0
  }
  // A view, not a copy (a fresh ArrayBuffer per IV costs more than the AES work): each region
  // is handed out once, so a caller wiping its bytes (the data key) wipes only its own region.
  const out = pool.subarray(poolAt, poolAt + n)
  poolAt += n
  return out
}

async function readStdin(): Promise<Uint8Array> {
  const chunks: Buffer[] = []
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer)
  return new Uint8Array(Buffer.concat(chunks))
}

/**
 * Reads stdin up to a newline, synchronously: the editor gets the terminal back right after,
 * with nothing of Node's own stdin stream left in between. False at end of input.
 */
function readLineSync(): boolean {
  const buf = Buffer.alloc(1)
  for (;;) {
    let n: number
    try {
      n = readSync(0, buf, 0, 1, null)
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EAGAIN") return false
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 20)
      continue
    }
    if (n === 0) return false
    if (buf[0] === 10) return true
  }
}

/** Waits for a stream that holds more than its high-water mark to drain (or to end). */
const pause = new Int32Array(new SharedArrayBuffer(4))

/**
 * fs.writeSync on fd 1, waiting 1 ms whenever a pipe is full: Node puts a piped stdout in
 * non-blocking mode, so a full pipe is EAGAIN, not a wait. A reader gone away (EPIPE) goes to
 * stdout's error listener (cli/main.ts: exit 141), as a process.stdout.write would.
 */
function writeOutNow(data: Uint8Array): void {
  for (let at = 0; at < data.length;) {
    try {
      at += writeSync(1, data, at, data.length - at)
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EAGAIN") {
        process.stdout.emit("error", err)
        throw err
      }
      Atomics.wait(pause, 0, 0, 1)
    }
  }
}

function drain(stream: NodeJS.WritableStream & { writableNeedDrain?: boolean }): Promise<void> {
  if (stream.writableNeedDrain !== true) return Promise.resolve()
  return new Promise((resolve) => {
    const done = (): void => {
      stream.off("drain", done)
      stream.off("close", done)
      stream.off("error", done)
      resolve()
    }
    stream.on("drain", done)
    stream.on("close", done)
    stream.on("error", done)
  })
}
