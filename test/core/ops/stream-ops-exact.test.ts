import { describe, expect, it, vi } from "vitest"
import { BridgeError, ErrorCode } from "../../../src/errors.js"
import { BytesSource, type ByteSource } from "../../../src/formats/byte-source.js"
import type { FormatName } from "../../../src/formats/format.js"
import type { CallOptions, KeyBackend, KeyOpener } from "../../../src/keys/backend.js"
import { decryptDocument } from "../../../src/ops/decrypt-document.js"
import { decryptStreamed, openStreamed } from "../../../src/ops/decrypt-stream.js"
import { encryptDocument } from "../../../src/ops/encrypt-document.js"
import { encryptStreamed } from "../../../src/ops/encrypt-stream.js"
import { RuleKind } from "../../../src/seal/metadata-types.js"
import { sealBytes } from "../../../src/seal/value-cipher.js"
import { failureOf } from "../../helpers/error-of.js"
import { fakeAge, fakePgp, recordingOpeners, wiped } from "../../helpers/hex-keys.js"
import { fileLike, fixedDeps, openRequest, produced, sealRequest } from "./stream-helpers.js"

// The one-pass seal and open (src/ops/encrypt-stream.ts, decrypt-stream.ts) at their edges:
// the size thresholds, the requests they hand over (null) to the tree path, the key calls they
// make (call options, decryption order, the source in errors) and the data key they wipe.

const JSON_DOC = '{"a": "x", "n": {"b": 2, "c_unencrypted": "clear"}}'
// (Nested maps and nulls in YAML are opened by the tree path: a list here.)
const YAML_DOC = "a: x\nl:\n    - 2\n    - y\nc_unencrypted: clear\n"

/** Randomness that keeps every array it hands out (the first one is the data key). */
function keptDeps(): { deps: ReturnType<typeof fixedDeps>; given: Uint8Array[] } {
  const base = fixedDeps()
  const given: Uint8Array[] = []
  return {
    given,
    deps: {
      now: base.now,
      randomBytes: (n) => {
        const out = base.randomBytes(n)
        given.push(out)
        return out
      },
    },
  }
}
const counterKey = Uint8Array.from({ length: 32 }, (_, i) => i)

