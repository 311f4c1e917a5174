import { KeyError, KeyFailure } from "../errors.js"
import { AgeBackend, AgeOpener, collectAgeIdentities } from "./age.js"
import { checkAgeRecipient } from "./age-recipient.js"
import type { KeyDeps } from "./deps.js"
import { lazyOpener, type KeyKind } from "./kind.js"

/** age: recipients on the encrypt side, identities from sops' sources on the decrypt side. */
export const ageKind: KeyKind<"age"> = {
  backend: (spec) => new AgeBackend(checkAgeRecipient(spec.recipient)),
  rewrap: (wrapped) => new AgeBackend(wrapped.recipient),
  opener: (deps) => lazyOpener("age", () => loadAgeOpener(deps)),
}

async function loadAgeOpener(deps: KeyDeps): Promise<AgeOpener> {
  const identities = await collectAgeIdentities({
    env: deps.env,
    userConfigDir: deps.userConfigDir,
    readFile: (p) => deps.readFile(p),
    runCommand: async (cmd, env) => {
      const r = await deps.run("sh", ["-c", cmd], { env })
      if (r.code !== 0) throw new Error(`command exited with status ${r.code}`)
      return new TextDecoder().decode(r.stdout)
    },
  })
  if (identities.length === 0) {
    throw new KeyError(
      KeyFailure.NoCredentials,
      "failed to load age identities: none found in SOPS_AGE_KEY, SOPS_AGE_KEY_FILE, SOPS_AGE_KEY_CMD or the default keys.txt",
    )
  }
  return new AgeOpener(identities)
}
