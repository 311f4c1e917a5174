import { execFile, spawn } from "node:child_process"
import { constants } from "node:fs"
import { mkdtemp, open, readFile, rm } from "node:fs/promises"
import { tmpdir } from "node:os"
import { isAbsolute, join, normalize } from "node:path"
import { BridgeError, ChildExitError, ErrorCode } from "../src/index.js"

/** How exec-env/exec-file start the user's command. */
export interface ChildSpec {
  /** Run through `/bin/sh -c`, as sops does. */
  readonly command: string
  readonly env: Readonly<Record<string, string | undefined>>
  /** Start it and return at once (sops' deprecated --background). */
  readonly background: boolean
  /** --user: the account to run as (needs root, as in sops). */
  readonly user?: UserAccount
}

export interface UserAccount {
  readonly name: string
  readonly uid: number
  readonly gid: number
  readonly home: string
}

/**
 * Runs the command with the terminal attached and resolves when it has ended. A non-zero
 * status rejects with ChildExitError carrying it (a signal death is 255, as sops reports it).
 * While the child runs, SIGINT/SIGQUIT are left to it (the terminal sends them to both) and
 * SIGTERM/SIGHUP are forwarded, so sealbridge outlives it and can remove its temp files.
 */
export function runChild(spec: ChildSpec): Promise<void> {
  const ids = spec.user === undefined ? {} : { uid: spec.user.uid, gid: spec.user.gid }
  if (spec.background) {
    const child = spawn("/bin/sh", ["-c", spec.command], {
      env: spec.env,
      stdio: "ignore",
      detached: true,
      ...ids,
    })
    return new Promise((resolve, reject) => {
      child.once("error", (err) => reject(spawnError(err)))
      child.once("spawn", () => {
        child.unref()
        resolve()
      })
    })
  }
  const child = spawn("/bin/sh", ["-c", spec.command], { env: spec.env, stdio: "inherit", ...ids })
  const forward = (signal: NodeJS.Signals) => () => void child.kill(signal)
  const handlers: [NodeJS.Signals, () => void][] = [
    ["SIGINT", () => undefined],
    ["SIGQUIT", () => undefined],
    ["SIGTERM", forward("SIGTERM")],
    ["SIGHUP", forward("SIGHUP")],
  ]
  for (const [sig, h] of handlers) process.on(sig, h)
  return new Promise<void>((resolve, reject) => {
    child.once("error", (err) => reject(spawnError(err)))
    child.once("exit", (code) => {
      if (code === 0) resolve()
      else reject(new ChildExitError(code ?? 255))
    })
  }).finally(() => {
    for (const [sig, h] of handlers) process.off(sig, h)
  })
}

function spawnError(err: Error): BridgeError {
  return new BridgeError(ErrorCode.Usage, "cannot start the command", {
    cause: err,
    hint: "the command runs through /bin/sh -c; with --user sealbridge must run as root",
  })
}

/** A private directory for exec-file's plaintext; `cleanup` removes it whatever happened. */
export async function privateDir(): Promise<{ path: string; cleanup: () => Promise<void> }> {
  const path = await mkdtemp(join(tmpdir(), ".sealbridge-"))
  return { path, cleanup: () => rm(path, { recursive: true, force: true }) }
}

/** sops' check on --filename: relative and inside the temp directory. */
export function checkLocalName(name: string): void {
  const n = normalize(name)
  if (name === "" || isAbsolute(name) || n === ".." || n.startsWith("../") || n === ".") {
    throw new BridgeError(ErrorCode.Usage, "the provided filename is not a local path", {
      hint: "--filename takes a plain file name such as app.yaml",
    })
  }
}

/** Writes the plaintext to a new 0600 regular file (--no-fifo). */
export async function writePrivateFile(path: string, data: Uint8Array): Promise<void> {
  const handle = await open(path, "wx", 0o600)
  try {
    await handle.writeFile(data)
  } finally {
    await handle.close()
  }
}

/** A FIFO (0600) that hands `data` to the first reader; nothing of the plaintext touches disk. */
export interface FifoFeed {
  /** Settles when the reader has taken everything (or the feed was released). */
  readonly done: Promise<void>
  /** Unblocks a writer still waiting for a reader (the command never opened the FIFO). */
  release(): Promise<void>
}

export async function makeFifo(path: string, data: Uint8Array): Promise<FifoFeed> {
  await new Promise<void>((resolve, reject) =>
    execFile("mkfifo", ["-m", "600", path], (err) =>
      err === null
        ? resolve()
        : reject(new BridgeError(ErrorCode.WriteOutput, "cannot create the FIFO", { cause: err })),
    ),
  )
  let opened = false
  // Opening a FIFO for writing blocks until a reader opens it, so the write runs detached.
  const done = (async () => {
    const handle = await open(path, constants.O_WRONLY)
    opened = true
    try {
      await handle.writeFile(data)
    } finally {
      await handle.close()
    }
  })().catch(() => undefined) // the reader went away early (EPIPE): nothing more to hand over
  return {
    done,
    release: async () => {
      if (opened) return done
      // Opening a reader wakes the pending open (Linux counts readers that came and went);
      // closing it at once makes the write fail with EPIPE, so nothing is left in the pipe.
      const reader = await open(path, constants.O_RDONLY | constants.O_NONBLOCK)
      await reader.close()
      await done
    },
  }
}

/** --user NAME: the account from /etc/passwd (uid, gid, home), as sops' user.Lookup finds it. */
export async function lookupUser(name: string): Promise<UserAccount> {
  const passwd = await readFile("/etc/passwd", "utf8").catch(() => "")
  for (const line of passwd.split("\n")) {
    const [user, , uid, gid, , home] = line.split(":")
    if (user === name && uid !== undefined && gid !== undefined) {
      return { name, uid: Number(uid), gid: Number(gid), home: home ?? "/" }
    }
  }
  throw new BridgeError(ErrorCode.Usage, `user: unknown user ${name}`)
}
