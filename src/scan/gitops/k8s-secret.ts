import { isMap, isPair, isScalar, LineCounter, parseAllDocuments, type Document, type YAMLMap } from "yaml"
import type { Finding } from "../finding.js"
import { looksSealed } from "./envelope-check.js"
import { makeFinding, redactSecret } from "./make-finding.js"
import type { DetectFn, TextRange } from "./types.js"

/** Kinds that carry secrets only sealed or by reference. */
export const SAFE_SECRET_KINDS: ReadonlySet<string> = new Set([
  "SealedSecret",
  "ExternalSecret",
  "SopsSecret",
])
const PREFILTER = /^kind:[ \t]*["']?(?:Secret|SealedSecret)\b/m
// Template or substitution placeholders are filled at deploy time: not a committed value.
const PLACEHOLDER = /^\s*(?:\{\{.*\}\}|\$\{[^}]+\}|\$\([^)]+\)|<[^>]+>)\s*$/s

export interface K8sResult {
  readonly findings: Finding[]
  /** SealedSecret `encryptedData` values: ciphertext the text detectors must not report. */
  readonly sealedRanges: TextRange[]
}

/**
 * `kind: Secret` documents with non-empty `data` or `stringData`: base64 is not encryption.
 * Each key is reported; `data` values are decoded and run through the detectors too, so a
 * token hidden in base64 is named. Sealed files are left to the sops checks.
 */
export function checkK8sSecrets(path: string, text: string, detect: DetectFn): K8sResult {
  const out: K8sResult = { findings: [], sealedRanges: [] }
  if (!PREFILTER.test(text)) return out
  const lines = new LineCounter()
  let docs: Document.Parsed[]
  try {
    docs = parseAllDocuments(text, {
      lineCounter: lines,
      uniqueKeys: false,
      strict: false,
    }) as Document.Parsed[]
  } catch {
    return out
  }
  if (!Array.isArray(docs)) return out
  for (const doc of docs) {
    if (doc.errors.length > 0 || !isMap(doc.contents)) continue
    const kind = scalarOf(doc.contents, "kind")
    if (kind === "SealedSecret")
      out.sealedRanges.push(...valueRanges(doc.contents, ["spec", "encryptedData"]))
    if (kind !== "Secret") continue
    const name = scalarOf(mapOf(doc.contents, "metadata"), "name") ?? "(unnamed)"
    for (const field of ["data", "stringData"] as const) {
      const m = mapOf(doc.contents, field)
      if (m === null) continue
      for (const pair of m.items) {
        if (!isPair(pair) || !isScalar(pair.key) || !isScalar(pair.value)) continue
        const key = String(pair.key.value)
        const raw: unknown = pair.value.value
        if (typeof raw !== "string" && typeof raw !== "number" && typeof raw !== "boolean") continue
        const value = String(raw)
        if (value === "" || looksSealed(value) || PLACEHOLDER.test(value)) continue
        const offset = pair.value.range?.[0] ?? 0
        const pos = lines.linePos(offset)
        const decoded = field === "data" ? Buffer.from(value, "base64").toString("utf8") : value
        out.findings.push(
          makeFinding({
            ruleId: "k8s-secret-plaintext",
            severity: "high",
            description: `Secret ${name} ${field}.${key} holds a plaintext value (${field === "data" ? "base64 is not encryption" : "stringData is plaintext"}); seal it or use a SealedSecret/ExternalSecret`,
            path,
            line: pos.line,
            column: pos.col,
            secret: `${name}:${field}.${key}:${value}`,
            shown: redactSecret(decoded),
          }),
        )
        if (field === "data") {
          for (const f of detect(decoded, path))
            out.findings.push({
              ...f,
              line: pos.line,
              column: pos.col,
              description: `${f.description} (base64-decoded from Secret ${name} data.${key})`,
            })
        }
      }
    }
  }
  return out
}

function mapOf(m: YAMLMap | null, key: string): YAMLMap | null {
  const v: unknown = m?.get(key, true)
  return isMap(v) ? v : null
}

function scalarOf(m: YAMLMap | null, key: string): string | null {
  const v: unknown = m?.get(key, true)
  return isScalar(v) && typeof v.value === "string" ? v.value : null
}

function valueRanges(root: YAMLMap, path: readonly string[]): TextRange[] {
  let m: YAMLMap | null = root
  for (const k of path) m = mapOf(m, k)
  if (m === null) return []
  const out: TextRange[] = []
  for (const pair of m.items) {
    if (isPair(pair) && isScalar(pair.value) && pair.value.range !== undefined && pair.value.range !== null)
      out.push({ start: pair.value.range[0], end: pair.value.range[1] })
  }
  return out
}