describe("encryptStreamed at its edges", () => {
  it("should take an input of exactly the threshold size, and hand over a smaller one", async () => {
    const input = Buffer.from(JSON_DOC)
    const req = sealRequest(input, "json", {})
    const at = await encryptStreamed(req, fixedDeps(), input.length)
    expect(at === null ? "null" : produced(at)).toBe(
      Buffer.from(await encryptDocument(req, fixedDeps())).toString("utf8"),
    )
    expect(await encryptStreamed(req, fixedDeps(), input.length + 1)).toBeNull()
    // dotenv has no threshold.
    const env = sealRequest(Buffer.from("A=1\n"), "dotenv", {})
    expect(await encryptStreamed(env, fixedDeps(), 1 << 30)).not.toBeNull()
  })

  it("should hand over dotenv without `=` on a line, and other formats read as dotenv would read them", async () => {
    for (const doc of ["A=1\nno equals sign\n", "sops_version=3.13.2\n"])
      expect(await encryptStreamed(sealRequest(Buffer.from(doc), "dotenv", {}), fixedDeps())).toBeNull()
    for (const format of ["ini", "binary"] as const)
      expect(await encryptStreamed(sealRequest(Buffer.from("A=1\n"), format, {}), fixedDeps(), 0)).toBeNull()
  })

  it("should hand over no key group, an empty one, other formats, and dotenv read in pieces", async () => {
    const json = Buffer.from(JSON_DOC)
    expect(
      await encryptStreamed({ ...sealRequest(json, "json", {}), keyGroups: [] }, fixedDeps(), 0),
    ).toBeNull()
    expect(await encryptStreamed(sealRequest(json, "json", { keyGroups: [[]] }), fixedDeps(), 0)).toBeNull()
    expect(
      await encryptStreamed(sealRequest(Buffer.from("[s]\na = 1\n"), "ini", {}), fixedDeps(), 0),
    ).toBeNull()
    expect(await encryptStreamed(sealRequest(json, "binary", {}), fixedDeps(), 0)).toBeNull()
    const yamlToJson = { ...sealRequest(Buffer.from(YAML_DOC), "yaml", {}), outputFormat: "json" as const }
    expect(await encryptStreamed(yamlToJson, fixedDeps(), 0)).toBeNull()
    const env = Buffer.from("A=1\n")
    expect(
      await encryptStreamed({ ...sealRequest(env, "dotenv", {}), input: fileLike(env) }, fixedDeps()),
    ).toBeNull()
    expect(
      await encryptStreamed({ ...sealRequest(Buffer.from(" \n\t"), "json", {}) }, fixedDeps(), 0),
    ).toBeNull()
    const blankFile = fileLike(Buffer.from("  \n"))
    expect(
      await encryptStreamed(
        { ...sealRequest(Buffer.from(""), "json", {}), input: blankFile },
        fixedDeps(),
        0,
      ),
    ).toBeNull()
  })

  for (const format of ["json", "yaml", "dotenv"] as const) {
    it(`${format}: should wrap the data key with the call options, then wipe it once sealed`, async () => {
      const doc = format === "json" ? JSON_DOC : format === "yaml" ? YAML_DOC : "A=1\n#c\nB_unencrypted=2\n"
      const signal = new AbortController().signal
      const seen: (AbortSignal | undefined)[] = []
      const backend: KeyBackend = {
        kind: "age",
        keyId: "age1fake",
        wrap: (dataKey, opts?: CallOptions) => {
          seen.push(opts?.signal)
          return fakeAge.wrap(dataKey)
        },
      }
      const req = { ...sealRequest(Buffer.from(doc), format, { keyGroups: [[backend]] }), call: { signal } }
      const { deps, given } = keptDeps()
      const producer = await encryptStreamed(req, deps, 0)
      if (producer === null) throw new Error("the one-pass path did not apply")
      expect(seen).toEqual([signal])
      expect(given[0]).toEqual(counterKey) // drawn, not yet wiped: nothing is sealed before the first piece
      expect(produced(producer)).toBe(Buffer.from(await encryptDocument(req, fixedDeps())).toString("utf8"))
      expect(wiped(given[0])).toBe(true)
    })
  }

  it("should write what the tree path writes, for each indent, rule and mac_only_encrypted", async () => {
    const docs = { json: JSON_DOC, yaml: `# top\n${YAML_DOC}# end\n`, dotenv: "A=1\n#c\nB_unencrypted=2\n" }
    for (const [format, doc] of Object.entries(docs) as [FormatName, string][])
      for (const indent of [null, 2])
        for (const rule of [null, { kind: RuleKind.EncryptedRegex, value: "^(a|b)$" }])
          for (const macOnly of [false, true]) {
            const req = sealRequest(Buffer.from(doc), format, { indent, rule, macOnly })
            const streamed = await encryptStreamed(req, fixedDeps(), 0)
            const want = Buffer.from(await encryptDocument(req, fixedDeps())).toString("utf8")
            expect(
              streamed === null ? "null" : produced(streamed),
              `${format} ${indent} ${rule?.kind} ${macOnly}`,
            ).toBe(want)
          }
  })

  it("should wipe the data key when it cannot be wrapped, and rethrow", async () => {
    const refusing: KeyBackend = {
      kind: "age",
      keyId: "age1refuses",
      wrap: () => Promise.reject(new BridgeError(ErrorCode.KeyBackend, "age1refuses: no")),
    }
    const { deps, given } = keptDeps()
    const req = sealRequest(Buffer.from(JSON_DOC), "json", { keyGroups: [[refusing]] })
    expect(await failureOf(encryptStreamed(req, deps, 0))).toMatch(/^KEY_WRAP: /)
    expect(given).toHaveLength(1)
    expect(wiped(given[0])).toBe(true)
  })

  it("should fail (INTERNAL) and wipe the key when the input changes between its two passes", async () => {
    const good = Buffer.from('{"a": "b"}')
    const bad = Buffer.from('{"a": "b"]')
    let current = good
    const source: ByteSource = {
      size: good.length,
      read: (into, at) => new BytesSource(current).read(into, at),
    }
    const { deps, given } = keptDeps()
    const producer = await encryptStreamed({ ...sealRequest(good, "json", {}), input: source }, deps, 0)
    if (producer === null) throw new Error("the one-pass path did not apply")
    current = bad
    let err: unknown
    try {
      produced(producer)
    } catch (e) {
      err = e
    }
    expect(err instanceof BridgeError ? `${err.code}: ${err.message}` : String(err)).toBe(
      "INTERNAL: doc.json: the input changed while it was sealed",
    )
    expect(wiped(given[0])).toBe(true)
  })
})

// --- opening ---

async function sealedFile(
  doc: string,
  format: FormatName,
  groups: KeyBackend[][] = [[fakeAge]],
): Promise<Buffer> {
  return Buffer.from(
    await encryptDocument(sealRequest(Buffer.from(doc), format, { keyGroups: groups }), fixedDeps()),
  )
}
const text = (pieces: Uint8Array[] | null): string =>
  pieces === null ? "null" : Buffer.concat(pieces).toString("utf8")

