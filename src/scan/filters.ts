/**
 * Value filters shared by the low-structure detectors (connection URIs, the generic tier). They
 * encode the false-positive complaints from the research: lockfile hashes, SRI strings, UUIDs,
 * digests, base64 images, template variables and documentation placeholders.
 */
import { shannonEntropy } from "./entropy.js"

const PLACEHOLDER_WORDS =
  /(?:changeme|change_me|change-me|s3cr3t|passw0rd|p@ssw0rd|hunter2|example|sample|placeholder|dummy|redacted|your[_-]?|my[_-]?pass|password|passwd|secret|fixme|todo|xxx|\*\*\*|\.\.\.|foobar|insert|replace|enter[_-]|notreal|fake|lorem|<|>)/i

/** Template and indirection syntax: `${VAR}`, `$VAR`, `{{ x }}`, `%(x)s`, `#{x}`, `<x>`, `process.env.X`. */
const TEMPLATE = /(?:\$\{|^\$[A-Za-z_]|\{\{|%\(|#\{|^<.*>$|^%[sd]$|process\.env|os\.environ|getenv|\benv\.)/

export function isPlaceholder(value: string): boolean {
  if (TEMPLATE.test(value) || PLACEHOLDER_WORDS.test(value)) return true
  // one repeated character (`aaaaaaaa`, `00000000`, `********`)
  return /^(.)\1*$/.test(value)
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i
const SRI = /^sha(?:1|256|384|512)-[A-Za-z0-9+/]+={0,2}$/
const DIGEST_LENGTHS = new Set([32, 40, 56, 64, 96, 128])

/** Identifiers and digests that look random but are not secrets. */
export function isKnownNonSecret(value: string): boolean {
  if (UUID.test(value) || SRI.test(value)) return true
  if (/^[0-9a-f]+$/i.test(value) && DIGEST_LENGTHS.has(value.length)) return true // md5/sha*/git object ids
  if (/^(?:sha\d+|md5|h1|sha256):/i.test(value)) return true // go.sum, docker digests
  if (value.startsWith("data:") || value.startsWith("ENC[")) return true // inline images, sops envelopes
  if (/^(?:\.{0,2}\/|~\/)/.test(value)) return true // file paths
  if (/^[~^<>=v]{0,2}\d+(?:\.\d+){1,3}(?:[-+][\w.]+)?$/.test(value)) return true // versions, ranges
  return /^(?:true|false|null|none|undefined|nil|yes|no|[0-9.]+)$/i.test(value)
}

/**
 * A code identifier rather than a random token: `$` in it, or camelCase/PascalCase words
 * (`V1TokenRequestSpec`, `Uint8Array`). Random alphanumerics change case every ~2 characters;
 * identifiers run in words of 3+.
 */
export function isIdentifier(value: string): boolean {
  if (!/^[A-Za-z_$][A-Za-z0-9_$]*$/.test(value)) return false
  if (value.includes("$")) return true
  const words = value.split(/(?=[A-Z])|[_0-9]+/).filter((w) => w.length > 0)
  const avg = words.reduce((n, w) => n + w.length, 0) / Math.max(1, words.length)
  return avg >= 3
}

function classes(value: string): number {
  return (
    Number(/[a-z]/.test(value)) +
    Number(/[A-Z]/.test(value)) +
    Number(/[0-9]/.test(value)) +
    Number(/[^A-Za-z0-9]/.test(value))
  )
}

/**
 * Lower-case words and numbers joined by `-` `_` `/` `.` (`sb/sealbridge-hash-key`, `demo-pass-1`,
 * `plain-token-0987654321`): names, references and dummies, not generated secrets.
 */
export function isWordy(value: string): boolean {
  const parts = value.split(/[-/_.]+/).filter((p) => p.length > 0)
  if (parts.length >= 2 && parts.every((p) => /^[a-z]{2,}$/.test(p) || /^[0-9]+$/.test(p))) return true
  // header and setting names (`x-aws-ec2-metadata-token`): several lower-case words, a digit at most
  // at a word's end, words of 4+ letters on average (random lower-case runs split into short ones)
  const letters = parts.reduce((n, p) => n + p.length, 0)
  return parts.length >= 3 && parts.every((p) => /^[a-z]+[0-9]?$/.test(p)) && letters / parts.length >= 3.5
}

/**
 * Source code on the right of `=`/`:` rather than a literal: only unquoted values can be code, and
 * a literal secret in a program is quoted. Minified bundles (`a.token=this.pos`, `!!cfg.token`,
 * `x.tokens===!0`, `opts.tokenize??!0`) are the generic tier's main noise on dependency trees.
 */
const CODE = /^(?:=|!!|![A-Za-z_$][\w$]*\.|(?:function|this|new|typeof|await)\b)|\bthis\.|==|\?\?|&&|\|\||=>/
export function isCodeExpression(value: string, quote: string): boolean {
  return quote === "" && CODE.test(value)
}

/** `?Name`/`!Name`: a marker before an identifier (`"?InterpolationInJSX"` in tokenizers). */
export function isMarkedIdentifier(value: string): boolean {
  const core = value.replace(/^[?!]+/, "")
  return core !== value && isIdentifier(core)
}

/**
 * Random enough to be a credential: a digit or a password symbol (plain words, camelCase and
 * dotted identifiers are not, however high their entropy), two or more character classes, and
 * entropy close to the maximum for its length.
 */
export function looksRandom(value: string, minEntropy = 3.5): boolean {
  if (value.length < 8 || !/[0-9+/=~!@#$%^&*?]/.test(value) || classes(value) < 2) return false
  if (isIdentifier(value) || isWordy(value)) return false
  if (/^[A-Za-z_$][\w$]*(?:[?!]?\.[A-Za-z_$][\w$]*)+[?!]?$/.test(value)) return false // a?.b.c member access
  return shannonEntropy(value) >= Math.min(minEntropy, Math.log2(value.length) * 0.85)
}
