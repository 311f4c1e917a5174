import { FormatError } from "../errors.js"
import {
  comment,
  entry,
  map,
  str,
  type Branch,
  type MapItem,
  type MapNode,
  type Scalar,
} from "../tree/node.js"
import { flattenMetadata, unflattenMetadata } from "./flatten.js"
import type { Format, SealedFile } from "./format.js"
import { scalarText } from "../tree/scalar-text.js"

const utf8 = new TextEncoder()
// The byte-order mark stays: sops' dotenv store reads it as part of the first line.
const decoder = new TextDecoder("utf-8", { ignoreBOM: true })
/** The key prefix of the flattened metadata entries. */
export const DOTENV_PREFIX = "sops_"
const PREFIX = DOTENV_PREFIX

/** dotenv as sops reads it (spec §6.5): no quoting, `\n` escapes, `#` comment lines. */
export function parseDotenv(input: Uint8Array, source: string): Branch {
  const items: MapItem[] = []
  const lines = decoder.decode(input).split("\n")
  for (const [i, line] of lines.entries()) {
    if (line === "") continue
    if (line.startsWith("#")) {
      items.push(comment(line.slice(1)))
      continue
    }
    const eq = line.indexOf("=")
    if (eq === -1) throw missingEquals(source, i + 1, i === 0 && line.startsWith("\ufeff"))
    items.push(entry(line.slice(0, eq), str(line.slice(eq + 1).replaceAll("\\n", "\n"))))
  }
  return map(items)
}

function missingEquals(source: string, line: number, bom: boolean): FormatError {
  if (!bom) return new FormatError(source, line, 'invalid dotenv line: missing "="')
  // A comment or blank first line after a BOM is not one to sops either: it is refused the same way.
  return new FormatError(
    source,
    line,
    'invalid dotenv line: missing "=" (it starts with a UTF-8 byte-order mark)',
    {
      column: 1,
      hint: "save the file as UTF-8 without a byte-order mark (sops reads it as part of the first line)",
    },
  )
}

/** A comment line as the dotenv writer writes it. */
export const dotenvComment = (text: string): string => `#${text}\n`

/** An entry line as the dotenv writer writes it (a newline in the value as `\n`). */
export const dotenvEntry = (key: string, value: Scalar): string =>
  `${key}=${scalarText(value).replaceAll("\n", "\\n")}\n`

function emit(branch: Branch | undefined): string {
  let out = ""
  for (const it of branch?.items ?? []) {
    if (it.kind === "comment") {
      out += dotenvComment(it.text)
      continue
    }
    if (it.value.kind !== "scalar") {
      throw new FormatError("dotenv", undefined, `cannot write nested value ${it.key} in dotenv format`)
    }
    out += dotenvEntry(it.key, it.value.value)
  }
  return out
}

export const dotenvFormat: Format = {
  name: "dotenv",
  flat: true,
  parse: (input, source) => [parseDotenv(input, source)],
  emit: (branches) => utf8.encode(emit(branches[0])),
  emitValue: (node) => {
    // sops' dotenv store emits strings only (an --extract of a number fails, exit 4).
    if (node.kind !== "scalar" || (node.value.kind !== "string" && node.value.kind !== "bytes"))
      throw new FormatError("dotenv", undefined, "the dotenv store only supports emitting strings")
    return utf8.encode(scalarText(node.value))
  },
  parseSealed: (input, source): SealedFile => {
    const branch = parseDotenv(input, source)
    const pairs: [string, string][] = []
    const data: MapItem[] = []
    for (const it of branch.items) {
      if (it.kind === "entry" && it.key.startsWith(PREFIX) && it.value.kind === "scalar") {
        pairs.push([it.key.slice(PREFIX.length), scalarText(it.value.value)])
      } else {
        data.push(it)
      }
    }
    return { branches: [map(data)], metadata: pairs.length === 0 ? null : unflattenMetadata(pairs, source) }
  },
  emitSealed: (branches, metadata: MapNode) => {
    const meta = flattenMetadata(metadata, PREFIX).map(([k, v]) => entry(k, str(v)))
    return utf8.encode(emit(map([...(branches[0]?.items ?? []), ...meta])))
  },
  hasMetadata: (branches) =>
    (branches[0]?.items ?? []).some((it) => it.kind === "entry" && it.key.startsWith(PREFIX)),
}
