/** A one-line progress bar on a terminal's stderr, redrawn at most ten times a second. */
export interface Progress {
  tick(files: number, bytes: number): void
  done(): void
}

export function createProgress(
  write: (s: string) => void,
  enabled: boolean,
  total: number | null,
  now: () => number,
): Progress {
  if (!enabled) return { tick: () => undefined, done: () => undefined }
  const start = now()
  let last = 0
  let drawn = false
  return {
    tick(files, bytes) {
      const t = now()
      // Short scans never draw: the bar is for scans long enough to wonder about.
      if (t - last < 100 || t - start < 500) return
      last = t
      drawn = true
      const mb = bytes / 1e6
      const rate = mb / Math.max(0.001, (t - start) / 1000)
      let bar: string
      if (total !== null && total > 0) {
        const width = 24
        const filled = Math.min(width, Math.round((files / total) * width))
        bar = `[${"#".repeat(filled)}${" ".repeat(width - filled)}] ${files}/${total} files`
      } else bar = `${files} files`
      write(`\r\x1b[2K${bar}  ${mb.toFixed(1)} MB  ${rate.toFixed(1)} MB/s`)
    },
    done() {
      if (drawn) write("\r\x1b[2K")
    },
  }
}
