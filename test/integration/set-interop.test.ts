import { copyFileSync, readFileSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { sopsTwins } from "./sops-twins.js"

// set / unset / legacy --set / decrypt --extract through the built CLI against the real sops.
const t = sopsTwins("sealbridge-set-")
afterAll(t.cleanup)
const keyFile = join(t.dir, "keys.txt")
const env = { SOPS_AGE_KEY_FILE: keyFile }
let recipient = ""
let n = 0

beforeAll(() => {
  if (t.sops.skip) return
  recipient = t.ours(["keygen", "-o", keyFile]).out.trim()
})

/** One sealed file (sealed by sops) per tool, so each tool changes its own copy. */
function pair(name: string, text: string): [string, string] {
  const plain = join(t.dir, `plain-${name}`)
  writeFileSync(plain, text)
  const r = t.theirs(["encrypt", "--age", recipient, "--filename-override", name, plain])
  if (r.code !== 0) throw new Error(r.err)
  n += 1
  const mine = join(t.dir, `m${n}-${name}`)
  const theirs = join(t.dir, `t${n}-${name}`)
  writeFileSync(mine, r.outBytes)
  copyFileSync(mine, theirs)
  return [mine, theirs]
}

const dec = (file: string, type?: string) =>
  t.theirs(
    ["decrypt", ...(type === undefined ? [] : ["--input-type", type, "--output-type", "yaml"]), file],
    { env },
  ).out

describe.skipIf(t.sops.skip)("set against sops 3.13", () => {
  it("should exit as sops does for each argument error", () => {
    const [mine, theirs] = pair("args.yaml", "a: one\n")
    const cases: [string[], number][] = [
      [["set", "F", '["a"]'], 100],
      [["set", "F"], 100],
      [["set", "F", '["a"]', '"x"', "extra"], 100],
      [["set", "--value-stdin", "F", '["a"]', '"x"'], 100],
      [["set", "--value-file", "--value-stdin", "F", '["a"]', '"x"'], 1],
      [["set", "--value-file", "F", '["a"]', join(t.dir, "absent")], 1],
      [["set", join(t.dir, "absent.yaml"), '["a"]', '"x"'], 2],
      [["set", "F", "a", '"x"'], 7],
      [["set", "F", '["a"]', "not-json"], 7],
      [["unset", "F"], 100],
      [["unset", "F", '["zz"]'], 1],
    ]
    for (const [args, code] of cases) {
      const m = t.ours(
        args.map((a) => (a === "F" ? mine : a)),
        { env },
      )
      const s = t.theirs(
        args.map((a) => (a === "F" ? theirs : a)),
        { env },
      )
      expect([args.join(" "), s.code]).toEqual([args.join(" "), code])
      expect([args.join(" "), m.code]).toEqual([args.join(" "), code])
    }
    expect(dec(mine)).toBe("a: one\n")
  })

  it("should leave the file byte-identical with --idempotent when nothing changes", () => {
    const [mine] = pair("idem.yaml", "a: one\nb: 2\n")
    const before = readFileSync(mine)
    expect(t.ours(["set", "--idempotent", mine, '["b"]', "2"], { env }).code).toBe(0)
    // A bare JSON number is a float to sops, so 2 (int in the file) != 2 (float): sops rewrites too.
    expect(readFileSync(mine).equals(before)).toBe(false)
    const again = readFileSync(mine)
    expect(t.ours(["set", "--idempotent", mine, '["a"]', '"one"'], { env }).code).toBe(0)
    expect(t.ours(["unset", "--idempotent", mine, '["zz"]'], { env }).code).toBe(0)
    expect(readFileSync(mine).equals(again)).toBe(true)
  })

  it("should read the value from a file and from stdin, and write what sops writes", () => {
    const [mine, theirs] = pair("values.yaml", "a: one\n")
    const vf = join(t.dir, "value.json")
    writeFileSync(vf, '{"k": [1, 2.5, "s"]}')
    for (const [f, run] of [
      [mine, t.ours],
      [theirs, t.theirs],
    ] as const) {
      expect(run(["set", "--value-file", f, '["d"]', vf], { env }).code).toBe(0)
      expect(run(["set", "--value-stdin", f, '["c"]'], { env, input: '"from stdin"' }).code).toBe(0)
    }
    expect(dec(mine)).toBe(dec(theirs))
    expect(dec(mine)).toBe("a: one\nd:\n    k:\n        - 1\n        - 2.5\n        - s\nc: from stdin\n")
  })

  it("should keep every unchanged value's ciphertext", () => {
    const [mine] = pair("keep.yaml", "a: one\nb: two\nc: three\n")
    const lines = (f: string) => readFileSync(f, "utf8").split("\n").slice(0, 3)
    const [a0, , c0] = lines(mine)
    expect(t.ours(["set", mine, '["b"]', '"TWO"'], { env }).code).toBe(0)
    const [a1, b1, c1] = lines(mine)
    expect([a1, c1]).toEqual([a0, c0])
    expect(b1).toMatch(/^b: ENC\[/)
  })

  it("should write the file back in --output-type, as sops does", () => {
    const [mine, theirs] = pair("conv.yaml", "a: one\nb: 2\n")
    expect(t.ours(["set", "--output-type", "json", mine, '["a"]', '"z"'], { env }).code).toBe(0)
    expect(t.theirs(["set", "--output-type", "json", theirs, '["a"]', '"z"'], { env }).code).toBe(0)
    expect(readFileSync(mine, "utf8").startsWith("{\n")).toBe(true)
    expect(dec(mine, "json")).toBe(dec(theirs, "json"))
    expect(dec(mine, "json")).toBe("a: z\nb: 2\n")
  })

  it("should take sops' legacy --set form and its errors (exit 7)", () => {
    const [mine, theirs] = pair("legacy.yaml", "a: one\nb: 2\n")
    for (const [f, run] of [
      [mine, t.ours],
      [theirs, t.theirs],
    ] as const) {
      expect(run(["--set", '["b"] {"x": [1, "y"]}', f], { env }).code).toBe(0)
      for (const bad of ["bad", '["a"]"x"', '["a"] x']) expect(run(["--set", bad, f], { env }).code).toBe(7)
    }
    expect(dec(mine)).toBe(dec(theirs))
    expect(dec(mine)).toBe('a: one\nb:\n    x:\n        - 1\n        - "y"\n')
  })
})

describe.skipIf(t.sops.skip)("decrypt --extract bytes against sops 3.13", () => {
  it("should print the same bytes and exit codes for every value type and output type", () => {
    const [file] = pair(
      "extract.yaml",
      's: str\nm: |\n    multi\n    line\ni: 5\nf: 1.5\nb: true\nn: null\nl:\n    - 1\n    - x\nmp:\n    k: v\ne: ""\nt: 2001-12-14t21:59:43.10-05:00\n',
    )
    const outs = [[], ["--output-type", "dotenv"]]
    const cases = ["s", "m", "i", "f", "n", "l", "mp", "t", "zz"].flatMap((k) =>
      outs.map((o) => [k, o] as const),
    )
    cases.push(["mp", ["--output-type", "json"]], ["l", ["--output-type", "json"]])
    for (const [key, out] of cases) {
      const args = ["decrypt", ...out, "--extract", `["${key}"]`, file]
      const m = t.ours(args, { env })
      const s = t.theirs(args, { env })
      expect([args.join(" "), m.code]).toEqual([args.join(" "), s.code])
      expect([args.join(" "), m.outBytes.toString("hex")]).toEqual([
        args.join(" "),
        s.outBytes.toString("hex"),
      ])
    }
  })

  it("should print a string with no trailing newline", () => {
    const [file] = pair("nl.json", '{"s": "value"}')
    expect(t.ours(["decrypt", "--extract", '["s"]', file], { env }).out).toBe("value")
  })

  it("should exit 4 when the plaintext cannot be written in the output type, as sops", () => {
    const [file] = pair("dump.yaml", "l:\n    - 1\n")
    for (const type of ["dotenv", "ini", "binary"]) {
      const args = ["decrypt", "--output-type", type, file]
      expect(t.theirs(args, { env }).code).toBe(4)
      expect(t.ours(args, { env }).code).toBe(4)
    }
  })
})
