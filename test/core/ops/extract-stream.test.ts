import { test } from "@fast-check/vitest"
import fc from "fast-check"
import { beforeAll, describe, expect, it } from "vitest"
import { BridgeError } from "../../../src/errors.js"
import { BytesSource } from "../../../src/formats/byte-source.js"
import type { FormatName } from "../../../src/formats/format.js"
import { formats } from "../../../src/formats/registry.js"
import { readYamlLines } from "../../../src/formats/yaml-line-read.js"
import { AgeBackend, AgeOpener, ageRecipientOf, generateAgeIdentity } from "../../../src/keys/age.js"
import { decryptDocument, type DecryptRequest } from "../../../src/ops/decrypt-document.js"
import { encryptDocument } from "../../../src/ops/encrypt-document.js"
import { extractStreamed } from "../../../src/ops/extract-stream.js"
import type { ExtractStep } from "../../../src/ops/extract.js"
import { RuleKind, type SelectionRule } from "../../../src/seal/metadata-types.js"
import type { TreeNode } from "../../../src/tree/node.js"
import { yamlDoc } from "../formats/yaml-docs.js"
import { jsonDocument } from "./json-docs.js"
import { fixedDeps, rules, sealRequest } from "./stream-helpers.js"
import { hasSealedListComment } from "../../helpers/sealed-list-comment.js"

// `decrypt --extract` of a large file in one pass must print byte for byte what the tree path
// prints (scalars, maps, lists; YAML and JSON output), and fail where and as it fails.

let backend: AgeBackend
let opener: AgeOpener
beforeAll(async () => {
  const id = await generateAgeIdentity()
  backend = new AgeBackend(await ageRecipientOf(id))
  opener = new AgeOpener([id])
})

async function outcome(run: () => Promise<Uint8Array | null>): Promise<string> {
  try {
    const r = await run()
    return r === null ? "null" : `ok: ${Buffer.from(r).toString("utf8")}`
  } catch (err) {
    return err instanceof BridgeError ? `${err.code}: ${err.message}` : `thrown: ${String(err)}`
  }
}

async function sealed(doc: string, format: FormatName, c: object): Promise<Uint8Array | null> {
  try {
    return await encryptDocument(
      sealRequest(Buffer.from(doc), format, { ...c, keyGroups: [[backend]] }),
      fixedDeps(),
    )
  } catch {
    return null // input the tree path refuses to seal: nothing to open
  }
}

