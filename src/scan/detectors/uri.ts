import { Severity } from "../finding.js"
import { isPlaceholder } from "../filters.js"
import { regexDetector } from "./kit.js"

const SCHEMES = [
  "postgres",
  "postgresql",
  "mysql",
  "mariadb",
  "mongodb",
  "mongodb+srv",
  "redis",
  "rediss",
  "amqp",
  "amqps",
  "mssql",
  "sqlserver",
  "oracle",
  "cockroachdb",
  "clickhouse",
  "neo4j",
  "nats",
  "couchdb",
  "ldap",
  "ldaps",
  "ftp",
  "sftp",
  "smtp",
  "smtps",
]

/** Hosts that mark a local or documentation setup (drop, per the research note). */
const DOC_HOST =
  /^(?:localhost|127\.\d+\.\d+\.\d+|0\.0\.0\.0|\[?::1\]?|host|hostname|server|db|database|example\.(?:com|org|net)|.*\.example(?:\.com)?|.*\.local(?:host)?|your[-_].*)$/i

/**
 * `scheme://user:password@host`: the password is the secret. The password may hold `@` or `:`
 * (greedy up to the last `@` of the authority); the authority ends at `/`, so spans stay bounded.
 */
export const connectionUri = regexDetector({
  id: "connection-uri-password",
  severity: Severity.High,
  description: "connection URI with an embedded password",
  keywords: [...SCHEMES.map((s) => s + "://"), "jdbc:"],
  window: { before: 32, after: 600 },
  pattern: new RegExp(
    String.raw`(?<![A-Za-z0-9+.-])(?:${SCHEMES.map((s) => s.replace("+", "\\+")).join("|")}|jdbc:[a-z]{2,12})://` +
      String.raw`([^\s:@/"'\x60<>]{0,128}):([^\s/"'\x60<>]{1,256})@([A-Za-z0-9.\[\]:_-]{1,253})`,
    "gi",
  ),
  group: 2,
  check: (password, m) => {
    const host = (m[3] ?? "").replace(/:\d+$/, "")
    if (password.length < 4 || DOC_HOST.test(host)) return false
    if (
      isPlaceholder(password) ||
      /^(?:pass|pw|pwd|root|admin|test|guest|user|postgres|mysql)$/i.test(password)
    )
      return false
    return true
  },
})
