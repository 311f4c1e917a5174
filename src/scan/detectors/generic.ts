import { Severity } from "../finding.js"
import {
  isCodeExpression,
  isKnownNonSecret,
  isMarkedIdentifier,
  isPlaceholder,
  looksRandom,
} from "../filters.js"
import { regexDetector } from "./kit.js"

const NAMES = [
  "password",
  "passwd",
  "pwd",
  "secret",
  "token",
  "api_key",
  "apikey",
  "api-key",
  "access_key",
  "accesskey",
  "auth_key",
  "private_key",
  "credential",
  "client_secret",
]

/** Key-name endings that name metadata about a secret, not the secret itself. */
const NOT_A_SECRET_NAME =
  /(?:name|type|id|ids|file|path|ref|refs|url|uri|env|length|len|size|policy|min|max|required|field|label|placeholder|hint|pattern|regex|format|hash|count|mode|version|prefix|suffix|header|param|key_?ref|selector|provider|endpoint|expir\w*|ttl|store|manager|kind)["']?$/i

/**
 * Values carrying an issuer prefix belong to the specific detectors, which check length, alphabet
 * and checksum; if none of them reported it, it is a look-alike (gitleaks flags those generically).
 */
const ISSUER_PREFIX =
  /^(?:gh[pousr]_|github_pat_|npm_|gl[a-z]{1,6}-|glsa_|glc_|AT(?:ATT3|BB)|A(?:KIA|SIA|BIA|CCA)|AIza|GOCSPX-|xox[a-z.]|xapp-|[sr]k_(?:live|test)_|whsec_|sk-|AGE-SECRET-KEY-|eyJ|SG\.|hf_|api_org_|do[por]_v1_|hv[sb]\.|dapi|dp\.pt\.|dckr_|shp[a-z]{2}_|sntry[us]_|PMAK-|pul-|rubygems_|lin_api_|HRKU-|NRAK-|dt0c01\.|ops_|pypi-|LS0tLS1)/

/**
 * The lower-severity generic tier: a secret-like name assigned (`=`, `:`, `:=`, `=>`) a value that
 * looks random. Values that are placeholders, templates, references, UUIDs, digests, SRI strings,
 * inline images or sops envelopes are skipped.
 */
export const genericSecret = regexDetector({
  id: "generic-secret",
  severity: Severity.Low,
  description: "high-entropy value assigned to a secret-like name",
  keywords: NAMES,
  window: { before: 48, after: 400 },
  pattern:
    /((?:password|passwd|pwd|secret|token|api[_-]?key|access[_-]?key|auth[_-]?key|private[_-]?key|credential|client[_-]?secret)[A-Za-z0-9_.-]{0,30}["']?)[ \t]{0,4}(?::=|=>|=|:)[ \t]{0,4}(["'`]?)([A-Za-z0-9+/=_.~!@#$%^&*?-]{8,256})\2(?=[\s"'`,;)}\]]|$)/gi,
  group: 3,
  check: (value, m, text) => {
    const name = m[1] ?? ""
    if (NOT_A_SECRET_NAME.test(name)) return false
    // URL query parameters (badge tokens) and doc-comment examples (` * secret: "…"`) are noise here
    const lineStart = text.lastIndexOf("\n", m.index) + 1
    const before = text.slice(lineStart, m.index)
    if (/[?&][\w-]*$/.test(before) || /^\s*(?:\*|\/\*\*)/.test(before)) return false
    if (ISSUER_PREFIX.test(value) || isPlaceholder(value) || isKnownNonSecret(value)) return false
    if (isCodeExpression(value, m[2] ?? "") || isMarkedIdentifier(value)) return false
    return looksRandom(value)
  },
})
