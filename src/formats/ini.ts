import { FormatError } from "../errors.js"
import { entry, map, str, type Branch, type MapItem, type MapNode } from "../tree/node.js"
import { flattenMetadata, unflattenMetadata } from "./flatten.js"
import type { Format, SealedFile } from "./format.js"
import { emitIni } from "./ini-emit.js"
import { parseIni } from "./ini-parse.js"
import { scalarText } from "../tree/scalar-text.js"

const utf8 = new TextEncoder()
const decoder = new TextDecoder()

const isSops = (it: MapItem): boolean => it.kind === "entry" && it.key === "sops"

/** INI as sops' go-ini store reads and writes it; metadata is a flattened `[sops]` section. */
export const iniFormat: Format = {
  name: "ini",
  flat: true,
  parse: (input, source) => [parseIni(decoder.decode(input), source)],
  emit: (branches) => utf8.encode(emitIni(branches[0])),
  emitValue: (node) => {
    if (node.kind !== "scalar")
      throw new FormatError("ini", undefined, "cannot write a nested value on its own in ini format")
    return utf8.encode(scalarText(node.value))
  },
  parseSealed: (input, source): SealedFile => {
    const branch = parseIni(decoder.decode(input), source)
    // Sections may repeat (as sops reads them); two [sops] sections is sops' "duplicate" error.
    if (branch.items.filter(isSops).length > 1)
      throw new FormatError(source, undefined, "more than one sops metadata entry")
    const meta = branch.items.find(isSops)
    if (meta === undefined || meta.kind !== "entry" || meta.value.kind !== "map")
      return { branches: [branch], metadata: null }
    const pairs: [string, string][] = []
    for (const it of meta.value.items) {
      // sops writes newlines in metadata values as the two characters \n.
      if (it.kind === "entry" && it.value.kind === "scalar")
        pairs.push([it.key, scalarText(it.value.value).replaceAll("\\n", "\n")])
    }
    const data: Branch = map(branch.items.filter((it) => !isSops(it)))
    return { branches: [data], metadata: unflattenMetadata(pairs, source) }
  },
  emitSealed: (branches, metadata: MapNode) => {
    const pairs = flattenMetadata(metadata, "").map(([k, v]) => entry(k, str(v.replaceAll("\n", "\\n"))))
    return utf8.encode(emitIni(map([...(branches[0]?.items ?? []), entry("sops", map(pairs))])))
  },
  hasMetadata: (branches) => (branches[0]?.items ?? []).some(isSops),
}
