/**
 * sops parses `lastmodified` as RFC 3339 and formats it again (Go layout
 * "2006-01-02T15:04:05Z07:00": fraction dropped, offset kept, UTC as Z) before using it as
 * the MAC's AAD. Returns null when the text is not RFC 3339.
 */
export function reformatRfc3339(s: string): string | null {
  const m = /^(\d{4}-\d\d-\d\d)[Tt](\d\d:\d\d:\d\d)(\.\d+)?([Zz]|[+-]\d\d:\d\d)$/.exec(s)
  if (m === null) return null
  const [, date, time, , zone] = m
  if (date === undefined || time === undefined || zone === undefined) return null
  // Go's Z07:00 prints any zero offset as Z.
  const z = /^([Zz]|[+-]00:00)$/.test(zone) ? "Z" : zone
  return `${date}T${time}${z}`
}

/** The write time as sops stores it: UTC, seconds precision. */
export function formatLastModified(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, "Z")
}
