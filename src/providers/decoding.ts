import { BridgeError, ErrorCode } from "../errors.js"
import { DecodingStrategy } from "./provider.js"

/**
 * ESO's `decodingStrategy`, with Go's encoding/base64 strictness: padding is required, only the
 * chosen alphabet is accepted and CR/LF are ignored. `Auto` tries Base64, then Base64URL, then
 * keeps the bytes as they are.
 */
export function decodeValue(value: Uint8Array, strategy: DecodingStrategy, key: string): Uint8Array {
  switch (strategy) {
    case DecodingStrategy.None:
      return value
    case DecodingStrategy.Base64:
    case DecodingStrategy.Base64Url: {
      const out = strictBase64(value, strategy === DecodingStrategy.Base64Url)
      if (out === null)
        throw new BridgeError(ErrorCode.Provider, `key ${key}: value is not valid ${strategy}`, {
          hint: "set decodingStrategy to None or Auto, or store the value encoded",
        })
      return out
    }
    case DecodingStrategy.Auto:
      return strictBase64(value, false) ?? strictBase64(value, true) ?? value
  }
}

const STD = /^[A-Za-z0-9+/]*={0,2}$/
const URL = /^[A-Za-z0-9\-_]*={0,2}$/

function strictBase64(value: Uint8Array, url: boolean): Uint8Array | null {
  const text = new TextDecoder("latin1").decode(value).replace(/[\r\n]/g, "")
  if (text.length % 4 !== 0 || !(url ? URL : STD).test(text)) return null
  return new Uint8Array(Buffer.from(text, url ? "base64url" : "base64"))
}

export function parseDecodingStrategy(raw: string | undefined, field: string): DecodingStrategy {
  if (raw === undefined || raw === "") return DecodingStrategy.None
  for (const s of Object.values(DecodingStrategy)) if (s === raw) return s
  throw new BridgeError(ErrorCode.Config, `${field}: unknown decodingStrategy ${JSON.stringify(raw)}`, {
    hint: "use one of None, Base64, Base64URL, Auto",
  })
}
