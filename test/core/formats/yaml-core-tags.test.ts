import { describe, expect, it } from "vitest"
import { errorOf } from "../../helpers/error-of.js"
import { yamlFormat } from "../../../src/formats/yaml.js"
import type { Branch } from "../../../src/tree/node.js"

// Explicit core tags type a scalar as go-yaml v3 does; every case was run through sops 3.13.2
// (`sops encrypt` of `a: <value>`: the type in ENC[…] and what `sops decrypt` prints).
const enc = (s: string): Uint8Array => new TextEncoder().encode(s)
const valueOf = (v: string): unknown => {
  const [branch] = yamlFormat.parse(enc(`a: ${v}\n`), "t.yaml") as [Branch]
  const first = branch.items[0]
  return first?.kind === "entry" && first.value.kind === "scalar" ? first.value.value : first
}

describe("YAML core tags", () => {
  it.each([
    ["!!int '3'", { kind: "int", value: 3n }],
    ['!!int "0x10"', { kind: "int", value: 16n }],
    ["!!float 1.5", { kind: "float", value: 1.5 }],
    ['!!float "1e3"', { kind: "float", value: 1000 }],
    ["!!float 2", { kind: "float", value: 2 }],
    ["!!float .inf", { kind: "float", value: Infinity }],
    ['!!bool "True"', { kind: "bool", value: true }],
    ["!!null ~", { kind: "null" }],
    ["!!timestamp 2001-12-14", { kind: "time", value: "2001-12-14T00:00:00Z" }],
    ["!!str 3", { kind: "string", value: "3" }],
    ["!foo bar", { kind: "string", value: "bar" }],
  ])("should read %s as sops does", (text, expected) => {
    expect(valueOf(text)).toEqual(expected)
  })

  it.each([
    ["!!int abc", "FORMAT t.yaml:1: cannot decode a !!str scalar as a !!int"],
    ["!!null foo", "FORMAT t.yaml:1: cannot decode a !!str scalar as a !!null"],
    ['!!bool "yes"', "FORMAT t.yaml:1: cannot decode a !!str scalar as a !!bool"],
    ["!!int 1.5", "FORMAT t.yaml:1: cannot decode a !!float scalar as a !!int"],
    ["!!int 99999999999999999999", "FORMAT t.yaml:1: cannot decode a !!float scalar as a !!int"],
    // An int is a float's only other core type: it is not a bool's, and a word is not a float.
    ["!!bool 1", "FORMAT t.yaml:1: cannot decode a !!int scalar as a !!bool"],
    ["!!float abc", "FORMAT t.yaml:1: cannot decode a !!str scalar as a !!float"],
  ])("should refuse %s as sops does (exit 2), without echoing the text", (text, message) => {
    expect(errorOf(() => valueOf(text))).toBe(message)
  })
})
