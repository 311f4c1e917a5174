import {
  AgeBackend,
  AgeOpener,
  BridgeError,
  collectAgeIdentities,
  ErrorCode,
  keySpecId,
  type KeyBackend,
  type KeyOpener,
  type KeySpec,
  type WrappedKey,
} from "../src/index.js"
import type { CliIO } from "./io.js"
import { userConfigDir } from "./user-config-dir.js"

/** Turns key specs into backends that can wrap a data key. @throws CONFIG for types not available yet */
export function backendsFor(groups: readonly (readonly KeySpec[])[]): KeyBackend[][] {
  return groups.map((group) => group.map(backendFor))
}

function backendFor(spec: KeySpec): KeyBackend {
  if (spec.kind === "age") return new AgeBackend(spec.recipient)
  throw new BridgeError(
    ErrorCode.Config,
    `${spec.kind} key ${keySpecId(spec)}: this key type is not supported yet`,
    {
      hint: "use an age recipient (sealbridge keygen makes one)",
    },
  )
}

/**
 * The openers a decrypt tries. Age identities are gathered on first use only, so a file sealed
 * with other key types never runs SOPS_AGE_KEY_CMD.
 */
export function openersFor(io: CliIO): KeyOpener[] {
  let opener: Promise<AgeOpener> | undefined
  const load = async (): Promise<AgeOpener> => {
    const identities = await collectAgeIdentities({
      env: io.env,
      userConfigDir: userConfigDir(io),
      readFile: async (p) => (io.exists(p) ? new TextDecoder().decode(await io.readFile(p)) : null),
      runCommand: (cmd, env) => io.runCommand(cmd, env),
    })
    if (identities.length === 0) {
      throw new BridgeError(
        ErrorCode.KeyBackend,
        "failed to load age identities: none found in SOPS_AGE_KEY, SOPS_AGE_KEY_FILE, SOPS_AGE_KEY_CMD or the default keys.txt",
      )
    }
    return new AgeOpener(identities)
  }
  const age: KeyOpener = {
    kind: "age",
    unwrap: async (wrapped: WrappedKey, opts) => {
      if (wrapped.kind !== "age") return null
      opener ??= load()
      return (await opener).unwrap(wrapped, opts)
    },
  }
  return [age]
}
