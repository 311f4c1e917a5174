/**
 * A message for logs and status that is safe to print: the error's own message (ours never hold
 * values), with anything that looks like key material or a long base64/hex run masked, because
 * vendor and library errors sometimes echo what they were given.
 */
export function safeMessage(err: unknown): string {
  const raw =
    err instanceof Error ? `${err.name === "Error" ? "" : err.name + ": "}${err.message}` : String(err)
  return redact(raw)
}

const PATTERNS: readonly RegExp[] = [
  /AGE-SECRET-KEY-1[0-9A-Z]+/g,
  /-----BEGIN [A-Z ]+-----[\s\S]*?-----END [A-Z ]+-----/g,
  /\b[A-Za-z0-9+/]{40,}={0,2}/g,
  /\b[0-9a-fA-F]{48,}\b/g,
]

export function redact(text: string): string {
  let out = text
  for (const re of PATTERNS) out = out.replace(re, "[redacted]")
  return out
}
