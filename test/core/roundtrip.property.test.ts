import fc from "fast-check"
import { beforeAll, describe, expect, it } from "vitest"
import { formats } from "../../src/formats/registry.js"
import type { FormatName } from "../../src/formats/format.js"
import { AgeBackend, AgeOpener, ageRecipientOf, generateAgeIdentity } from "../../src/keys/age.js"
import { decryptDocument } from "../../src/ops/decrypt-document.js"
import { encryptDocument } from "../../src/ops/encrypt-document.js"
import type { SelectionRule } from "../../src/seal/metadata-types.js"
import {
  bool,
  entry,
  float,
  int,
  list,
  map,
  nul,
  str,
  type Branch,
  type TreeNode,
} from "../../src/tree/node.js"

// decrypt(encrypt(doc)) == doc for random documents in every format and every selection rule.
let backend: AgeBackend
let opener: AgeOpener
beforeAll(async () => {
  const id = await generateAgeIdentity()
  backend = new AgeBackend(await ageRecipientOf(id))
  opener = new AgeOpener([id])
})

const deps = { now: () => new Date(), randomBytes: (n: number) => crypto.getRandomValues(new Uint8Array(n)) }
const key = fc.stringMatching(/^[a-z][a-z0-9_]{0,8}$/).filter((k) => k !== "sops")
const text = fc.string({ maxLength: 20 })
const scalar: fc.Arbitrary<TreeNode> = fc.oneof(
  text.map((v): TreeNode => str(v)),
  fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }).map((v): TreeNode => int(v)),
  // -0 is written "-0", which sops (Go) and we read back as the int 0: a format property, not a loss.
  fc
    .double({ noNaN: true, noDefaultInfinity: true })
    .filter((v) => !Object.is(v, -0))
    .map((v): TreeNode => float(v)),
  fc.boolean().map((v): TreeNode => bool(v)),
  fc.constant<TreeNode>(nul()),
)

const nested: fc.Arbitrary<TreeNode> = fc.letrec<{ node: TreeNode; map: TreeNode; list: TreeNode }>(
  (tie) => ({
    node: fc.oneof({ maxDepth: 3, depthIdentifier: "doc" }, scalar, tie("map"), tie("list")),
    map: fc
      .uniqueArray(fc.tuple(key, tie("node")), { selector: ([k]) => k, maxLength: 4 })
      .map((pairs): TreeNode => map(pairs.map(([k, value]) => entry(k, value)))),
    list: fc.array(tie("node"), { maxLength: 3 }).map((items): TreeNode => list(items)),
  }),
).map

const rootMap = (arb: fc.Arbitrary<TreeNode>): fc.Arbitrary<Branch> =>
  fc
    .uniqueArray(fc.tuple(key, arb), { selector: ([k]) => k, minLength: 1, maxLength: 5 })
    .map((pairs): Branch => map(pairs.map(([k, value]) => entry(k, value))))

const flatString = fc.stringMatching(/^[A-Za-z0-9 ._:/@+-]{0,20}$/)
const docs: Record<Exclude<FormatName, "binary">, fc.Arbitrary<Branch>> = {
  yaml: rootMap(nested),
  json: rootMap(nested),
  dotenv: rootMap(flatString.map((v): TreeNode => str(v))),
  ini: rootMap(rootMap(flatString.map((v): TreeNode => str(v.trim())))),
}

const rules: (SelectionRule | null)[] = [
  null,
  { kind: "encrypted_suffix", value: "_s" },
  { kind: "unencrypted_regex", value: "^[a-f]" },
  { kind: "encrypted_regex", value: "(?i)[A-M]" },
  { kind: "unencrypted_comment_regex", value: "keep" },
  { kind: "encrypted_comment_regex", value: "seal" },
]

async function roundTrip(
  format: FormatName,
  input: Uint8Array,
  rule: SelectionRule | null,
): Promise<Uint8Array> {
  const sealed = await encryptDocument(
    {
      input,
      source: "doc",
      inputFormat: format,
      outputFormat: format,
      keyGroups: [[backend]],
      shamirThreshold: 0,
      rule,
      macOnlyEncrypted: false,
    },
    deps,
  )
  return decryptDocument({
    input: sealed,
    source: "doc",
    inputFormat: format,
    outputFormat: format,
    openers: [opener],
    ignoreMac: false,
  })
}

describe("decrypt(encrypt(doc)) == doc", () => {
  for (const [name, arb] of Object.entries(docs) as [Exclude<FormatName, "binary">, fc.Arbitrary<Branch>][]) {
    it(`${name}: random documents and every selection rule`, async () => {
      await fc.assert(
        fc.asyncProperty(arb, fc.constantFrom(...rules), async (doc, rule) => {
          const input = formats[name].emit([doc])
          const out = await roundTrip(name, input, rule)
          expect(new TextDecoder().decode(out)).toBe(new TextDecoder().decode(input))
        }),
        { numRuns: 40 },
      )
    })
  }

  it("binary: arbitrary bytes, not only UTF-8", async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ minLength: 1, maxLength: 200 }), async (bytes) => {
        const out = await roundTrip("binary", bytes, null)
        expect(Buffer.from(out).equals(Buffer.from(bytes))).toBe(true)
      }),
      { numRuns: 40 },
    )
  })
})
