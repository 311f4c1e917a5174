import { BridgeError, ErrorCode } from "../errors.js"
import { decodeString, JsonScanError, objectEntries, raw, scanDocument } from "./json-scan.js"

/**
 * `dataFrom.extract`: a JSON object's top-level members as separate values, the way ESO does it
 * (strings unquoted; numbers, booleans, objects and arrays as their raw JSON text; null as "null"
 * is kept as its text too).
 */
export function jsonToSecretMap(value: Uint8Array, key: string): Map<string, Uint8Array> {
  const text = new TextDecoder().decode(value)
  const doc = scanDocument(text)
  if (doc?.kind !== "object")
    throw new BridgeError(ErrorCode.Provider, `key ${key}: value is not a JSON object, cannot extract keys`, {
      hint: "use data[].remoteRef for a plain value, or store the secret as a JSON object",
    })
  const out = new Map<string, Uint8Array>()
  const enc = new TextEncoder()
  try {
    for (const [k, v] of objectEntries(text, doc))
      out.set(k, enc.encode(v.kind === "string" ? decodeString(text, v) : raw(text, v)))
  } catch (err) {
    if (!(err instanceof JsonScanError)) throw err
    throw new BridgeError(ErrorCode.Provider, `key ${key}: malformed JSON`, { cause: err })
  }
  return out
}
