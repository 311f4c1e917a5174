/**
 * A master key as named in `.sops.yaml` or on the command line, before any backend exists for it.
 * The CLI turns these into `KeyBackend`s; types without a backend yet are refused there.
 */
export type KeySpec =
  | { readonly kind: "age"; readonly recipient: string }
  | {
      readonly kind: "kms"
      readonly arn: string
      readonly role?: string
      readonly context?: Readonly<Record<string, string>>
      readonly awsProfile?: string
    }
  | { readonly kind: "hc_vault"; readonly uri: string }
  | { readonly kind: "pgp"; readonly fingerprint: string }
  | { readonly kind: "gcp_kms"; readonly resourceId: string }
  | { readonly kind: "azure_kv"; readonly url: string }

/** Splits sops' comma-separated key lists: items trimmed, empties dropped. */
export function splitKeyList(value: string): string[] {
  return value
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s !== "")
}

/**
 * `arn[+roleArn]` entries as sops accepts them in `--kms` and `kms:` strings (spaces removed; the
 * role starts at `+arn:aws:iam::`, as in sops).
 */
export function parseKmsList(
  value: string,
  awsProfile?: string,
  context?: Readonly<Record<string, string>>,
): KeySpec[] {
  return splitKeyList(value.replace(/ /g, "")).map((item) => {
    const plus = item.indexOf("+arn:aws:iam::")
    const arn = plus === -1 ? item : item.slice(0, plus)
    const role = plus === -1 ? undefined : item.slice(plus + 1)
    return {
      kind: "kms",
      arn,
      ...(role === undefined ? {} : { role }),
      ...(context === undefined ? {} : { context }),
      ...(awsProfile === undefined || awsProfile === "" ? {} : { awsProfile }),
    }
  })
}

/**
 * `--encryption-context k1:v1,k2:v2` as sops parses it: pairs split on "," and ":" with no
 * trimming; null when any pair is not exactly `key:value` (sops exits 6 for that).
 */
export function parseEncryptionContext(value: string): Record<string, string> | null {
  const out: Record<string, string> = {}
  for (const pair of value.split(",")) {
    const kv = pair.split(":")
    if (kv.length !== 2) return null
    out[kv[0] ?? ""] = kv[1] ?? ""
  }
  return out
}

/** Printable id for messages and de-duplication. */
export function keySpecId(spec: KeySpec): string {
  switch (spec.kind) {
    case "age":
      return spec.recipient
    case "kms":
      return spec.arn + (spec.role === undefined ? "" : `+${spec.role}`)
    case "hc_vault":
      return spec.uri
    case "pgp":
      return spec.fingerprint
    case "gcp_kms":
      return spec.resourceId
    case "azure_kv":
      return spec.url
  }
}