/** Flips one base64 character inside the n-th sealed value (or the MAC, the last one). */
function tamper(file: Uint8Array, n: number): Uint8Array {
  const text = Buffer.from(file).toString("utf8")
  const at = [...text.matchAll(/ENC\[AES256_GCM,data:([A-Za-z0-9+/]+)/g)].map((m) => (m.index ?? 0) + 20)
  const i = at.length === 0 ? -1 : (at[n % at.length] ?? -1)
  if (i < 0) return file
  return Buffer.from(text.slice(0, i) + (text[i] === "A" ? "B" : "A") + text.slice(i + 1))
}

/**
 * A path into `root` chosen by `picks` (each an item of the node reached; a negative pick
 * stops), its last step sometimes made wrong (`miss`): a key not there, an index past the end,
 * or a key where there is a list and an index where there is a map.
 */
function pathInto(root: TreeNode, picks: readonly number[], miss: number): ExtractStep[] {
  const steps: ExtractStep[] = []
  let node = root
  for (const p of picks) {
    if (p < 0 || node.kind === "scalar") break
    if (node.kind === "map") {
      const entries = node.items.filter((i) => i.kind === "entry")
      const e = entries[p % Math.max(1, entries.length)]
      if (e === undefined) break
      steps.push({ kind: "key", key: e.key })
      node = e.value
    } else {
      const values = node.items.filter((i) => i.kind !== "comment")
      const v = values[p % Math.max(1, values.length)]
      if (v === undefined) break
      steps.push({ kind: "index", index: p % values.length })
      node = v
    }
  }
  if (miss === 1) steps.push({ kind: "key", key: "no such key" })
  if (miss === 2) steps.push({ kind: "index", index: 1000 })
  if (miss === 3) steps.push({ kind: "index", index: -1 })
  if (miss === 4) steps.push({ kind: "index", index: 0 })
  if (miss === 5) steps.push({ kind: "key", key: "a" })
  if (steps.length === 0) steps.push({ kind: "key", key: "a" })
  return steps
}

// CI runs the default; `PROPERTY_RUNS=5000 npx vitest run <this file>` searches harder.
const runs = Number(process.env["PROPERTY_RUNS"] ?? 100)

describe("decrypt --extract in one pass", () => {
  for (const [format, docs] of [
    ["json", jsonDocument],
    ["yaml", yamlDoc],
  ] as const) {
    test.prop(
      {
        doc: docs,
        rule: rules,
        macOnly: fc.boolean(),
        indent: fc.option(fc.constantFrom(2, 4)),
        out: fc.constantFrom<FormatName>("json", "yaml"),
        picks: fc.array(fc.integer({ min: -1, max: 20 }), { maxLength: 5 }),
        miss: fc.nat(14),
        n: fc.nat(50),
        piece: fc.integer({ min: 1, max: 97 }),
      },
      { numRuns: runs },
    )(
      `should extract from ${format} what the tree path extracts, tampered or not, with and without --ignore-mac`,
      async (c) => {
        const file = await sealed(c.doc, format, c)
        if (file === null) return
        const steps = pathInto(
          formats[format].parse(Buffer.from(c.doc), "doc")[0] ?? { kind: "map", items: [] },
          c.picks,
          c.miss,
        )
        const emit = c.indent === null ? {} : { emit: { indent: c.indent } }
        for (const input of [file, tamper(file, c.n)]) {
          for (const ignoreMac of [false, true]) {
            const req: DecryptRequest = {
              input,
              source: `doc.${format}`,
              inputFormat: format,
              outputFormat: c.out,
              openers: [opener],
              ignoreMac,
              extract: steps,
              ...emit,
            }
            const fast = await outcome(() => extractStreamed(req, new BytesSource(input), { minBytes: 0 }))
            const pieces = await outcome(() =>
              extractStreamed(req, new BytesSource(input), { minBytes: 0, piece: c.piece }),
            )
            expect(pieces).toBe(fast)
            if (fast !== "null") expect(fast).toBe(await outcome(() => decryptDocument(req)))
            else if (
              input === file &&
              !ignoreMac &&
              (format === "json" ||
                (readYamlLines(Buffer.from(file).toString()) !== null &&
                  !hasSealedListComment(Buffer.from(file).toString())))
            )
              throw new Error("the one-pass path did not apply to a file it should take")
          }
        }
      },
      120_000,
    )
  }
})

/** Every path to a node of `node`, and a wrong step after each. */
function everyPath(node: TreeNode, at: ExtractStep[] = []): ExtractStep[][] {
  const out: ExtractStep[][] = [
    at,
    [...at, { kind: "key", key: "nope" }],
    [...at, { kind: "index", index: 0 }],
    [...at, { kind: "index", index: 99 }],
  ]
  if (node.kind === "map") {
    for (const it of node.items)
      if (it.kind === "entry") out.push(...everyPath(it.value, [...at, { kind: "key", key: it.key }]))
  } else if (node.kind === "list") {
    node.items
      .filter((it) => it.kind !== "comment")
      .forEach((it, i) => out.push(...everyPath(it, [...at, { kind: "index", index: i }])))
  }
  return out.slice(at.length === 0 ? 1 : 0)
}

const fixedRules: (SelectionRule | null)[] = [
  null,
  { kind: RuleKind.EncryptedRegex, value: "^(user|k|pass)$" },
  { kind: RuleKind.UnencryptedCommentRegex, value: "clear" },
  { kind: RuleKind.EncryptedCommentRegex, value: "seal" },
  // Matches a sealed comment's text: with --ignore-mac one outside the path stays sealed and counts so.
  { kind: RuleKind.UnencryptedCommentRegex, value: "AES256_GCM" },
]

const fixedDocs = {
  yaml: [
    "# top",
    "a:",
    "    user: alice",
    "    # after user, seal",
    "    pass: s3cret",
    "    # clear below",
    "    list:",
    "        - x",
    "        - k: v",
    "          # after k",
    "          j: w",
    "    empty: {}",
    "b:",
    "    user: bob",
    "    # before l, clear",
    "    l:",
    "        - 1",
    "        - 2.5",
    "        - x",
    "    block: |",
    "        two",
    "        lines",
    "c_unencrypted: clear",
    "# after c, seal",
    "num: 12",
    "t: true",
    "nul: null",
    "s: ''",
    "",
  ].join("\n"),
  json: JSON.stringify({
    a: { user: "alice", pass: "s3cret", list: ["x", { k: "v", j: "w" }, [], {}, [1, 2.5]], empty: {} },
    b: { user: "bob", multi: "two\nlines" },
    c_unencrypted: "clear",
    n: 12,
    t: true,
    nul: null,
    s: "",
  }).replace('"n":12', '"n":12,"n":13,"a":{"user":"second"}'),
}

describe("decrypt --extract in one pass, every path of a fixed document", () => {
  it("should read the fixed YAML document in one pass (the line reader's subset)", () => {
    expect(readYamlLines(fixedDocs.yaml)).not.toBeNull()
  })

  for (const format of ["yaml", "json"] as const) {
    it(`should extract every node of the ${format} document as the tree path, with comments and every kind of rule`, async () => {
      const doc = fixedDocs[format]
      const root = formats[format].parse(Buffer.from(doc), "doc")[0]
      if (root === undefined) throw new Error("no document")
      for (const rule of fixedRules) {
        const file = await sealed(doc, format, { rule })
        if (file === null) throw new Error("could not seal")
        for (const steps of everyPath(root)) {
          for (const ignoreMac of [false, true]) {
            for (const out of ["yaml", "json"] as const) {
              const req: DecryptRequest = {
                input: file,
                source: `doc.${format}`,
                inputFormat: format,
                outputFormat: out,
                openers: [opener],
                ignoreMac,
                extract: steps,
              }
              const fast = await outcome(() =>
                extractStreamed(req, new BytesSource(file), { minBytes: 0, piece: 7 }),
              )
              const tree = await outcome(() => decryptDocument(req))
              if (fast === "null") {
                // Only a missing path with --ignore-mac is handed over (the tree path reports it).
                expect(
                  ignoreMac && tree.startsWith("EXTRACT_MISSING"),
                  `${JSON.stringify(steps)} ${tree}`,
                ).toBe(true)
              } else expect(fast, JSON.stringify(steps)).toBe(tree)
            }
          }
        }
      }
    }, 120_000)
  }
})
