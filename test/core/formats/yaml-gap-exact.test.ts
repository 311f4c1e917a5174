import { describe, expect, it } from "vitest"
import { gapCloses } from "../../../src/formats/yaml-gap.js"

// gapCloses' contract at its edges (the placements themselves: yaml-gap.test.ts and the sops
// sweep, yaml-gap-sweep.test.ts).
describe("gapCloses at its edges", () => {
  it("should place nothing for a run without comments", () => {
    expect(gapCloses({ valueLine: 2, comments: [], closing: [4, 2], next: null, finalBreak: true })).toEqual(
      [],
    )
    expect(
      gapCloses({
        valueLine: 2,
        comments: [],
        closing: [2],
        next: { line: 3, column: 0 },
        finalBreak: false,
      }),
    ).toEqual([])
  })

  it("should not follow a run at the end of the document when no map ends there", () => {
    const comments = [
      { line: 1, column: 0 },
      { line: 3, column: 0 },
    ]
    expect(gapCloses({ valueLine: 0, comments, closing: [], next: null, finalBreak: true })).toBeNull()
    expect(
      gapCloses({ valueLine: 0, comments, closing: [], next: null, finalBreak: false, endColumn: 3 }),
    ).toBeNull()
  })
})
