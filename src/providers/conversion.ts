/**
 * ESO's `conversionStrategy` for keys from `dataFrom` (Secret keys allow only `[-._a-zA-Z0-9]`):
 * `Default` replaces every other character by "_"; `Unicode` by `_U<4 hex>_`.
 */
export const ConversionStrategy = { Default: "Default", Unicode: "Unicode" } as const
export type ConversionStrategy = (typeof ConversionStrategy)[keyof typeof ConversionStrategy]

const INVALID = /[^-._a-zA-Z0-9]/gu

export function convertKey(key: string, strategy: ConversionStrategy = ConversionStrategy.Default): string {
  if (strategy === ConversionStrategy.Default) return key.replace(INVALID, "_")
  return key.replace(INVALID, (c) => `_U${(c.codePointAt(0) ?? 0).toString(16).padStart(4, "0")}_`)
}

export function convertKeys<V>(
  map: ReadonlyMap<string, V>,
  strategy: ConversionStrategy = ConversionStrategy.Default,
): Map<string, V> {
  const out = new Map<string, V>()
  for (const [k, v] of map) out.set(convertKey(k, strategy), v)
  return out
}
