import { spawn, execFile } from "node:child_process"
import { BridgeError, ErrorCode } from "../../src/index.js"

/** Runs git and returns stdout as bytes. @throws BridgeError READ_INPUT naming the git command */
export function git(cwd: string, args: readonly string[], maxBuffer = 1 << 30): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    execFile("git", [...args], { cwd, maxBuffer, encoding: "buffer" }, (err, stdout, stderr) => {
      if (err) {
        const why = stderr.toString("utf8").trim().split("\n")[0] ?? ""
        reject(
          new BridgeError(ErrorCode.ReadInput, `git ${args[0] ?? ""} failed: ${why}`, {
            cause: err,
            hint: "run inside a git repository, or check the range",
          }),
        )
      } else resolve(stdout)
    })
  })
}

/** The repository's top-level directory, or null outside a git work tree. */
export async function repoRoot(cwd: string): Promise<string | null> {
  try {
    return (await git(cwd, ["rev-parse", "--show-toplevel"])).toString("utf8").trim()
  } catch {
    return null
  }
}

export const splitZ = (b: Buffer): string[] =>
  b
    .toString("utf8")
    .split("\0")
    .filter((s) => s !== "")

export interface GitChild {
  readonly stdin: NodeJS.WritableStream
  readonly stdout: NodeJS.ReadableStream
  /** Resolves when the process exits; rejects on a non-zero status. */
  readonly done: Promise<void>
  kill(): void
}

export function spawnGit(cwd: string, args: readonly string[]): GitChild {
  const child = spawn("git", [...args], { cwd, stdio: ["pipe", "pipe", "pipe"] })
  let err = ""
  child.stderr.on("data", (d: Buffer) => {
    if (err.length < 4096) err += d.toString("utf8")
  })
  const done = new Promise<void>((resolve, reject) => {
    child.on("error", reject)
    child.on("close", (code, signal) => {
      if (code === 0 || signal === "SIGTERM") resolve()
      else
        reject(
          new BridgeError(
            ErrorCode.ReadInput,
            `git ${args[0] ?? ""} failed: ${err.trim().split("\n")[0] ?? ""}`,
            {
              hint: "check the range and that this is a git repository",
            },
          ),
        )
    })
  })
  return { stdin: child.stdin, stdout: child.stdout, done, kill: () => child.kill("SIGTERM") }
}
