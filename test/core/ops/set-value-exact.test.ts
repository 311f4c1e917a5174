import { describe, expect, it } from "vitest"
import type { ExtractStep } from "../../../src/ops/extract.js"
import { parseSetValue, setAt, unsetAt } from "../../../src/ops/set-value.js"
import {
  bool,
  comment,
  entry,
  float,
  int,
  list,
  map,
  nul,
  str,
  type TreeNode,
} from "../../../src/tree/node.js"
import { bridgeErrorOf } from "../../helpers/error-of.js"

// `set` / `unset` in-process (issue 8, mutation testing of src/ops): the JSON value as sops 3.13.2
// reads it (Go's encoding/json first, then its JSON store for objects and arrays), and the tree
// edit as sops' TreeBranch.Set / Unset, each with the exact tree or the exact error.

const key = (k: string): ExtractStep => ({ kind: "key", key: k })
const idx = (i: number): ExtractStep => ({ kind: "index", index: i })

describe("parseSetValue", () => {
  it.each<[string, TreeNode]>([
    ['"s3cret"', str("s3cret")],
    ['""', str("")],
    ["true", bool(true)],
    ["false", bool(false)],
    ["null", nul()],
    // A bare number is Go's float64, whatever its spelling.
    ["1", float(1)],
    ["  42\n", float(42)],
    ["1.5", float(1.5)],
    ["1e2", float(100)],
    ["-0", float(-0)],
    ["12345678901234567890", float(Number(12345678901234567890n))],
  ])("should read the bare value %j", (json, tree) => {
    const got = parseSetValue(json)
    expect(got).toEqual(tree)
    if (got.kind === "scalar" && got.value.kind === "float") {
      expect(Object.is(got.value.value, -0)).toBe(json === "-0")
    }
  })

  it("should keep key order and the int/float distinction inside objects and arrays", () => {
    expect(parseSetValue('{"b": 1, "a": [2.0, "x", null, {"c": true}], "n": -3}')).toEqual(
      map([
        entry("b", int(1n)),
        entry("a", list([float(2), str("x"), nul(), map([entry("c", bool(true))])])),
        entry("n", int(-3n)),
      ]),
    )
    expect(parseSetValue("[]")).toEqual(list([]))
    expect(parseSetValue("{}")).toEqual(map([]))
    expect(parseSetValue("[1]")).toEqual(list([int(1n)]))
  })

  it("should refuse text that is not JSON with SET_FORMAT, the hint and the reader's position", () => {
    const err = bridgeErrorOf(() => parseSetValue("s3cret"))
    expect(err.code).toBe("SET_FORMAT")
    expect(err.message).toBe("the value to set is not valid JSON")
    expect(err.hint).toBe(`quote strings as JSON, e.g. '"s3cret"'`)
    expect((err.cause as Error).message).toBe("value:1:7: invalid json: unexpected character")
    expect((bridgeErrorOf(() => parseSetValue("")).cause as Error).message).toBe(
      "value:1:7: invalid json: unexpected character",
    )
  })

  // sops: encoding/json.Unmarshal of the whole value, so nothing may follow it (regression: the
  // `{"v": …}` wrapper alone read these as 1 or "a").
  it.each(['1, "w": 2', '"a", "v": 3', '1} {"x": 1', "1}", '1}, {"x": 1'])(
    "should refuse %j, which only looks like one value inside a wrapper",
    (json) => {
      const err = bridgeErrorOf(() => parseSetValue(json))
      expect([err.code, err.message]).toEqual(["SET_FORMAT", "the value to set is not valid JSON"])
      expect(err.cause).toBeInstanceOf(SyntaxError)
    },
  )

  it.each(["1e999", "-1e999", '{"a": [1e400]}'])(
    "should refuse %j: Go cannot hold the number in a float64",
    (json) => {
      const err = bridgeErrorOf(() => parseSetValue(json))
      expect([err.code, err.message]).toEqual(["SET_FORMAT", "the value to set is not valid JSON"])
      expect((err.cause as Error).message).toBe("number out of the float64 range")
    },
  )

  it("should take the largest float64 and the smallest subnormal", () => {
    expect(parseSetValue("1.7976931348623157e308")).toEqual(float(Number.MAX_VALUE))
    expect(parseSetValue("5e-324")).toEqual(float(Number.MIN_VALUE))
  })
})

