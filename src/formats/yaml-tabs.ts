import { visit, type Document } from "yaml"
import { FormatError } from "../errors.js"

/**
 * go-yaml (sops) refuses a tab at the start of a line in block context, where only spaces may
 * indent: before a comment, on an otherwise blank line, at the document's start ("found a tab
 * character that violates indentation" or "found character that cannot start any token", exit
 * 2); the yaml package reads past it. Inside a flow collection or a quoted scalar such a line is
 * fine to both. Tabs after leading spaces are left alone: go-yaml's verdict on those depends on
 * the block's indentation at that point.
 */
export function refuseLeadingTabs(docs: readonly Document.Parsed[], text: string, source: string): void {
  if (!/(?:^|\n)\t/.test(text)) return
  const allowed: (readonly [number, number])[] = []
  const inside = (node: { range?: readonly [number, number, number] | null | undefined }): void => {
    if (node.range !== undefined && node.range !== null) allowed.push([node.range[0], node.range[1]])
  }
  for (const doc of docs) {
    visit(doc, {
      Scalar: (_key, node) => {
        if (node.type === "QUOTE_DOUBLE" || node.type === "QUOTE_SINGLE") inside(node)
      },
      Map: (_key, node) => {
        if (node.flow === true) inside(node)
      },
      Seq: (_key, node) => {
        if (node.flow === true) inside(node)
      },
    })
  }
  for (let at = 0, line = 1; ; line++) {
    if (text[at] === "\t" && !allowed.some(([a, b]) => at > a && at < b))
      throw new FormatError(source, line, "invalid yaml: found a tab character that violates indentation")
    const eol = text.indexOf("\n", at)
    if (eol === -1) return
    at = eol + 1
  }
}
