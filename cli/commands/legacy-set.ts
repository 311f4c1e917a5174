import { BridgeError, ErrorCode, parseSetValue } from "../../src/index.js"
import type { CliIO } from "../io.js"
import type { SealFlags } from "../options.js"
import { setPath, setValue } from "./set.js"

/**
 * sops' legacy `--set '["a"]["b"] VALUE' FILE`: the argument is split after the first "] ",
 * the left part is the index, the rest the JSON value; the file is rewritten in place.
 * @throws BridgeError SET_FORMAT (exit 7) for a malformed argument or value
 */
export async function runLegacySet(
  file: string | undefined,
  arg: string,
  flags: SealFlags,
  io: CliIO,
): Promise<void> {
  if (file === undefined) {
    throw new BridgeError(ErrorCode.NoFile, "no file specified", {
      hint: `e.g. sealbridge --set '["a"] "v"' app.yaml`,
    })
  }
  const cut = arg.indexOf("] ")
  if (cut === -1) {
    throw new BridgeError(ErrorCode.SetFormat, "invalid --set format", {
      hint: `write it as sops does: --set '["db"]["password"] "s3cret"'`,
    })
  }
  const node = parseSetValue(arg.slice(cut + 2))
  const steps = setPath(arg.slice(0, cut + 1).trimEnd())
  await setValue(
    file,
    steps,
    node,
    {
      ...(flags.inputType === undefined ? {} : { inputType: flags.inputType }),
      ...(flags.outputType === undefined ? {} : { outputType: flags.outputType }),
      ...(flags.ignoreMac === true ? { ignoreMac: true } : {}),
      ...(flags.decryptionOrder === undefined ? {} : { decryptionOrder: flags.decryptionOrder }),
    },
    io,
  )
}
