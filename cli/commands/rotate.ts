import {
  AgeBackend,
  BridgeError,
  ErrorCode,
  rotateDocument,
  splitKeyList,
  wrappedKeyId,
  type WrappedKey,
} from "../../src/index.js"
import type { CliIO } from "../io.js"
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
  const out = await rotateDocument(
    {
      input: target.input,
      source: target.name,
      format: target.inputFormat,
      openers: openersFor(io),
      backendFor: (w: WrappedKey) => {
        if (w.kind === "age") return new AgeBackend(w.recipient)
        throw new BridgeError(
          ErrorCode.Config,
          `${target.name}: cannot re-wrap ${w.kind} key ${wrappedKeyId(w)} yet`,
          {
            hint: "only age keys can be rotated so far; remove it with the matching --rm-* flag",
          },
        )
      },
      add: splitKeyList(flags.addAge ?? "").map((r) => new AgeBackend(r)),
      remove: splitKeyList(flags.rmAge ?? ""),
    },
    { now: () => io.now(), randomBytes: (n) => io.randomBytes(n) },
  )
  await writeResult(target, flags, out, io, false)
}
