import { ageRecipientOf } from "../../keys/age.js"
import type { Finding } from "../finding.js"
import { lineColumn, makeFinding } from "./make-finding.js"
import { pgpSecretKeyFingerprints } from "./pgp-fingerprint.js"
import type { GitopsContext } from "./types.js"

const AGE_KEY = /AGE-SECRET-KEY-1[02-9AC-HJ-NP-Z]{58}/g
const PGP_BLOCK = /-----BEGIN PGP PRIVATE KEY BLOCK-----[\s\S]*?-----END PGP PRIVATE KEY BLOCK-----/g

/** Age recipients and PGP fingerprints (upper-case) that any `.sops.yaml` rule seals for. */
export function configRecipients(ctx: GitopsContext): { age: Set<string>; pgp: Set<string> } {
  const age = new Set<string>()
  const pgp = new Set<string>()
  for (const c of ctx.sopsConfigs)
    for (const r of c.rules)
      for (const g of r.keyGroups)
        for (const k of g) {
          if (k.kind === "age") age.add(k.recipient)
          if (k.kind === "pgp") pgp.add(k.fingerprint.replace(/\s/g, "").toUpperCase())
        }
  return { age, pgp }
}

/**
 * A committed age or PGP private key that opens this repository's sealed files: its public half
 * is a recipient of a `.sops.yaml` creation rule.
 */
export async function checkRecipientKeys(path: string, text: string, ctx: GitopsContext): Promise<Finding[]> {
  if (!text.includes("AGE-SECRET-KEY-1") && !text.includes("PGP PRIVATE KEY BLOCK")) return []
  const { age, pgp } = configRecipients(ctx)
  if (age.size === 0 && pgp.size === 0) return []
  const out: Finding[] = []
  for (const m of text.matchAll(AGE_KEY)) {
    let recipient: string
    try {
      recipient = await ageRecipientOf(m[0])
    } catch {
      continue // bad checksum: not a key
    }
    if (age.has(recipient)) out.push(critical(path, text, m.index, m[0], `age recipient ${recipient}`))
  }
  for (const m of text.matchAll(PGP_BLOCK)) {
    const hit = pgpSecretKeyFingerprints(m[0]).find(
      (fp) => pgp.has(fp) || [...pgp].some((p) => fp.endsWith(p)),
    )
    if (hit !== undefined) out.push(critical(path, text, m.index, m[0], `PGP key ${hit}`))
  }
  return out
}

function critical(path: string, text: string, offset: number, secret: string, whose: string): Finding {
  return makeFinding({
    ruleId: "sops-recipient-private-key",
    severity: "critical",
    description: `private key of ${whose}: this key opens this repository's sealed secrets`,
    path,
    ...lineColumn(text, offset),
    secret,
  })
}
