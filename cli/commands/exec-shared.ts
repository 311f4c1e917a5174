import { BridgeError, ErrorCode, type BackendKind } from "../../src/index.js"
import type { CliIO } from "../io.js"
import { lookupUser, type UserAccount } from "../exec-child.js"
import type { SealFlags } from "../options.js"
import { loadTarget, type Target } from "../target.js"

export interface ExecFlags {
  background?: boolean
  user?: string
  decryptionOrder?: string
  inputType?: string
  outputType?: string
}

const KEY_TYPES = new Set<string>(["age", "pgp", "kms", "gcp_kms", "azure_kv", "hc_vault", "hckms"])

/** The sealed file to run with. sops reads it without an existence check first: exit 2, not 100. */
export async function loadExecTarget(file: string, flags: ExecFlags, io: CliIO): Promise<Target> {
  const seal: SealFlags = {
    ...(flags.inputType === undefined ? {} : { inputType: flags.inputType }),
    ...(flags.outputType === undefined ? {} : { outputType: flags.outputType }),
  }
  try {
    return await loadTarget(file, seal, io, false)
  } catch (err) {
    if (err instanceof BridgeError && err.code === ErrorCode.NoFile) {
      throw new BridgeError(ErrorCode.ReadInput, `error reading file ${JSON.stringify(file)}: no such file`, {
        cause: err,
      })
    }
    throw err
  }
}

export function execDecryptionOrder(flags: ExecFlags, io: CliIO): BackendKind[] | undefined {
  const value = flags.decryptionOrder ?? io.env["SOPS_DECRYPTION_ORDER"]
  if (value === undefined || value.trim() === "") return undefined
  const kinds = value.split(",").map((s) => s.trim())
  for (const k of kinds) {
    if (!KEY_TYPES.has(k))
      throw new BridgeError(ErrorCode.Usage, `--decryption-order: unknown key type ${JSON.stringify(k)}`)
  }
  return kinds as BackendKind[]
}

/** --user: HOME, USER and LOGNAME of that account, as sops sets them. */
export async function userFor(
  flags: ExecFlags,
): Promise<{ user?: UserAccount; env: Record<string, string> }> {
  if (flags.user === undefined || flags.user === "") return { env: {} }
  const user = await lookupUser(flags.user)
  return { user, env: { HOME: user.home, USER: user.name, LOGNAME: user.name } }
}

export function warnBackground(command: string, flags: ExecFlags, io: CliIO): void {
  if (flags.background === true) {
    io.writeErr(
      `sealbridge: ${command}'s --background option is deprecated (as in sops) and will be removed\n`,
    )
  }
}
