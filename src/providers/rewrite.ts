import { RE2JS } from "re2js"
import { BridgeError, ErrorCode } from "../errors.js"

/** `dataFrom[].rewrite[].regexp`: ESO applies `regexp.ReplaceAllString(key, target)` to every key. */
export interface RegexpRewrite {
  readonly source: string
  readonly target: string
}

export function compileRe2(pattern: string, field: string): RE2JS {
  try {
    return RE2JS.compile(pattern)
  } catch (err) {
    throw new BridgeError(ErrorCode.Config, `${field}: invalid RE2 regular expression`, {
      cause: err,
      hint: "the syntax is Go's regexp (RE2): no lookaround or backreferences",
    })
  }
}

export function rewriteKeys<V>(
  map: ReadonlyMap<string, V>,
  rewrites: readonly RegexpRewrite[],
): Map<string, V> {
  let cur = new Map(map)
  rewrites.forEach((rw, i) => {
    const re = compileRe2(rw.source, `rewrite[${i}].regexp.source`)
    const next = new Map<string, V>()
    for (const [k, v] of cur) next.set(goReplaceAll(re, k, rw.target), v)
    cur = next
  })
  return cur
}

/**
 * Go's Regexp.ReplaceAllString: non-overlapping matches, an empty match right after a previous
 * match is not replaced, and `$1`/`${1}`/`$name`/`${name}` expand as Go does (a name is the
 * longest run of letters, digits and `_`, so `$1x` means group "1x"; unknown groups expand to "").
 */
export function goReplaceAll(re: RE2JS, src: string, template: string): string {
  const m = re.matcher(src)
  let out = ""
  let lastMatchEnd = 0
  let searchPos = 0
  while (searchPos <= src.length && m.find(searchPos)) {
    const a = m.start()
    const b = m.end()
    out += src.slice(lastMatchEnd, a)
    if (b > lastMatchEnd || a === 0) out += expand(template, (g) => groupText(re, m, g))
    lastMatchEnd = b
    const width = searchPos < src.length ? String.fromCodePoint(src.codePointAt(searchPos) ?? 0).length : 1
    searchPos = searchPos + width > b ? searchPos + width : searchPos + 1 > b ? searchPos + 1 : b
  }
  return out + src.slice(lastMatchEnd)
}

type M = ReturnType<RE2JS["matcher"]>

function groupText(re: RE2JS, m: M, name: string): string {
  if (/^\d+$/.test(name)) {
    const n = Number(name)
    return n <= re.groupCount() ? (m.group(n) ?? "") : ""
  }
  return name in re.namedGroups() ? (m.group(name) ?? "") : ""
}

function expand(template: string, group: (name: string) => string): string {
  let out = ""
  for (let i = 0; i < template.length; i++) {
    const c = template[i]
    if (c !== "$") {
      out += c
      continue
    }
    const rest = template.slice(i + 1)
    if (rest.startsWith("$")) {
      out += "$"
      i++
      continue
    }
    const braced = /^\{([A-Za-z0-9_]+)\}/.exec(rest)
    const bare = /^[A-Za-z0-9_]+/.exec(rest)
    if (braced !== null) {
      out += group(braced[1] ?? "")
      i += braced[0].length
    } else if (bare !== null) {
      out += group(bare[0])
      i += bare[0].length
    } else {
      out += "$"
    }
  }
  return out
}
