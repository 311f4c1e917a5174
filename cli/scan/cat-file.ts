import type { GitChild } from "./git.js"
import { spawnGit } from "./git.js"

export interface BlobRecord {
  readonly oid: string
  /** null: git says the object is missing */
  readonly bytes: Uint8Array | null
}

/**
 * One long-lived `git cat-file --batch`: object names in, `<oid> <type> <size>\n<bytes>\n` out.
 * Requests are written and read in lockstep batches, so memory is bounded by one batch.
 */
export class CatFile {
  private readonly child: GitChild
  private buf: Buffer = Buffer.alloc(0)
  // Chunks arrive in 64 KiB pieces: gather them and join once per need, not once per chunk.
  private pending: Buffer[] = []
  private pendingLen = 0
  private readonly waiters: (() => void)[] = []
  private ended = false

  constructor(cwd: string) {
    this.child = spawnGit(cwd, ["cat-file", "--batch"])
    this.child.done.catch(() => undefined) // surfaced by close()
    this.child.stdout.on("data", (d: Buffer) => {
      this.pending.push(d)
      this.pendingLen += d.length
      this.wake()
    })
    this.child.stdout.on("end", () => {
      this.ended = true
      this.wake()
    })
  }

  private wake(): void {
    for (const w of this.waiters.splice(0)) w()
  }

  private async need(n: number): Promise<void> {
    while (this.buf.length + this.pendingLen < n) {
      if (this.ended) throw new Error("git cat-file ended early")
      await new Promise<void>((r) => this.waiters.push(r))
    }
    if (this.pending.length > 0) {
      this.buf = Buffer.concat([this.buf, ...this.pending])
      this.pending = []
      this.pendingLen = 0
    }
  }

  private async readLine(): Promise<string> {
    for (;;) {
      const nl = this.buf.indexOf(10)
      if (nl !== -1) {
        const line = this.buf.subarray(0, nl).toString("utf8")
        this.buf = this.buf.subarray(nl + 1)
        return line
      }
      await this.need(this.buf.length + 1)
    }
  }

  /** Reads the named objects (oids or `:path` index names), in order. */
  async read(names: readonly string[]): Promise<BlobRecord[]> {
    this.child.stdin.write(names.join("\n") + "\n")
    const out: BlobRecord[] = []
    for (let i = 0; i < names.length; i++) {
      const header = await this.readLine()
      const [oid = "", type = "", size = ""] = header.split(" ")
      if (type === "missing" || size === "") {
        out.push({ oid, bytes: null })
        continue
      }
      const n = Number(size)
      await this.need(n + 1)
      out.push({ oid, bytes: new Uint8Array(this.buf.subarray(0, n)) })
      this.buf = this.buf.subarray(n + 1)
    }
    return out
  }

  async close(): Promise<void> {
    this.child.stdin.end()
    await this.child.done
  }
}
