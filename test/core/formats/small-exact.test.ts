import { describe, expect, it } from "vitest"
import { bridgeErrorOf, errorOf } from "../../helpers/error-of.js"
import { binaryFormat } from "../../../src/formats/binary.js"
import { unflattenMetadata } from "../../../src/formats/flatten.js"
import { KeySet } from "../../../src/formats/key-set.js"
import { parseFormatName } from "../../../src/formats/registry.js"

// Corners of the small format modules that mutants of the `small` part survived (issue 8):
// a small KeySet's answers before the switch to hashes, the binary format's flags and an empty
// tree, metadata keys that run into a leaf, list indices that are partly numbers or have a gap,
// and the hint of an unknown file type.

describe("KeySet below the switch to hashes", () => {
  it("should know the keys of a small map exactly", () => {
    const set = new KeySet()
    set.add("a")
    set.add("b")
    expect([set.has("a"), set.has("b"), set.has("c"), set.has("")]).toEqual([true, true, false, false])
  })
})

describe("binary format", () => {
  it("should be named binary and not flat", () => {
    expect(binaryFormat.name).toBe("binary")
    expect(binaryFormat.flat).toBe(false)
  })

  it("should refuse to write a tree with no branch, with the format's message", () => {
    expect(errorOf(() => binaryFormat.emit([]))).toBe(
      "FORMAT binary: binary output needs a single string value under the key data",
    )
  })
})

describe("unflattenMetadata conflicts and list indices", () => {
  it("should refuse a key that goes on below a leaf, naming it", () => {
    expect(
      errorOf(() =>
        unflattenMetadata(
          [
            ["a", "1"],
            ["a__map_b__map_c", "2"],
          ],
          "f",
        ),
      ),
    ).toBe("FORMAT f: sops metadata key a__map_b__map_c conflicts with another")
  })

  it("should refuse a list whose indices are only partly numbers, or have a gap", () => {
    expect(
      errorOf(() =>
        unflattenMetadata(
          [
            ["a__list_0", "1"],
            ["a__list_x", "2"],
          ],
          "f",
        ),
      ),
    ).toBe("FORMAT f: sops metadata list index is not a number")
    expect(
      errorOf(() =>
        unflattenMetadata(
          [
            ["a__list_0", "1"],
            ["a__list_2", "2"],
          ],
          "f",
        ),
      ),
    ).toBe("FORMAT f: sops metadata list indices are not contiguous")
  })
})

describe("parseFormatName", () => {
  it("should name the file types in its hint", () => {
    expect(bridgeErrorOf(() => parseFormatName("toml"))).toMatchObject({
      code: "USAGE",
      message: 'unknown file type "toml"',
      hint: "use one of yaml, json, dotenv, ini, binary",
    })
  })
})
