import { existsSync } from "node:fs"
import { fileURLToPath } from "node:url"
import { Worker } from "node:worker_threads"
import { BridgeError, ErrorCode, scanBlob, type BlobOutcome, type GitopsContext } from "../src/index.js"

/** Scans blobs on worker threads (one per core), or in this thread for small scans. */
export interface ScanPool {
  scan(path: string, bytes: Uint8Array): Promise<BlobOutcome>
  close(): Promise<void>
}

interface Pending {
  resolve(o: BlobOutcome): void
  reject(e: unknown): void
}

// This file sits next to scan-worker in both layouts (tsc output and the esbuild bundle in dist/cli).
const WORKER = new URL("./scan-worker.js", import.meta.url)

/** jobs ≤ 1, or no compiled worker (running from TypeScript sources): scan in this thread. */
export function createScanPool(ctx: GitopsContext, jobs: number): ScanPool {
  if (jobs <= 1 || !existsSync(fileURLToPath(WORKER))) {
    return { scan: (path, bytes) => scanBlob(path, bytes, ctx), close: () => Promise.resolve() }
  }
  const pending = new Map<number, Pending>()
  const load = new Map<Worker, number>()
  let next = 0
  let broken: BridgeError | undefined
  let closing = false
  const workers = Array.from({ length: jobs }, () => {
    // execArgv: [] so flags meant for the main script (e.g. --input-type) do not break the worker.
    const w = new Worker(WORKER, { workerData: { ctx }, execArgv: [] })
    load.set(w, 0)
    w.on("message", (m: { id: number; outcome?: BlobOutcome; error?: string }) => {
      load.set(w, (load.get(w) ?? 1) - 1)
      const p = pending.get(m.id)
      pending.delete(m.id)
      if (m.outcome !== undefined) p?.resolve(m.outcome)
      else p?.reject(new BridgeError(ErrorCode.Internal, `scan worker failed: ${m.error ?? "unknown"}`))
    })
    // A dead worker never answers: fail everything in flight and every later task.
    const fail = (err: unknown): void => {
      broken ??= new BridgeError(ErrorCode.Internal, "a scan worker stopped", { cause: err })
      for (const p of pending.values()) p.reject(broken)
      pending.clear()
    }
    w.on("error", fail)
    w.on("exit", (code) => {
      if (!closing) fail(new Error(`worker exited with status ${code}`))
    })
    return w
  })
  return {
    scan(path, bytes) {
      if (broken !== undefined) return Promise.reject(broken)
      const id = next++
      let best = workers[0] as Worker
      for (const w of workers) if ((load.get(w) ?? 0) < (load.get(best) ?? 0)) best = w
      load.set(best, (load.get(best) ?? 0) + 1)
      return new Promise((resolve, reject) => {
        pending.set(id, { resolve, reject })
        // Transfer, not copy: the bytes are not used here again.
        const copy =
          bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength ? bytes : bytes.slice()
        best.postMessage({ id, path, bytes: copy }, [copy.buffer as ArrayBuffer])
      })
    },
    async close() {
      closing = true
      await Promise.all(workers.map((w) => w.terminate()))
    },
  }
}
