import { readFileSync } from "node:fs"
import { join } from "node:path"
import fc from "fast-check"
import { afterAll, describe, it } from "vitest"
import type { FormatName } from "../../src/formats/format.js"
import { formats } from "../../src/formats/registry.js"
import type { KeyDeps } from "../../src/keys/deps.js"
import { openersFor } from "../../src/keys/registry.js"
import type { KeyOpener } from "../../src/keys/backend.js"
import { decryptDocument } from "../../src/ops/decrypt-document.js"
import { loadSealed } from "../../src/ops/load-sealed.js"
import { AGE_VECTORS } from "../helpers/vectors.js"
import {
  expectCoded,
  expectCodedAsync,
  fuzzRuns,
  fuzzTimeout,
  heapGuard,
  mutated,
  seeds,
  utf8,
} from "./harness.js"

// Fuzzing (issue 8): every file format's plain and sealed readers, the sops metadata they carry
// and a full decrypt of mutated real sops files. Each parser may only succeed or throw a coded
// BridgeError, never slower than 1 s per input, with bounded heap growth over the run.

/** A billion-laughs document: aliases must not expand into an unbounded tree. */
const aliasBomb = [
  "a: &a [x, x, x, x, x, x, x, x, x, x]",
  ...Array.from({ length: 8 }, (_, i) => {
    const prev = String.fromCharCode(97 + i)
    const name = String.fromCharCode(98 + i)
    return `${name}: &${name} [${Array(10).fill(`*${prev}`).join(", ")}]`
  }),
].join("\n")

const dotenvSeeds = [
  "A=1\nB=two\n#comment\nMULTI=line\\nbreak\n",
  "sops_version=3.7.1\nsops_mac=ENC[AES256_GCM,data:AAAA,iv:AAAA,tag:AAAA,type:str]\n" +
    "sops_lastmodified=2021-02-02T10:00:00Z\nsops_age__list_0__map_recipient=age1x\n" +
    "sops_age__list_0__map_enc=-----BEGIN AGE ENCRYPTED FILE-----\\nAAAA\\n-----END AGE ENCRYPTED FILE-----\\n\n" +
    "SECRET=ENC[AES256_GCM,data:dB9CbA==,iv:RCy4ITsGfCFOmneQPSiixq0GI5aTjLw9/TRAKkp7EI8=,tag:cphRC2nI5aWey1UIig39wQ==,type:str]\n",
]

const CASES: Record<Exclude<FormatName, "binary">, { seeds: string[]; open: string[]; close: string[] }> = {
  yaml: {
    seeds: [...seeds(".yaml"), aliasBomb],
    open: ["[", "{a: ", "- ", "a:\n "],
    close: ["]", "}", "", ""],
  },
  json: { seeds: seeds(".json"), open: ["[", '{"a":'], close: ["]", "}"] },
  dotenv: { seeds: dotenvSeeds, open: ["sops_a__list_0__map_"], close: ["=x\n"] },
  ini: { seeds: seeds(".ini"), open: ["[", "[sops]\na__list_0__map_"], close: ["]\n", "=x\n"] },
}

const guard = heapGuard()
afterAll(guard)

describe("fuzz: format readers", () => {
  for (const [name, c] of Object.entries(CASES)) {
    const format = formats[name as FormatName]
    it(
      `${name}: plain parse (and emit of what parses) fails only with coded errors`,
      () => {
        fc.assert(
          fc.property(mutated(c.seeds, c), (text) => {
            expectCoded(() => format.emit(format.parse(utf8.encode(text), `fuzz.${name}`)))
          }),
          { numRuns: fuzzRuns() },
        )
      },
      fuzzTimeout(),
    )
    it(
      `${name}: sealed parse and sops metadata fail only with coded errors`,
      () => {
        fc.assert(
          fc.property(mutated(c.seeds, c), (text) => {
            expectCoded(() => loadSealed(format, utf8.encode(text), `fuzz.${name}`, "hint"))
          }),
          { numRuns: fuzzRuns() },
        )
      },
      fuzzTimeout(),
    )
  }

  it(
    "binary: the JSON envelope of a sealed binary file fails only with coded errors",
    () => {
      fc.assert(
        fc.property(mutated(seeds(".txt")), (text) => {
          expectCoded(() => loadSealed(formats.binary, utf8.encode(text), "fuzz.bin", "hint"))
        }),
        { numRuns: fuzzRuns() },
      )
    },
    fuzzTimeout(),
  )
})

/** The vectors' age identities; unwrap results are memoised (the fuzz target is the file, not age). */
function vectorOpeners(): KeyOpener[] {
  const keys = readFileSync(join(AGE_VECTORS, "keys.txt"), "utf8")
  const deps: KeyDeps = {
    env: { SOPS_AGE_KEY: keys },
    now: () => new Date(0),
    readFile: () => Promise.resolve(null),
    run: () => Promise.reject(new Error("no commands in the fuzz run")),
    homeDir: "/nonexistent",
    userConfigDir: "/nonexistent",
    hostname: "fuzz",
    debug: false,
  }
  return openersFor(deps).map((o) => {
    const memo = new Map<string, Promise<Uint8Array | null>>()
    return {
      kind: o.kind,
      unwrap: (w, opts) => {
        const k = JSON.stringify(w)
        let p = memo.get(k)
        if (p === undefined) {
          p = o.unwrap(w, opts)
          if (memo.size < 10_000) memo.set(k, p)
        }
        return p.then((key) => (key === null ? null : key.slice()))
      },
    }
  })
}

describe("fuzz: decrypt of mutated sops files", () => {
  const openers = vectorOpeners()
  const sealedCases: [FormatName, string][] = [
    ["yaml", "example.yaml"],
    ["json", "example.json"],
    ["ini", "example.ini"],
    ["binary", "example.txt"],
  ]
  for (const [format, file] of sealedCases) {
    it(
      `${format}: decrypt (MAC, envelopes, key unwrap) fails only with coded errors`,
      async () => {
        const seed = readFileSync(join(AGE_VECTORS, file), "utf8")
        await fc.assert(
          fc.asyncProperty(mutated([seed]), async (text) => {
            await expectCodedAsync(() =>
              decryptDocument({
                input: utf8.encode(text),
                source: file,
                inputFormat: format,
                outputFormat: format,
                openers,
                ignoreMac: false,
              }),
            )
          }),
          { numRuns: Math.ceil(fuzzRuns() / 4) },
        )
      },
      fuzzTimeout(),
    )
  }
})
