// A scan worker thread: receives the GitOps context once, then file bytes; returns outcomes.
import { parentPort, workerData } from "node:worker_threads"
import { scanBlob, type GitopsContext } from "../src/index.js"

interface Task {
  readonly id: number
  readonly path: string
  readonly bytes: Uint8Array
}

const ctx = (workerData as { ctx: GitopsContext }).ctx
parentPort?.on("message", (t: Task) => {
  scanBlob(t.path, t.bytes, ctx).then(
    (outcome) => parentPort?.postMessage({ id: t.id, outcome }),
    (err: unknown) =>
      parentPort?.postMessage({ id: t.id, error: err instanceof Error ? err.message : String(err) }),
  )
})