const V = str("v")

describe("setAt", () => {
  it("should return the value itself for an empty path", () => {
    expect(setAt(map([entry("a", int(1n))]), [], V)).toBe(V)
  })

  it("should replace an existing key in place, keeping the other items and comments", () => {
    const root = map([comment("c"), entry("a", int(1n)), entry("b", int(2n)), entry("c", int(3n))])
    expect(setAt(root, [key("b")], V)).toEqual(
      map([comment("c"), entry("a", int(1n)), entry("b", V), entry("c", int(3n))]),
    )
    // The input is not changed.
    expect(root).toEqual(map([comment("c"), entry("a", int(1n)), entry("b", int(2n)), entry("c", int(3n))]))
  })

  it("should append a missing key at the end", () => {
    expect(setAt(map([comment("c"), entry("a", int(1n))]), [key("z")], V)).toEqual(
      map([comment("c"), entry("a", int(1n)), entry("z", V)]),
    )
  })

  it("should set inside an existing map, keeping its siblings", () => {
    const root = map([
      entry("db", map([entry("user", str("u")), entry("pw", str("old"))])),
      entry("x", int(1n)),
    ])
    expect(setAt(root, [key("db"), key("pw")], V)).toEqual(
      map([entry("db", map([entry("user", str("u")), entry("pw", V)])), entry("x", int(1n))]),
    )
    expect(setAt(root, [key("db"), key("new")], V)).toEqual(
      map([
        entry("db", map([entry("user", str("u")), entry("pw", str("old")), entry("new", V)])),
        entry("x", int(1n)),
      ]),
    )
  })

  it("should create the missing maps and lists on the way", () => {
    expect(setAt(map([]), [key("a"), key("b"), key("c")], V)).toEqual(
      map([entry("a", map([entry("b", map([entry("c", V)]))]))]),
    )
    expect(setAt(map([entry("k", int(1n))]), [key("a"), idx(3), key("b")], V)).toEqual(
      map([entry("k", int(1n)), entry("a", list([map([entry("b", V)])]))]),
    )
  })

  it("should replace a scalar or a list in the way with a map for a key step", () => {
    expect(setAt(map([entry("a", str("s"))]), [key("a"), key("b")], V)).toEqual(
      map([entry("a", map([entry("b", V)]))]),
    )
    expect(setAt(list([str("x"), comment("c")]), [key("b")], V)).toEqual(map([entry("b", V)]))
  })

  it("should replace a scalar or a map in the way with a list for an index step", () => {
    expect(setAt(str("s"), [idx(0)], V)).toEqual(list([V]))
    expect(setAt(map([entry("a", int(1n)), comment("c")]), [idx(0)], V)).toEqual(list([V]))
  })

  // sops counts a list's comments (items of its tree): the index of a comment replaces it.
  it("should replace the n-th list item, comments counted as sops counts them", () => {
    const root = list([comment("c0"), str("a"), comment("c1"), str("b"), str("c")])
    expect(setAt(root, [idx(0)], V)).toEqual(list([V, str("a"), comment("c1"), str("b"), str("c")]))
    expect(setAt(root, [idx(1)], V)).toEqual(list([comment("c0"), V, comment("c1"), str("b"), str("c")]))
    expect(setAt(root, [idx(3)], V)).toEqual(list([comment("c0"), str("a"), comment("c1"), V, str("c")]))
    expect(setAt(root, [idx(2), key("k")], V)).toEqual(
      list([comment("c0"), str("a"), map([entry("k", V)]), str("b"), str("c")]),
    )
  })

  it("should append for an index at or past the end (and a negative one)", () => {
    const root = list([str("a"), comment("c")])
    expect(setAt(root, [idx(2)], V)).toEqual(list([str("a"), comment("c"), V]))
    expect(setAt(root, [idx(9)], V)).toEqual(list([str("a"), comment("c"), V]))
    expect(setAt(root, [idx(-1)], V)).toEqual(list([str("a"), comment("c"), V]))
  })

  it("should set inside an existing list value, keeping its siblings", () => {
    const root = list([map([entry("a", int(1n)), entry("b", int(2n))]), str("z")])
    expect(setAt(root, [idx(0), key("b")], V)).toEqual(
      list([map([entry("a", int(1n)), entry("b", V)]), str("z")]),
    )
    expect(setAt(list([comment("c"), list([str("p"), str("q")])]), [idx(1), idx(1)], V)).toEqual(
      list([comment("c"), list([str("p"), V])]),
    )
  })

  it("should append a new nested value for a missing index with more steps", () => {
    expect(setAt(list([str("a")]), [idx(5), key("k")], V)).toEqual(list([str("a"), map([entry("k", V)])]))
    expect(setAt(list([]), [idx(0), idx(0)], V)).toEqual(list([list([V])]))
  })
})

