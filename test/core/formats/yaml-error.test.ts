import { describe, expect, it } from "vitest"
import { parseDocument, YAMLParseError } from "yaml"
import { readConfigYaml } from "../../../src/config/sops-config.js"
import { yamlErrorAt } from "../../../src/formats/yaml-error.js"
import { yamlFormat } from "../../../src/formats/yaml.js"
import { errorOf } from "../../helpers/error-of.js"

// YAML syntax errors (issue 8, mutation testing): the position as line and column, and the
// `yaml` package's reason with every character of the input taken out: its messages quote the
// offending text (or, for a few, append it unquoted), and a broken file may be full of secrets.

const enc = (s: string): Uint8Array => new TextEncoder().encode(s)
const parseError = (text: string): string => errorOf(() => yamlFormat.parse(enc(text), "f.yaml"))

describe("YAML syntax errors from the format", () => {
  it.each([
    // Regression: these three echoed the input after the reason ("…characters: |secretword",
    // "Invalid escape sequence \\xZZ"), a leak of what follows a typo in a secrets file.
    ["a: |secretword\n  x\n", "1:5", "Block scalar header includes extra characters: …"],
    ["a: |-secret\n  x\n", "1:6", "Block scalar header includes extra characters: …"],
    ['a: "\\qsecret"\n', "1:5", "Invalid escape sequence …"],
    ['a: "x\\xZZsecret"\n', "1:6", "Invalid escape sequence …"],
    ['"a\\uZZZZsecret": 1\n', "1:3", "Invalid escape sequence …"],
    // Quoted by the package itself (JSON.stringify of the token).
    ['a: [1, 2]] x"se"cret\n', "1:10", "Unexpected flow-seq-end token in YAML stream: …"],
    ["a: ]secret\n", "1:4", "Unexpected flow-seq-end token in YAML stream: …"],
    // No input in the reason: kept word for word.
    ["- a\nb: topsecret\n", "2:1", "Unexpected scalar at node end"],
    ["a: 'k\n\n   l' secretz\n", "3:7", "Unexpected scalar at node end"],
    ['a: "secret\n', "2:1", 'Missing closing "quote'],
    ["a: 1\nsecret\n", "2:1", "Implicit map keys need to be followed by map values"],
  ])("should report %j at %s without its text", (text, at, reason) => {
    const message = parseError(text)
    expect(message).toBe(`FORMAT f.yaml:${at}: invalid yaml: ${reason}`)
    expect(message).not.toMatch(/secret|ZZ|\\q|se"/)
  })

  it("should count lines and columns past 9", () => {
    const text = `${Array.from({ length: 11 }, (_, i) => `key${String(i)}: v\n`).join("")}longkey12: [1, 2]] secret\n`
    expect(parseError(text)).toBe(
      "FORMAT f.yaml:12:18: invalid yaml: Unexpected flow-seq-end token in YAML stream: …",
    )
  })

  it("should give .sops.yaml the same reason", () => {
    expect(errorOf(() => readConfigYaml('creation_rules: "\\qsecret"\n', ".sops.yaml"))).toBe(
      "CONFIG .sops.yaml:1:18: not valid yaml: Invalid escape sequence …",
    )
  })
})

describe("yamlErrorAt", () => {
  it("should drop the position and source excerpt the package's pretty errors add", () => {
    const text = `${Array.from({ length: 11 }, (_, i) => `key${String(i)}: v\n`).join("")}longkey12: [1, 2]] "secret words"\n`
    const err = parseDocument(text).errors[0]
    if (err === undefined) throw new Error("expected a parse error")
    // What the package says: the reason, where, and the line itself under it.
    expect(err.message).toContain('at line 12, column 18:\n\nlongkey12: [1, 2]] "secret words"\n')
    expect(yamlErrorAt(text, err)).toEqual({
      line: 12,
      column: 18,
      reason: "Unexpected flow-seq-end token in YAML stream: …",
    })
  })

  const at = (message: string, text = "a: b\nc: d\n", pos = 7): ReturnType<typeof yamlErrorAt> =>
    yamlErrorAt(text, new YAMLParseError([pos, pos + 1], "UNEXPECTED_TOKEN", message))

  it("should take the position from the error's offset", () => {
    expect(at("Bad")).toEqual({ line: 2, column: 3, reason: "Bad" })
    expect(at("Bad", "a: b\nc: d\n", 0)).toEqual({ line: 1, column: 1, reason: "Bad" })
  })

  it.each([
    // The pretty form on a blank line has no excerpt and so no colon.
    ["Unexpected thing at line 2, column 3", "Unexpected thing"],
    ["Unexpected thing at line 2, column 3:", "Unexpected thing"],
    ["Unexpected thing at line 123, column 456:", "Unexpected thing"],
    // Only a position at the end is the prettifier's.
    ["Unexpected thing at line 2, column 3 of it", "Unexpected thing at line 2, column 3 of it"],
    // Only the first line: the rest is the excerpt.
    ["First line\nsecret line\n  ^", "First line"],
    // Every quoted text, whatever quotes it.
    ['Unexpected scalar token in YAML stream: "secret words"', "Unexpected scalar token in YAML stream: …"],
    ['Anchor must not contain whitespace: "se\\"cr et"', "Anchor must not contain whitespace: …"],
    ['Between "one" and "two"', "Between … and …"],
    ['Empty "" quotes', "Empty … quotes"],
    ["Unexpected 'secret words' here", "Unexpected … here"],
    ["Unexpected `secret words` here", "Unexpected … here"],
    ["Unexpected '' and ``", "Unexpected … and …"],
    // A lone quote is a word of the message.
    ['Missing closing "quote', 'Missing closing "quote'],
    ["Missing closing 'quote", "Missing closing 'quote"],
    // Unquoted input at the end of these three.
    [
      "Block scalar header includes extra characters: |secret",
      "Block scalar header includes extra characters: …",
    ],
    ["Invalid escape sequence \\xZZ", "Invalid escape sequence …"],
    ['Not a YAML token: secret: "secret"', "Not a YAML token: …"],
    ["Invalid escape sequence \\q at line 2, column 3:", "Invalid escape sequence …"],
  ])("should make %j read %j", (message, reason) => {
    expect(at(message).reason).toBe(reason)
  })
})