describe("openStreamed and decryptStreamed at their edges", () => {
  for (const [format, doc] of [
    ["json", JSON_DOC],
    ["yaml", YAML_DOC],
  ] as const) {
    it(`${format}: should open a file of exactly the threshold size, and hand over a smaller one`, async () => {
      const file = await sealedFile(doc, format)
      const r = recordingOpeners()
      const want = Buffer.from(await decryptDocument(openRequest(file, format, r.openers))).toString("utf8")
      expect(text(await decryptStreamed(openRequest(file, format, r.openers), file.length))).toBe(want)
      expect(await decryptStreamed(openRequest(file, format, r.openers), file.length + 1)).toBeNull()
      // Without a threshold: 1 MiB.
      expect(await openStreamed(openRequest(file, format, r.openers), new BytesSource(file))).toBeNull()
      expect(await openStreamed(openRequest(file, format, r.openers), new BytesSource(file), {})).toBeNull()
      // An empty --extract path is no extraction.
      expect(text(await decryptStreamed(openRequest(file, format, r.openers, { extract: [] }), 0))).toBe(want)
      const path = { extract: [{ kind: "key" as const, key: "a" }] }
      expect(await decryptStreamed(openRequest(file, format, r.openers, path), 0)).toBeNull()
      const other = format === "json" ? "yaml" : "json"
      expect(
        await decryptStreamed(openRequest(file, format, r.openers, { outputFormat: other }), 0),
      ).toBeNull()
      // Only JSON and YAML: the same bytes as dotenv or ini are not for this path.
      for (const as of ["dotenv", "ini"] as const)
        expect(await decryptStreamed(openRequest(file, as, r.openers), 0)).toBeNull()
      // Three opened: at the threshold, with the empty path, and the tree path's.
      expect(r.calls).toEqual(["age", "age", "age"])
    })

    it(`${format}: should write the output with the requested indent, as the tree path`, async () => {
      const file = await sealedFile(format === "json" ? JSON_DOC : YAML_DOC, format)
      const r = recordingOpeners()
      for (const indent of [2, 4, 6]) {
        const req = openRequest(file, format, r.openers, { emit: { indent } })
        const want = Buffer.from(await decryptDocument(req)).toString("utf8")
        expect(text(await decryptStreamed(req, 0))).toBe(want)
      }
    })

    it(`${format}: should read bytes in memory \`piece\` bytes at a time when asked, else take them whole`, async () => {
      const file = await sealedFile(format === "json" ? JSON_DOC : YAML_DOC, format)
      const r = recordingOpeners()
      const reads = vi.spyOn(BytesSource.prototype, "read")
      try {
        const whole = text(await decryptStreamed(openRequest(file, format, r.openers), 0))
        expect(reads).not.toHaveBeenCalled()
        expect(text(await decryptStreamed(openRequest(file, format, r.openers), 0, 7))).toBe(whole)
        // Each pass starts with one piece at 0 (the window then grows over a long token).
        expect(reads.mock.calls.filter(([, at]) => at === 0).map(([into]) => into.length)).toEqual([7, 7])
        reads.mockClear()
        // Sealing too.
        const req = sealRequest(Buffer.from(format === "json" ? JSON_DOC : YAML_DOC), format, {})
        const all = await encryptStreamed(req, fixedDeps(), 0)
        expect(reads).not.toHaveBeenCalled()
        const inPieces = await encryptStreamed(req, fixedDeps(), 0, 5)
        if (all === null || inPieces === null) throw new Error("the one-pass path did not apply")
        expect(produced(inPieces)).toBe(produced(all))
        expect(reads.mock.calls.filter(([, at]) => at === 0).map(([into]) => into.length)).toEqual([5, 5])
      } finally {
        reads.mockRestore()
      }
    })

    it(`${format}: should open the data key in the decryption order, with the call options, and wipe it`, async () => {
      const file = await sealedFile(doc, format, [[fakeAge, fakePgp]])
      const signal = new AbortController().signal
      const r = recordingOpeners()
      const want = Buffer.from(
        await decryptDocument(openRequest(file, format, recordingOpeners().openers)),
      ).toString("utf8")
      const req = openRequest(file, format, r.openers, { decryptionOrder: ["pgp"], call: { signal } })
      expect(text(await decryptStreamed(req, 0))).toBe(want)
      expect(r.calls).toEqual(["pgp"])
      expect(r.opts).toEqual([{ signal }])
      expect(r.keys).toHaveLength(1)
      expect(wiped(r.keys[0])).toBe(true)
      // The default order: age first.
      const d = recordingOpeners()
      expect(text(await decryptStreamed(openRequest(file, format, d.openers), 0))).toBe(want)
      expect(d.calls).toEqual(["age"])
      expect(wiped(d.keys[0])).toBe(true)
    })

    it(`${format}: should name the source when no key opens, and wipe the key when the MAC fails`, async () => {
      const file = await sealedFile(doc, format)
      const none: KeyOpener = { kind: "age", unwrap: () => Promise.resolve(null) }
      expect(await failureOf(decryptStreamed(openRequest(file, format, [none]), 0))).toMatch(
        new RegExp(`^NO_KEY: doc\\.${format}: failed to get the data key required to decrypt the file\\n`),
      )
      const edited = Buffer.from(file.toString("utf8").replace("clear", "CLEAR"))
      const r = recordingOpeners()
      expect(await failureOf(decryptStreamed(openRequest(edited, format, r.openers), 0))).toBe(
        `MAC_MISMATCH: doc.${format}: MAC mismatch`,
      )
      expect(wiped(r.keys[0])).toBe(true)
      // --ignore-mac: opened, the edit kept.
      const opened = text(
        await decryptStreamed(openRequest(edited, format, r.openers, { ignoreMac: true }), 0),
      )
      expect(opened).toContain("CLEAR")
    })

    it(`${format}: should run twice over the same bytes with the same digest, and keep the key until dispose`, async () => {
      const file = await sealedFile(doc, format)
      const r = recordingOpeners()
      const opening = await openStreamed(openRequest(file, format, r.openers), new BytesSource(file), {
        minBytes: 0,
      })
      if (opening === null) throw new Error("the one-pass path did not apply")
      const first = opening.run(null)
      const out: Uint8Array[] = []
      expect(opening.run((p) => out.push(p))).toBe(first)
      expect(first).toMatch(/^[0-9A-F]{128}$/)
      expect(text(out)).toBe(
        Buffer.from(await decryptDocument(openRequest(file, format, r.openers))).toString("utf8"),
      )
      expect(wiped(r.keys[0])).toBe(false)
      opening.dispose()
      expect(wiped(r.keys[0])).toBe(true)
    })
  }

  it("should hand over other formats, and JSON whose metadata is not a map or not sops metadata", async () => {
    const r = recordingOpeners()
    const env = await sealedFile("A=1\n", "dotenv")
    expect(await decryptStreamed(openRequest(env, "dotenv", r.openers), 0)).toBeNull()
    const file = await sealedFile(JSON_DOC, "json")
    const doc = JSON.parse(file.toString("utf8")) as Record<string, unknown>
    for (const sops of [1, "x", [], {}, { version: "3.13.2" }]) {
      const other = Buffer.from(JSON.stringify({ ...doc, sops }, null, "\t"))
      expect(await decryptStreamed(openRequest(other, "json", r.openers), 0)).toBeNull()
    }
    expect(r.calls).toEqual([])
  })

  it("should hand over YAML without a last top-level sops block, or with entries or bad metadata in it", async () => {
    const r = recordingOpeners()
    const file = (await sealedFile(YAML_DOC, "yaml")).toString("utf8")
    const cut = file.indexOf("\nsops:\n")
    const variants = [
      file.replace("\nsops:\n", "\nsops: \n"),
      `${file}extra: 1\n`,
      `${file.slice(0, cut + 1)}sops:\n    version: 3.13.2\n`,
      `${file.slice(0, cut + 1)}sops: [unclosed\n`,
      `${file.slice(0, cut + 1)}sops:\n    - 1\n`,
      // the sops block alone, at the start (no newline before it)
      file.slice(cut + 1),
      // a second document after the sops block
      `${file}---\nextra: 1\n`,
    ]
    for (const v of variants)
      expect(await decryptStreamed(openRequest(Buffer.from(v), "yaml", r.openers), 0)).toBeNull()
    expect(r.calls).toEqual([])
    // A duplicate top-level key in the data part: its first pass hands it over.
    const dup = `a: 1\n${file}`
    expect(await decryptStreamed(openRequest(Buffer.from(dup), "yaml", r.openers), 0)).toBeNull()
  })

  it("should hand over (null) a value the output format cannot write, before the MAC is checked", async () => {
    const file = (await sealedFile(JSON_DOC, "json")).toString("utf8")
    // The value of `a` replaced by +Inf typed float, sealed with the file's own key at its path.
    const inf = sealBytes(counterKey, Buffer.from("+Inf"), "float", "a:", new Uint8Array(32).fill(3))
    const edited = Buffer.from(file.replace(/"a": "ENC\[[^"]*"/, `"a": "${inf}"`))
    const r = recordingOpeners()
    for (const ignoreMac of [false, true])
      expect(await decryptStreamed(openRequest(edited, "json", r.openers, { ignoreMac }), 0)).toBeNull()
    // The tree path checks the MAC first, then cannot write the value (sops: the same words).
    expect(await failureOf(decryptDocument(openRequest(edited, "json", r.openers)))).toBe(
      "MAC_MISMATCH: doc.json: MAC mismatch",
    )
    expect(
      await failureOf(decryptDocument(openRequest(edited, "json", r.openers, { ignoreMac: true }))),
    ).toMatch(/^EMIT: error dumping file: json: unsupported value: /)
  })
})
