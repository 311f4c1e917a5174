import { backendFor, backendForWrapped, rotateDocument, splitKeyList } from "../../src/index.js"
import type { CliIO } from "../io.js"
import { keyDeps } from "../key-deps.js"
import { openersFor } from "../key-backends.js"
import type { SealFlags } from "../options.js"
import { loadTarget, writeResult } from "../target.js"

export interface RotateFlags extends SealFlags {
  addAge?: string
  rmAge?: string
}

/** `rotate FILE`: new data key for every value; `--add-age` / `--rm-age` change the recipients. */
export async function runRotate(file: string | undefined, flags: RotateFlags, io: CliIO): Promise<void> {
  const target = await loadTarget(file, flags, io, false)
  const deps = keyDeps(io, flags)
  const out = await rotateDocument(
    {
      input: target.input,
      source: target.name,
      format: target.inputFormat,
      openers: openersFor(io, flags),
      backendFor: (w) => backendForWrapped(w, deps),
      add: splitKeyList(flags.addAge ?? "").map((r) => backendFor({ kind: "age", recipient: r }, deps)),
      remove: splitKeyList(flags.rmAge ?? ""),
    },
    { now: () => io.now(), randomBytes: (n) => io.randomBytes(n) },
  )
  await writeResult(target, flags, out, io, false)
}
