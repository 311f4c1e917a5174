import { rmSync } from "node:fs"

/**
 * Paths that hold a temp copy right now (in-place temp files, the `edit` directory). They are
 * removed on every exit path: the `finally` of their writer, a catchable signal (SIGINT, SIGTERM,
 * SIGHUP) or a closed stdout. SIGKILL cannot be caught: the next run on the same file removes
 * what a dead process left (see safe-write.ts).
 */
const pending = new Set<string>()
let editorRunning = false
let deferring = 0
let deferred: NodeJS.Signals | null = null

export function track(path: string): () => void {
  pending.add(path)
  return () => void pending.delete(path)
}

/** Removes every tracked path now; safe to call from a signal handler. */
export function removeTrackedSync(): void {
  for (const path of pending) {
    try {
      rmSync(path, { recursive: true, force: true })
    } catch {
      // Nothing more can be done on the way out; the next run cleans stale temps.
    }
  }
  pending.clear()
}

/**
 * While the editor runs it owns the terminal: Ctrl-C belongs to it (as `system(3)` ignores
 * SIGINT in the parent), so sealbridge does not quit under the user's feet.
 */
export async function whileEditorRuns<T>(fn: () => Promise<T>): Promise<T> {
  editorRunning = true
  try {
    return await fn()
  } finally {
    editorRunning = false
  }
}

/**
 * Runs `fn` with catchable signals held back: an in-place overwrite (no temp file possible) is
 * not cut in the middle by Ctrl-C or a hang-up; the signal is acted on right after.
 */
export async function withSignalsDeferred<T>(fn: () => Promise<T>): Promise<T> {
  deferring++
  try {
    return await fn()
  } finally {
    deferring--
    const sig = deferred
    if (deferring === 0 && sig !== null) {
      deferred = null
      die(sig)
    }
  }
}

function die(sig: NodeJS.Signals): void {
  removeTrackedSync()
  // Re-raise with the default action so the parent sees "killed by SIGxxx" (status 128+n).
  process.removeAllListeners(sig)
  process.kill(process.pid, sig)
}

/** Installed once by cli/main.ts. */
export function installSignalHandlers(): void {
  for (const sig of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
    process.on(sig, () => {
      if (sig === "SIGINT" && editorRunning) return
      if (deferring > 0) {
        deferred ??= sig
        return
      }
      // A long-running command (the controller) handles this signal itself and drains gracefully:
      // only remove plaintext temp files here and let its handler decide how the process ends.
      if (process.listenerCount(sig) > 1) {
        removeTrackedSync()
        return
      }
      die(sig)
    })
  }
}
