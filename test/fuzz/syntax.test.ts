import { posix } from "node:path"
import fc from "fast-check"
import { afterAll, describe, expect, it } from "vitest"
import { matchCreationRule } from "../../src/config/find-config.js"
import { parseSopsConfig } from "../../src/config/sops-config.js"
import { formats } from "../../src/formats/registry.js"
import { formatEnvelope, parseEnvelope } from "../../src/seal/envelope.js"
import { extractNode, parseExtractPath } from "../../src/ops/extract.js"
import { parseSetValue, setAt, unsetAt } from "../../src/ops/set-value.js"
import { expectCoded, fuzzRuns, fuzzTimeout, heapGuard, mutated, seeds, utf8 } from "./harness.js"

// Fuzzing (issue 8): the small syntaxes — the ENC[...] envelope, .sops.yaml, and the
// --extract / set path and value — with only coded errors, no slow input, bounded heap.

const guard = heapGuard()
afterAll(guard)

/** Every envelope in the fixture vectors (real sops output). */
const envelopes = seeds(".yaml", ".json", ".ini", ".txt").flatMap((t) => t.match(/ENC\[[^\]]*\]/g) ?? [])

const sopsConfigSeeds = [
  `creation_rules:
  - path_regex: \\.dev\\.yaml$
    encrypted_regex: ^(data|stringData)$
    age: age1yt3tfqlfrwdwx0z0ynwplcr6qxcxfaqycuprpmy89nr83ltx74tqdpszlw,age1tmaae3ld5vpevmsh5yacsauzx8jetg300mpvc4ugp5zr5l6ssq9sla97ep
  - path_regex: prod/.*
    kms: arn:aws:kms:us-east-1:000000000000:key/abc+arn:aws:iam::000000000000:role/r,arn:aws:kms:eu-west-1:000000000000:key/def
    aws_profile: prod
    mac_only_encrypted: true
  - key_groups:
      - age: [age1yt3tfqlfrwdwx0z0ynwplcr6qxcxfaqycuprpmy89nr83ltx74tqdpszlw]
        hc_vault: [https://vault:8200/v1/transit/keys/k]
        pgp: [FBC7B9E2A4F9289AC0C1D4843D16CEE4A27381B4]
        kms:
          - arn: arn:aws:kms:us-east-1:000000000000:key/abc
            role: arn:aws:iam::000000000000:role/r
            context: { app: x }
            aws_profile: p
    shamir_threshold: 2
    unencrypted_suffix: _plain
stores:
  yaml: { indent: 2 }
  json: { indent: 4 }
  json_binary: { indent: 1 }
`,
  "creation_rules:\n  - unencrypted_comment_regex: '^ *public'\n    pgp: ABC,DEF\n    gcp_kms: projects/p/locations/l/keyRings/r/cryptoKeys/k\n    azure_keyvault: https://v.vault.azure.net/keys/k/1\n",
  "",
]

describe("fuzz: small syntaxes", () => {
  it(
    "ENC[...] envelope: parse returns an envelope or null and never throws; a parsed one re-formats to a prefix of the input",
    () => {
      fc.assert(
        fc.property(mutated(envelopes), (s) => {
          expectCoded(() => {
            const e = parseEnvelope(s)
            // sops' regex is anchored at the start only: what parses is a prefix re-formatted.
            if (e !== null) expect(s.startsWith(formatEnvelope(e).slice(0, 15))).toBe(true)
          })
        }),
        { numRuns: fuzzRuns() },
      )
    },
    fuzzTimeout(),
  )

  it(
    ".sops.yaml: parse and rule matching fail only with coded errors",
    () => {
      fc.assert(
        fc.property(
          mutated(sopsConfigSeeds, { open: ["- key_groups:\n  - ", "["], close: ["", "]"] }),
          fc.string({ maxLength: 30 }),
          (text, file) => {
            expectCoded(() => {
              const config = parseSopsConfig(text, "/repo/.sops.yaml")
              matchCreationRule(config, posix.join("/repo", file || "x.yaml"), posix)
            })
          },
        ),
        { numRuns: fuzzRuns() },
      )
    },
    fuzzTimeout(),
  )

  const tree = formats.yaml.parse(utf8.encode(seeds(".sops-plain.yaml")[0] ?? "a: 1\n"), "t.yaml")[0]
  const pathSeeds = [
    '["firstName"]',
    '["address"]["city"]',
    '["phoneNumbers"][0]',
    "['a'][-1][1]",
    "",
    '["x"]',
  ]

  it(
    "--extract / set / unset paths: parse and use on a tree fail only with coded errors",
    () => {
      fc.assert(
        fc.property(mutated(pathSeeds), (path) => {
          expectCoded(() => {
            const steps = parseExtractPath(path)
            if (tree === undefined) return
            try {
              extractNode(tree, steps)
            } finally {
              setAt(tree, steps, { kind: "scalar", value: { kind: "string", value: "v" } })
              if (steps.length > 0) unsetAt(tree, steps)
            }
          })
        }),
        { numRuns: fuzzRuns() },
      )
    },
    fuzzTimeout(),
  )

  it(
    "set value (JSON): parse fails only with coded errors",
    () => {
      const valueSeeds = ['"s3cret"', "42", "1.5", '{"a": [1, 2.0, "x", null, true]}', "[]", "1e400"]
      fc.assert(
        fc.property(mutated(valueSeeds, { open: ["[", '{"a":'], close: ["]", "}"] }), (json) => {
          expectCoded(() => parseSetValue(json))
        }),
        { numRuns: fuzzRuns() },
      )
    },
    fuzzTimeout(),
  )
})
