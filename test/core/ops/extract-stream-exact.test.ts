import { describe, expect, it } from "vitest"
import { BytesSource } from "../../../src/formats/byte-source.js"
import type { FormatName } from "../../../src/formats/format.js"
import type { DecryptRequest } from "../../../src/ops/decrypt-document.js"
import { extractStreamed } from "../../../src/ops/extract-stream.js"
import { parseExtractPath } from "../../../src/ops/extract.js"
import { fakeBackend, fakeOpener, sealWith, type FakeOpener } from "../../helpers/fake-keys.js"

// extractStreamed's own decisions, exactly (issue 8: mutation testing of src/ops, part
// `extract`): when the one-pass path applies (size against minBytes and its default, a path
// given), and that the data key is wiped whether it prints, fails or hands over. The outputs
// themselves are compared with the tree path in extract-stream.test.ts.

const enc = (s: string): Uint8Array => new TextEncoder().encode(s)
const dec = (b: Uint8Array | null): string | null => (b === null ? null : new TextDecoder().decode(b))

const PLAIN = {
  yaml: "a:\n    b: secret\n    l:\n        - 1\n        - x\n",
  json: '{"a":{"b":"secret","l":[1,"x"]}}',
}

const sealed = (format: FormatName): Promise<Uint8Array> =>
  sealWith(format === "json" ? PLAIN.json : PLAIN.yaml, [[fakeBackend("pgp", "K")]], {
    source: `s.${format}`,
    format,
  })

const request = (
  format: FormatName,
  path: string | null,
  opener: FakeOpener,
  ignoreMac = false,
): DecryptRequest => ({
  input: new Uint8Array(0),
  source: `s.${format}`,
  inputFormat: format,
  outputFormat: "yaml",
  openers: [opener],
  ignoreMac,
  ...(path === null ? {} : { extract: parseExtractPath(path) }),
})

const wiped = (o: FakeOpener): boolean =>
  o.handed.length === 1 && o.handed.every((k) => k.every((b) => b === 0))

describe("extractStreamed: when it applies", () => {
  it.each(["yaml", "json"] as const)(
    "should take a %s file of minBytes or more, and leave smaller ones",
    async (format) => {
      const file = await sealed(format)
      const o = fakeOpener("pgp", ["K"])
      const src = new BytesSource(file)
      expect(
        dec(await extractStreamed(request(format, `["a"]["b"]`, o), src, { minBytes: file.length })),
      ).toBe("secret")
      expect(wiped(o)).toBe(true)
      const small = fakeOpener("pgp", ["K"])
      expect(
        await extractStreamed(request(format, `["a"]["b"]`, small), src, { minBytes: file.length + 1 }),
      ).toBeNull()
      // The default threshold: 1 MiB.
      expect(await extractStreamed(request(format, `["a"]["b"]`, small), src)).toBeNull()
      expect(await extractStreamed(request(format, `["a"]["b"]`, small), src, {})).toBeNull()
      expect(small.calls).toHaveLength(0)
    },
  )

  it("should leave a request with no path or an empty one to the tree path", async () => {
    const file = await sealed("yaml")
    const o = fakeOpener("pgp", ["K"])
    expect(await extractStreamed(request("yaml", null, o), new BytesSource(file), { minBytes: 0 })).toBeNull()
    expect(await extractStreamed(request("yaml", "", o), new BytesSource(file), { minBytes: 0 })).toBeNull()
    expect(o.calls).toHaveLength(0)
  })

  it("should leave other formats and plain files to the tree path", async () => {
    const o = fakeOpener("pgp", ["K"])
    const plain = new BytesSource(enc(PLAIN.yaml))
    expect(await extractStreamed(request("yaml", `["a"]`, o), plain, { minBytes: 0 })).toBeNull()
    const dotenv = new BytesSource(enc("a=b\n"))
    expect(await extractStreamed(request("dotenv", `["a"]`, o), dotenv, { minBytes: 0 })).toBeNull()
    expect(o.calls).toHaveLength(0)
  })
})

describe("extractStreamed: the data key", () => {
  it("should wipe the data key when the path is missing, with and without --ignore-mac", async () => {
    const file = await sealed("yaml")
    const o = fakeOpener("pgp", ["K"])
    const err = await extractStreamed(request("yaml", `["z"]`, o), new BytesSource(file), {
      minBytes: 0,
    }).catch((e: unknown) => e)
    expect(err).toMatchObject({
      code: "EXTRACT_MISSING",
      message: "error truncating tree: component ['z'] not found",
    })
    expect(wiped(o)).toBe(true)
    const ig = fakeOpener("pgp", ["K"])
    expect(
      await extractStreamed(request("yaml", `["z"]`, ig, true), new BytesSource(file), { minBytes: 0 }),
    ).toBeNull()
    expect(wiped(ig)).toBe(true)
  })

  it("should wipe the data key when the MAC does not match, and not check it with --ignore-mac", async () => {
    const file = enc(
      new TextDecoder()
        .decode(await sealed("yaml"))
        .replace(/lastmodified: .*/, 'lastmodified: "2026-01-02T03:04:06Z"'),
    )
    const o = fakeOpener("pgp", ["K"])
    const err = await extractStreamed(request("yaml", `["a"]["b"]`, o), new BytesSource(file), {
      minBytes: 0,
    }).catch((e: unknown) => e)
    expect(err).toMatchObject({ code: "MAC_MISMATCH" })
    expect(wiped(o)).toBe(true)
    const ig = fakeOpener("pgp", ["K"])
    expect(
      dec(
        await extractStreamed(request("yaml", `["a"]["l"]`, ig, true), new BytesSource(file), {
          minBytes: 0,
        }),
      ),
    ).toBe("- 1\n- x\n")
    expect(wiped(ig)).toBe(true)
  })
})

describe("extractStreamed: errors while reading", () => {
  it("should hand a value the input format cannot write back to the tree path", async () => {
    // Infinity, sealed from YAML into a JSON file: JSON cannot hold it, so the one-pass reader
    // (which writes what it reads) gives up and the tree path decides.
    const file = await sealWith("a: .inf\nb: x\n", [[fakeBackend("pgp", "K")]], {
      source: "s.yaml",
      outputFormat: "json",
    })
    const o = fakeOpener("pgp", ["K"])
    expect(
      await extractStreamed(request("json", `["b"]`, o), new BytesSource(file), { minBytes: 0 }),
    ).toBeNull()
    expect(wiped(o)).toBe(true)
  })

  it("should pass a damaged value's error on, and wipe the data key", async () => {
    const text = new TextDecoder().decode(await sealed("yaml"))
    const damaged = enc(text.replace(/^( {4}b: ENC\[AES256_GCM,data:)/m, "$1x"))
    expect(damaged).not.toEqual(enc(text))
    for (const ignoreMac of [false, true]) {
      const o = fakeOpener("pgp", ["K"])
      const err = await extractStreamed(
        request("yaml", `["a"]["b"]`, o, ignoreMac),
        new BytesSource(damaged),
        {
          minBytes: 0,
        },
      ).catch((e: unknown) => e)
      expect(err).toMatchObject({ code: "DECRYPT" })
      expect((err as Error).message).toMatch(/^s\.yaml: /)
      expect(wiped(o)).toBe(true)
    }
  })
})
