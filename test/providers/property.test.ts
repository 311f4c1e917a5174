import { describe, expect, it } from "vitest"
import { BridgeError } from "../../src/errors.js"
import { extractProperty, goNumberString, lookupProperty } from "../../src/providers/property.js"

// The gjson README's example document, plus cases ESO users write.
const doc = `{
  "name": {"first": "Tom", "last": "Anderson"},
  "age":37,
  "children": ["Sara","Alex","Jack"],
  "fav.movie": "Deer Hunter",
  "friends": [
    {"first": "Dale", "last": "Murphy", "age": 44, "nets": ["ig", "fb", "tw"]},
    {"first": "Roger", "last": "Craig", "age": 68, "nets": ["fb", "tw"]},
    {"first": "Jane", "last": "Murphy", "age": 47, "nets": ["ig", "tw"]}
  ],
  "big": 12345678901234567890,
  "ratio": 1.50,
  "tiny": 1e-7,
  "huge": 1e21,
  "flag": true,
  "nothing": null,
  "tls.crt": "CERT",
  "tls": {"crt": "NESTED"}
}`

describe("property (gjson paths as ESO uses them)", () => {
  it.each([
    ["name.last", "Anderson"],
    ["age", "37"],
    ["children", '["Sara","Alex","Jack"]'],
    ["children.#", "3"],
    ["children.1", "Alex"],
    ["child*.2", "Jack"],
    ["c?ildren.0", "Sara"],
    ["fav\\.movie", "Deer Hunter"],
    ["friends.#.first", '["Dale","Roger","Jane"]'],
    ["friends.1.last", "Craig"],
    ["friends.0.nets.2", "tw"],
    ["name", '{"first": "Tom", "last": "Anderson"}'],
    ["big", "12345678901234567890"],
    ["ratio", "1.5"],
    ["tiny", "0.0000001"],
    ["huge", "1000000000000000000000"],
    ["flag", "true"],
    ["nothing", ""],
  ])("should resolve %s", (path, want) => {
    expect(lookupProperty(doc, path)).toBe(want)
  })

  it("should prefer a literal key containing dots over the nested path, as ESO does", () => {
    expect(lookupProperty(doc, "tls.crt")).toBe("CERT")
    expect(lookupProperty('{"tls": {"crt": "NESTED"}}', "tls.crt")).toBe("NESTED")
  })

  it("should report missing paths and non-JSON values as absent", () => {
    expect(lookupProperty(doc, "name.middle")).toBeUndefined()
    expect(lookupProperty(doc, "children.5")).toBeUndefined()
    expect(lookupProperty("plain text", "a")).toBeUndefined()
    expect(lookupProperty('{"a": 1', "a")).toBeUndefined()
  })

  it("should throw a BridgeError naming key and property but not the value", () => {
    const err = (() => {
      try {
        extractProperty(new TextEncoder().encode('{"user":"s3cr3t"}'), "password", "db/creds")
      } catch (e) {
        return e
      }
      return null
    })()
    expect(err).toBeInstanceOf(BridgeError)
    expect((err as BridgeError).code).toBe("PROVIDER")
    expect((err as BridgeError).message).toContain("db/creds")
    expect((err as BridgeError).message).toContain("password")
    expect((err as BridgeError).message).not.toContain("s3cr3t")
  })

  it("should refuse gjson queries and modifiers it does not implement", () => {
    expect(() => lookupProperty(doc, 'friends.#(last=="Murphy").first')).toThrow(/not supported/)
    expect(() => lookupProperty(doc, "children|@reverse")).toThrow(/not supported/)
  })

  it("should print numbers the way Go's FormatFloat(f, 'f', -1) does", () => {
    expect(goNumberString("-42")).toBe("-42")
    expect(goNumberString("2.50e2")).toBe("250")
    expect(goNumberString("-1.25e-3")).toBe("-0.00125")
  })
})
