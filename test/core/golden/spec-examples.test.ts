import { describe, expect, it } from "vitest"
import type { KeyBackend, WrappedKey } from "../../../src/keys/backend.js"
import { encryptDocument } from "../../../src/ops/encrypt-document.js"

// Spec §10: sealing with fixed randomness reproduces the worked examples byte for byte.
// Data key 00..1f, value IVs 32 copies of one byte in walk order, MAC IV last, fixed time.
const DATA_KEY = Uint8Array.from({ length: 32 }, (_, i) => i)
const ENC_BLOCK =
  "-----BEGIN AGE ENCRYPTED FILE-----\n(armored age file wrapping K for the recipient below)\n-----END AGE ENCRYPTED FILE-----\n"

/** Hands out the data key, then one IV per call from `ivBytes`. */
function fixedRandom(ivBytes: readonly number[]): (n: number) => Uint8Array {
  const queue = [...ivBytes]
  let first = true
  return (n) => {
    if (first && n === 32) {
      first = false
      return DATA_KEY.slice()
    }
    const b = queue.shift()
    if (b === undefined)
      throw new Error("golden test: more random bytes asked for than the spec example uses")
    return new Uint8Array(n).fill(b)
  }
}

const fakeAge: KeyBackend = {
  kind: "age",
  keyId: "age1…",
  wrap: (dataKey): Promise<WrappedKey> => {
    expect(Buffer.from(dataKey).equals(Buffer.from(DATA_KEY))).toBe(true)
    return Promise.resolve({ kind: "age", recipient: "age1…", enc: ENC_BLOCK })
  },
}

const deps = (ivs: number[]) => ({
  now: () => new Date("2024-01-01T00:00:00Z"),
  randomBytes: fixedRandom(ivs),
})
const text = (b: Uint8Array): string => new TextDecoder().decode(b)

describe("spec §10 worked examples", () => {
  it("§10.1 YAML: every envelope, the MAC and the metadata block match byte for byte", async () => {
    const input =
      "# db settings\ndb:\n    user: admin\n    port: 5432\n    enabled: true\ntags:\n    - a\n    - b\nnote_unencrypted: keep me\n"
    const out = await encryptDocument(
      {
        input: new TextEncoder().encode(input),
        source: "example.yaml",
        inputFormat: "yaml",
        outputFormat: "yaml",
        keyGroups: [[fakeAge]],
        shamirThreshold: 0,
        rule: null,
        macOnlyEncrypted: false,
      },
      deps([0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0xff]),
    )
    expect(text(out)).toBe(
      [
        "#ENC[AES256_GCM,data:mcDLx6rPHRgcUYAD,iv:AQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQE=,tag:11rJZRU3JGi405h3H8S66Q==,type:comment]",
        "db:",
        "    user: ENC[AES256_GCM,data:Dh+ULCQ=,iv:AgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgI=,tag:3qHiBMfi/H/7GOUMxXK/rA==,type:str]",
        "    port: ENC[AES256_GCM,data:X0BwXg==,iv:AwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwM=,tag:+SWAP2FgLc1t2iND+4IjTQ==,type:int]",
        "    enabled: ENC[AES256_GCM,data:On4aDA==,iv:BAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQ=,tag:PFJbwJZO2LbMgZQlNnLw+A==,type:bool]",
        "tags:",
        "    - ENC[AES256_GCM,data:kQ==,iv:BQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQU=,tag:3uMqU+TtpM7WFCIflKo8ew==,type:str]",
        "    - ENC[AES256_GCM,data:2g==,iv:BgYGBgYGBgYGBgYGBgYGBgYGBgYGBgYGBgYGBgYGBgY=,tag:fQPIGPB+4A6uyOYjcuFjsw==,type:str]",
        "note_unencrypted: keep me",
        "sops:",
        "    age:",
        "        - enc: |",
        "            -----BEGIN AGE ENCRYPTED FILE-----",
        "            (armored age file wrapping K for the recipient below)",
        "            -----END AGE ENCRYPTED FILE-----",
        "          recipient: age1…",
        '    lastmodified: "2024-01-01T00:00:00Z"',
        "    mac: ENC[AES256_GCM,data:HaK9OlSUhwVRIfZoW82mDm0FDzqlWCgQts4WdSdslyBlZJ/USFapCyc4sueOt+cVc0eklGpdEgD7qzNIjlYp3EvbVsVgIwYEHEuOWsHX77YyDBt4poisPCDMLfZlzK3nKC99PhGNl4U8eaE7uVvPUPA7JCekCcKG9QEZEv1IsH8=,iv://////////////////////////////////////////8=,tag:NEwddkIp1Uy/zC2g2OxdjQ==,type:str]",
        "    unencrypted_suffix: _unencrypted",
        "    version: 3.13.2",
        "",
      ].join("\n"),
    )
  })

  it("§10.2 JSON: big integer exact, float 1.0 sealed as 1, list items share their AAD", async () => {
    const input =
      '{"id": 9007199254740993, "ratio": 1.0, "list": [{"k": "v"}, {"k": "w"}], "empty": "", "nothing": null}'
    const out = text(
      await encryptDocument(
        {
          input: new TextEncoder().encode(input),
          source: "example.json",
          inputFormat: "json",
          outputFormat: "json",
          keyGroups: [[fakeAge]],
          shamirThreshold: 0,
          rule: null,
          macOnlyEncrypted: false,
        },
        deps([0x11, 0x12, 0x13, 0x14, 0xfe]),
      ),
    )
    const doc = JSON.parse(out) as Record<string, unknown>
    expect(doc["id"]).toBe(
      "ENC[AES256_GCM,data:iDr+Su63BoyTZzAVLpF5Iw==,iv:ERERERERERERERERERERERERERERERERERERERERERE=,tag:YLA4/0MdC1di0Y2fdZLbmg==,type:int]",
    )
    expect(doc["ratio"]).toMatch(
      /^ENC\[AES256_GCM,data:EA==,iv:[^,]+,tag:A3NNx0HRiNiXvR0Y4HPQqg==,type:float\]$/,
    )
    expect(out).toContain("data:sA==,")
    expect(out).toContain("tag:hLNzElJiI12txHp/RyWBMg==")
    expect(out).toContain("data:QA==,")
    expect(out).toContain("tag:/WjKbABV0bTI1pDD9QOj+Q==")
    expect(doc["empty"]).toBe("")
    expect(doc["nothing"]).toBeNull()
    const sops = doc["sops"] as Record<string, unknown>
    expect(Object.keys(sops)).toEqual(["age", "lastmodified", "mac", "unencrypted_suffix", "version"])
    expect(sops["mac"]).toMatch(/tag:5K9pBpRfjae0tfcmcsXcSQ==,type:str\]$/)
    expect(out.startsWith('{\n\t"id": "ENC[')).toBe(true)
    expect(out.endsWith("\n}\n")).toBe(true)
  })
})
