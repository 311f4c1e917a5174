import { Parser, type CST } from "yaml"
import { FormatError } from "../errors.js"

/**
 * Deeper YAML is refused. go-yaml stops at 10,000 levels, but the `yaml` package's composer
 * overflows the stack near 1,000 flow levels (less inside a deep call stack); the CST reader
 * hands over at 500 too. No secrets file comes near it.
 */
export const MAX_YAML_DEPTH = 500

/**
 * Refuses YAML nested deeper than {@link MAX_YAML_DEPTH} before the `yaml` package composes it:
 * its composer recurses per level, so a nesting bomb (`[[[[…` or `- - - …`) costs seconds and
 * ends in a stack overflow, and V8 can even abort the process when that overflow lands in its
 * regexp compiler. The CST parser is iterative; this walks its tokens with an explicit stack.
 * @throws FormatError naming `source`
 */
export function assertYamlDepth(text: string, source: string): void {
  const stack: [CST.Token | undefined, number][] = []
  for (const token of new Parser().parse(text)) {
    if (token.type === "document") stack.push([token.value, 0])
  }
  for (let next = stack.pop(); next !== undefined; next = stack.pop()) {
    const [token, depth] = next
    if (token === undefined) continue
    if (token.type !== "block-map" && token.type !== "block-seq" && token.type !== "flow-collection") continue
    if (depth + 1 > MAX_YAML_DEPTH)
      throw new FormatError(source, undefined, `yaml nested deeper than ${String(MAX_YAML_DEPTH)} levels`)
    for (const item of token.items) {
      if ("key" in item) stack.push([item.key ?? undefined, depth + 1])
      stack.push([item.value, depth + 1])
    }
  }
}
