import type { Finding } from "../finding.js"
import { makeFinding } from "./make-finding.js"

// `.name.<12 hex>.tmp` is what the atomic writer names its temp file; `sealbridge-tmp` and
// `sealbridge-edit-` cover the recognisable names the hardening work gives leftovers.
const TEMP_NAMES: readonly RegExp[] = [/^\..+\.[0-9a-f]{12}\.tmp$/, /sealbridge-tmp/, /^sealbridge-edit-/]

/**
 * A sealbridge temp file left behind by an interrupted write may hold the whole plaintext of a
 * sealed file: flag it by name, whatever it contains.
 */
export function checkTempFile(path: string): Finding | null {
  const parts = path.split("/")
  const name = parts[parts.length - 1] ?? ""
  const inEditDir = parts.some((p) => /^sealbridge-edit-/.test(p))
  if (!inEditDir && !TEMP_NAMES.some((re) => re.test(name))) return null
  return makeFinding({
    ruleId: "sealbridge-temp-file",
    severity: "high",
    description:
      "leftover sealbridge temp file: it may hold decrypted plaintext; delete it, do not commit it",
    path,
    line: 1,
    column: 1,
    secret: "sealbridge-temp-file",
    shown: "",
  })
}
