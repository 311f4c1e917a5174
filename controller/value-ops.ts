import { convertKeys, decodeValue, extractProperty, rewriteKeys } from "../src/index.js"
import type { ValueOps } from "./fetch.js"

/**
 * The ESO value helpers of src/providers: gjson-style `property`, `decodingStrategy`, and
 * `rewrite` (RE2, Go's `$1` templates). Without rewrite rules, key names are converted the way
 * ESO's Default conversion does (invalid characters become `_`), so `find` results such as
 * `app/db` land as `app_db`.
 */
export const esoValueOps: ValueOps = {
  property: (value, path, source) => new TextEncoder().encode(extractProperty(value, path, source)),
  decode: (value, strategy, source) => decodeValue(value, strategy, source),
  rewrite: (data, rules) =>
    rules.length === 0
      ? convertKeys(data)
      : rewriteKeys(
          data,
          rules.map((r) => r.regexp),
        ),
}
