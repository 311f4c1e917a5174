import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { formatEnvelope, isEnvelope, parseEnvelope } from "../../../src/seal/envelope.js"
import { MacBuilder } from "../../../src/seal/mac.js"

// Spec §2 (value syntax) and §5 (MAC), checked on the units themselves: the round trips of the
// property tests cannot see a parser that is too lenient or a MAC that drops its mode prefix.
const bytes = (n: number, fill: number): Uint8Array => new Uint8Array(n).fill(fill)
const sample = { data: bytes(5, 1), iv: bytes(32, 2), tag: bytes(16, 3), type: "str" }
const good = formatEnvelope(sample)

describe("envelope syntax", () => {
  it("should write the sops layout and read back the same parts", () => {
    expect(good).toBe(
      "ENC[AES256_GCM,data:AQEBAQE=,iv:AgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgI=,tag:AwMDAwMDAwMDAwMDAwMDAw==,type:str]",
    )
    const back = parseEnvelope(good)
    expect(back).not.toBeNull()
    expect(Buffer.from(back?.data ?? [])).toEqual(Buffer.from(sample.data))
    expect(Buffer.from(back?.iv ?? [])).toEqual(Buffer.from(sample.iv))
    expect(Buffer.from(back?.tag ?? [])).toEqual(Buffer.from(sample.tag))
    expect(back?.type).toBe("str")
  })

  it("should write a view of a Uint8Array at an offset, not its whole buffer", () => {
    const backing = Uint8Array.from([9, 9, 1, 2, 3, 9])
    const e = formatEnvelope({ ...sample, data: backing.subarray(2, 5) })
    expect(e).toContain("data:AQID,")
  })

  it.each([
    ["a character outside base64", good.replace("data:AQEBAQE=", "data:AQE*AQE=")],
    ["base64 whose length is not a multiple of 4", good.replace("data:AQEBAQE=", "data:AQEBAQ")],
    ["broken base64 in the iv", good.replace("iv:AgIC", "iv:Ag-C")],
    ["broken base64 in the tag", good.replace("tag:AwMD", "tag:Aw.D")],
    ["padding in the middle", good.replace("data:AQEBAQE=", "data:AQ==AQE=")],
    ["another cipher", good.replace("AES256_GCM", "AES128_GCM")],
    ["text before ENC[ (the regex is anchored at the start)", "x" + good],
    ["no type", good.replace(",type:str]", "]")],
  ])("should not parse %s", (_what, text) => {
    expect(parseEnvelope(text)).toBeNull()
  })

  it("should not parse empty data: sops' regex needs a character in every part", () => {
    expect(parseEnvelope(good.replace("data:AQEBAQE=", "data:"))).toBeNull()
  })

  it("should tell envelopes from other strings by their prefix only", () => {
    expect(isEnvelope(good)).toBe(true)
    expect(isEnvelope("ENC[AES256_GCM,")).toBe(true)
    expect(isEnvelope(" " + good)).toBe(false)
    expect(isEnvelope("ENC[AES256_GCM")).toBe(false)
    expect(isEnvelope("enc[aes256_gcm,data:x")).toBe(false)
  })
})

describe("MAC (spec §5 and the worked example §10.1)", () => {
  const feed = (macOnly: boolean, parts: string[]): string => {
    const mac = new MacBuilder(macOnly)
    for (const p of parts) mac.add(new TextEncoder().encode(p))
    return mac.digestHex()
  }

  it("should hash the cleartext values in order, uppercase hex, as the spec example", () => {
    expect(feed(false, ["admin", "5432", "True", "a", "b", "keep me"])).toBe(
      "FDE1333314D82B2FC110DC0C6EECBAD78EA20100D20EF4D105F0B8E1162DEB4E05F641916B6F55E2F10A1ECB70312BF97CB8AAE1AA402F8D3383EAEE349C8D2B",
    )
  })

  it("should feed SHA-256('sops') first in mac_only_encrypted mode, as the spec example", () => {
    const d = feed(true, ["admin", "5432", "True", "a", "b"])
    expect(d.startsWith("4720DE3A600B0E82")).toBe(true)
    expect(d.endsWith("6369848")).toBe(true)
    expect(d).not.toBe(feed(false, ["admin", "5432", "True", "a", "b"]))
  })
})

// sops' own rule, kept here as the reference: parseEnvelope reads well-formed envelopes with one
// stricter regex first and must agree with this on every string.
const SOPS_ENVELOPE = /^ENC\[AES256_GCM,data:(.+),iv:(.+),tag:(.+),type:(.+)\]/
function referenceParse(s: string): { data: string; iv: string; tag: string; type: string } | null {
  const m = SOPS_ENVELOPE.exec(s)
  if (m === null) return null
  const [, data = "", iv = "", tag = "", type = ""] = m
  const ok = (p: string): boolean => /^[A-Za-z0-9+/]*={0,2}$/.test(p) && p.length % 4 === 0
  if (!ok(data) || !ok(iv) || !ok(tag)) return null
  const b64 = (p: string): string => Buffer.from(p, "base64").toString("base64")
  return { data: b64(data), iv: b64(iv), tag: b64(tag), type }
}

describe("envelope parsing agrees with sops' regex", () => {
  const b64 = fc.uint8Array({ maxLength: 40 }).map((b) => Buffer.from(b).toString("base64"))
  const piece = fc.oneof(
    b64,
    fc.constantFrom("", "=", "A", "AB=", "A=BC", ",", "]", ",iv:", ",tag:A,", "\n", "\u2028", "x]y"),
    fc.string({ maxLength: 6 }),
  )
  // A type holding another envelope's tail: sops' greedy groups then split at its commas.
  const nested = fc.tuple(b64, b64, piece).map(([i, t, ty]) => `x,iv:${i},tag:${t},type:${ty}`)
  const type = fc.oneof(
    fc.constantFrom("str", "int", "comment", "a,b", "s]t", "", "x\ny", "s]"),
    piece,
    nested,
  )
  const envelopeLike = fc
    .tuple(
      piece,
      piece,
      piece,
      type,
      fc.constantFrom("]", "]]", "] tail", "", "]\n"),
      fc.constantFrom("", "x"),
    )
    .map(([d, i, t, ty, end, pre]) => `${pre}ENC[AES256_GCM,data:${d},iv:${i},tag:${t},type:${ty}${end}`)

  it("should give the regex path's parts for every string, well-formed or not", () => {
    fc.assert(
      fc.property(envelopeLike, (s) => {
        const got = parseEnvelope(s)
        const want = referenceParse(s)
        const parts =
          got === null
            ? null
            : {
                data: Buffer.from(got.data).toString("base64"),
                iv: Buffer.from(got.iv).toString("base64"),
                tag: Buffer.from(got.tag).toString("base64"),
                type: got.type,
              }
        expect(parts).toEqual(want)
      }),
      { numRuns: 3000 },
    )
  })

  it("should read what formatEnvelope writes", () => {
    expect(parseEnvelope(good)?.type).toBe("str")
    expect(parseEnvelope(good.replace("type:str]", "type:a,b]"))?.type).toBe("a,b")
    expect(parseEnvelope(good + "]")?.type).toBe("str]")
  })
})