describe("unsetAt", () => {
  it("should return the root itself for an empty path", () => {
    const root = map([entry("a", int(1n))])
    expect(unsetAt(root, [])).toBe(root)
  })

  it("should remove a key, keeping the other items and comments in order", () => {
    const root = map([entry("a", int(1n)), comment("c"), entry("b", int(2n)), entry("z", int(3n))])
    expect(unsetAt(root, [key("b")])).toEqual(map([entry("a", int(1n)), comment("c"), entry("z", int(3n))]))
    expect(unsetAt(root, [key("a")])).toEqual(map([comment("c"), entry("b", int(2n)), entry("z", int(3n))]))
    expect(root.items).toHaveLength(4)
  })

  it("should remove inside nested maps and lists, keeping the parents", () => {
    const root = map([
      entry("db", map([entry("user", str("u")), entry("pw", str("p"))])),
      entry("l", list([comment("c"), str("a"), map([entry("k", int(1n)), entry("j", int(2n))])])),
    ])
    expect(unsetAt(root, [key("db"), key("pw")])).toEqual(
      map([entry("db", map([entry("user", str("u"))])), root.items[1] as never]),
    )
    expect(unsetAt(root, [key("l"), idx(2), key("k")])).toEqual(
      map([root.items[0] as never, entry("l", list([comment("c"), str("a"), map([entry("j", int(2n))])]))]),
    )
  })

  it("should remove the n-th list item, comments counted as sops counts them", () => {
    const root = list([comment("c0"), str("a"), comment("c1"), str("b"), str("c")])
    expect(unsetAt(root, [idx(0)])).toEqual(list([str("a"), comment("c1"), str("b"), str("c")]))
    expect(unsetAt(root, [idx(1)])).toEqual(list([comment("c0"), comment("c1"), str("b"), str("c")]))
    expect(unsetAt(root, [idx(4)])).toEqual(list([comment("c0"), str("a"), comment("c1"), str("b")]))
    expect(unsetAt(list([list([str("p"), str("q")])]), [idx(0), idx(0)])).toEqual(list([list([str("q")])]))
  })

  it.each<[string, TreeNode, ExtractStep[], string]>([
    ["a missing key", map([comment("c"), entry("a", int(1n))]), [key("b")], "component ['b'] not found"],
    [
      "a missing key under a missing one",
      map([entry("a", int(1n))]),
      [key("x"), key("y")],
      "component ['x'] not found",
    ],
    ["a key in a list", list([str("a")]), [key("a")], "component ['a'] not found"],
    ["a key in a scalar", str("s"), [key("a")], "component ['a'] not found"],
    ["a key under a scalar", map([entry("a", str("s"))]), [key("a"), key("b")], "component ['b'] not found"],
    ["an index past the end", list([str("a"), comment("c")]), [idx(2)], "component [2] not found"],
    ["a key under a comment", list([comment("c")]), [idx(0), key("k")], "component ['k'] not found"],
    ["an index in a map", map([entry("a", int(1n))]), [idx(0)], "component [0] not found"],
    ["an index in a scalar", str("s"), [idx(0)], "component [0] not found"],
    ["a negative index", list([str("a")]), [idx(-1)], "component [-1] not found"],
    ["a missing index under a list value", list([list([])]), [idx(0), idx(0)], "component [0] not found"],
  ])("should refuse %s with EXTRACT_MISSING", (_what, root, steps, message) => {
    const err = bridgeErrorOf(() => unsetAt(root, steps))
    expect([err.code, err.message]).toEqual(["EXTRACT_MISSING", message])
  })
})
