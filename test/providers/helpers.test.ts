import { RE2JS } from "re2js"
import { describe, expect, it } from "vitest"
import { ConversionStrategy, convertKey } from "../../src/providers/conversion.js"
import { decodeValue, parseDecodingStrategy } from "../../src/providers/decoding.js"
import { findMatcher } from "../../src/providers/find-match.js"
import { goReplaceAll, rewriteKeys } from "../../src/providers/rewrite.js"
import { jsonToSecretMap } from "../../src/providers/secret-map.js"

const enc = (s: string): Uint8Array => new TextEncoder().encode(s)
const dec = (b: Uint8Array): string => new TextDecoder().decode(b)

describe("decodingStrategy", () => {
  it("should decode Base64 and Base64URL strictly, like Go's encoding/base64", () => {
    expect(dec(decodeValue(enc("aGVsbG8="), "Base64", "k"))).toBe("hello")
    expect(dec(decodeValue(enc("aGVs\nbG8="), "Base64", "k"))).toBe("hello")
    expect(() => decodeValue(enc("aGVsbG8"), "Base64", "k")).toThrow(/not valid Base64/)
    expect(() => decodeValue(enc("-_8="), "Base64", "k")).toThrow()
    expect([...decodeValue(enc("-_8="), "Base64URL", "k")]).toEqual([251, 255])
    expect(() => decodeValue(enc("+/8="), "Base64URL", "k")).toThrow(/Base64URL/)
  })

  it("should try Base64, then Base64URL, then keep the value with Auto", () => {
    expect(dec(decodeValue(enc("aGVsbG8="), "Auto", "k"))).toBe("hello")
    expect([...decodeValue(enc("-_8="), "Auto", "k")]).toEqual([251, 255])
    expect(dec(decodeValue(enc("not base64!"), "Auto", "k"))).toBe("not base64!")
    expect(dec(decodeValue(enc("aGVsbG8="), "None", "k"))).toBe("aGVsbG8=")
  })

  it("should parse the field and refuse unknown strategies", () => {
    expect(parseDecodingStrategy(undefined, "f")).toBe("None")
    expect(parseDecodingStrategy("Base64URL", "f")).toBe("Base64URL")
    expect(() => parseDecodingStrategy("base64", "spec.data[0].remoteRef.decodingStrategy")).toThrow(
      /spec\.data\[0\]\.remoteRef\.decodingStrategy/,
    )
  })
})

describe("rewrite regexp (Go ReplaceAllString semantics)", () => {
  const re = (p: string): RE2JS => RE2JS.compile(p)

  it("should expand $1, ${1} and named groups as Go does", () => {
    expect(goReplaceAll(re("^db-(.*)$"), "db-password", "DB_$1")).toBe("DB_password")
    expect(goReplaceAll(re("^(?P<env>[a-z]+)/(.*)$"), "prod/key", "${env}_${2}")).toBe("prod_key")
    // Go reads "$1x" as the group named "1x", which does not exist.
    expect(goReplaceAll(re("(a)"), "a", "$1x")).toBe("")
    expect(goReplaceAll(re("a"), "a", "$$")).toBe("$")
  })

  it("should skip an empty match right after a previous match", () => {
    expect(goReplaceAll(re("a*"), "baaac", "X")).toBe("XbXcX")
    expect(goReplaceAll(re(""), "ab", "-")).toBe("-a-b-")
  })

  it("should apply rewrites in order to every key (ESO docs example)", () => {
    const map = new Map([
      ["app/db-password", 1],
      ["app/api-key", 2],
    ])
    const out = rewriteKeys(map, [
      { source: "app/(.*)", target: "$1" },
      { source: "-", target: "_" },
    ])
    expect([...out.keys()]).toEqual(["db_password", "api_key"])
  })

  it("should name the field of an invalid RE2 pattern", () => {
    expect(() => rewriteKeys(new Map([["a", 1]]), [{ source: "(?=x)", target: "" }])).toThrow(
      /rewrite\[0\]\.regexp\.source/,
    )
  })
})

describe("find matcher", () => {
  it("should match name regexp unanchored, path prefix and all tags", () => {
    const m = findMatcher({ path: "team/", name: "db-.*", tags: { env: "prod" } })
    expect(m.matches("team/db-main", { env: "prod", x: "y" })).toBe(true)
    expect(m.matches("team/db-main", { env: "dev" })).toBe(false)
    expect(m.matches("other/db-main", { env: "prod" })).toBe(false)
    expect(m.matches("team/cache", { env: "prod" })).toBe(false)
    expect(findMatcher({ name: "^exact$" }).matches("exact")).toBe(true)
  })
})

describe("extract and key conversion", () => {
  it("should split a JSON object keeping non-string members as raw JSON", () => {
    const out = jsonToSecretMap(enc('{"user":"admin","port":5432,"opts":{"a": [1, 2]},"on":true}'), "k")
    expect(Object.fromEntries([...out].map(([k, v]) => [k, dec(v)]))).toEqual({
      user: "admin",
      port: "5432",
      opts: '{"a": [1, 2]}',
      on: "true",
    })
    expect(() => jsonToSecretMap(enc("[1,2]"), "list/key")).toThrow(/list\/key: value is not a JSON object/)
  })

  it("should convert invalid key characters like ESO's Default and Unicode strategies", () => {
    expect(convertKey("team/db password")).toBe("team_db_password")
    expect(convertKey("a/é", ConversionStrategy.Unicode)).toBe("a_U002f__U00e9_")
  })
})
