import path from "node:path"
import { describe, expect, it } from "vitest"
import { BridgeError } from "../../../src/errors.js"
import { findConfigFile, matchCreationRule } from "../../../src/config/find-config.js"
import { parseSopsConfig } from "../../../src/config/sops-config.js"

const AGE1 = "age1yt3tfqlfrwdwx0z0ynwplcr6qxcxfaqycuprpmy89nr83ltx74tqdpszlw"
const AGE2 = "age1tmaae3ld5vpevmsh5yacsauzx8jetg300mpvc4ugp5zr5l6ssq9sla97ep"

describe("parseSopsConfig", () => {
  it("should read flat keys, comma lists and the selection rule of each creation rule", () => {
    const cfg = parseSopsConfig(
      [
        "creation_rules:",
        "  - path_regex: prod/.*\\.yaml$",
        `    age: ${AGE1}, ${AGE2}`,
        "    encrypted_regex: ^(data|stringData)$",
        "    mac_only_encrypted: true",
        "  - age:",
        `      - ${AGE2}`,
      ].join("\n"),
      "/repo/.sops.yaml",
    )
    expect(cfg.rules).toHaveLength(2)
    expect(cfg.rules[0]?.pathRegex).toBe("prod/.*\\.yaml$")
    expect(cfg.rules[0]?.keyGroups).toEqual([
      [
        { kind: "age", recipient: AGE1 },
        { kind: "age", recipient: AGE2 },
      ],
    ])
    expect(cfg.rules[0]?.rule).toEqual({ kind: "encrypted_regex", value: "^(data|stringData)$" })
    expect(cfg.rules[0]?.macOnlyEncrypted).toBe(true)
    expect(cfg.rules[1]?.pathRegex).toBeNull()
    expect(cfg.rules[1]?.rule).toBeNull()
  })

  it("should read key_groups with a shamir threshold and drop duplicate keys in a group", () => {
    const cfg = parseSopsConfig(
      [
        "creation_rules:",
        "  - shamir_threshold: 2",
        "    key_groups:",
        `      - age: [${AGE1}, ${AGE1}]`,
        "        kms:",
        "          - arn: arn:aws:kms:us-east-1:123456789012:key/abc",
        "            context: {Team: platform}",
        `      - age: [${AGE2}]`,
      ].join("\n"),
      "/repo/.sops.yaml",
    )
    const rule = cfg.rules[0]
    expect(rule?.shamirThreshold).toBe(2)
    expect(rule?.keyGroups).toEqual([
      [
        { kind: "age", recipient: AGE1 },
        { kind: "kms", arn: "arn:aws:kms:us-east-1:123456789012:key/abc", context: { Team: "platform" } },
      ],
      [{ kind: "age", recipient: AGE2 }],
    ])
  })

  // sops 3.13.2 reads key_groups only when it lists a group: with `key_groups: []` it encrypts
  // for the rule's flat keys (checked with the sops binary); sealbridge refused such a rule as
  // naming no master key.
  it("should read the flat keys when key_groups is an empty list, as sops does", () => {
    const cfg = parseSopsConfig(
      `creation_rules:\n  - key_groups: []\n    age: ${AGE1}\n    pgp: ABCD\n`,
      "/repo/.sops.yaml",
    )
    expect(cfg.rules[0]?.keyGroups).toEqual([
      [
        { kind: "age", recipient: AGE1 },
        { kind: "pgp", fingerprint: "ABCD" },
      ],
    ])
    const groupOfNone = parseSopsConfig(
      `creation_rules:\n  - key_groups: [{}]\n    age: ${AGE1}\n`,
      "/r/.sops.yaml",
    )
    expect(groupOfNone.rules[0]?.keyGroups).toEqual([[]])
    expect(() => parseSopsConfig("creation_rules:\n  - key_groups: x\n", "/r/.sops.yaml")).toThrow(
      "/r/.sops.yaml: creation_rules[0].key_groups: must be a list",
    )
  })

  it("should refuse two selection rules in one creation rule", () => {
    const text = "creation_rules:\n  - encrypted_regex: a\n    unencrypted_suffix: _plain\n"
    expect(() => parseSopsConfig(text, "/r/.sops.yaml")).toThrow(/only one of/)
  })

  it("should name the field that has the wrong type", () => {
    expect(() => parseSopsConfig("creation_rules:\n  - age: 3\n", "/r/.sops.yaml")).toThrow(
      "/r/.sops.yaml: creation_rules[0].age: must be a string or a list of strings",
    )
  })

  it("should give line and column of a syntax error, quote no input and carry a hint", () => {
    const cases: [string, string][] = [
      ['creation_rules:\n  - age: "hunter2-secret\n', "/r/.sops.yaml:3:1: not valid yaml: "],
      ["creation_rules:\n\t- age: hunter2-secret\n", "/r/.sops.yaml:2:1: not valid yaml: "],
      ["creation_rules:\n  - age: x\n    age: hunter2-secret\n", "/r/.sops.yaml:3:5: not valid yaml: "],
    ]
    for (const [text, prefix] of cases) {
      let caught: unknown
      try {
        parseSopsConfig(text, "/r/.sops.yaml")
      } catch (err) {
        caught = err
      }
      expect(caught).toBeInstanceOf(BridgeError)
      const err = caught as BridgeError
      expect(err.code).toBe("CONFIG")
      expect(err.message.startsWith(prefix), err.message).toBe(true)
      expect(err.message).not.toMatch(/hunter2|secret|age:/)
      // --debug prints causes: the parser's own message quotes the input, so none is kept.
      expect(err.cause).toBeUndefined()
      expect(err.hint).toContain(".sops.yaml")
    }
  })

  it("should refuse an alias bomb as a config error", () => {
    const bomb = ["a: &a [x, x, x, x, x, x, x, x, x, x]"]
    for (const n of ["b", "c", "d", "e", "f"]) {
      const prev = bomb.length === 1 ? "a" : String.fromCharCode(n.charCodeAt(0) - 1)
      bomb.push(`${n}: &${n} [${Array(10).fill(`*${prev}`).join(", ")}]`)
    }
    expect(() => parseSopsConfig(bomb.join("\n") + "\n", "/r/.sops.yaml")).toThrow(
      "/r/.sops.yaml: too many aliases",
    )
  })

  it("should refuse a path_regex that is not RE2 (e.g. a lookahead)", () => {
    expect(() => parseSopsConfig("creation_rules:\n  - path_regex: (?=x)\n", "/r/.sops.yaml")).toThrow(
      BridgeError,
    )
  })

  it("should ignore a file with no creation_rules", () => {
    expect(parseSopsConfig("stores:\n  yaml:\n    indent: 2\n", "/r/.sops.yaml")).toEqual({
      path: "/r/.sops.yaml",
      rules: [],
      stores: { yamlIndent: 2 },
    })
  })
})

describe("matchCreationRule", () => {
  const cfg = parseSopsConfig(
    `creation_rules:\n  - path_regex: ^secrets/\n    age: ${AGE1}\n  - path_regex: \\.env$\n    age: ${AGE2}\n`,
    "/repo/.sops.yaml",
  )

  it("should match the path relative to the config directory, first match winning", () => {
    expect(matchCreationRule(cfg, "/repo/secrets/a.env", path.posix)?.keyGroups[0]).toEqual([
      { kind: "age", recipient: AGE1 },
    ])
    expect(matchCreationRule(cfg, "/repo/app/b.env", path.posix)?.keyGroups[0]).toEqual([
      { kind: "age", recipient: AGE2 },
    ])
  })

  it("should fail with a config error when no rule matches", () => {
    expect(() => matchCreationRule(cfg, "/repo/app/c.yaml", path.posix)).toThrow(
      /no creation rule matches app\/c.yaml/,
    )
  })

  it("should use RE2 semantics such as (?i) inline flags", () => {
    const ci = parseSopsConfig(
      `creation_rules:\n  - path_regex: (?i)PROD\n    age: ${AGE1}\n`,
      "/repo/.sops.yaml",
    )
    expect(matchCreationRule(ci, "/repo/prod/x.yaml", path.posix)).toBe(ci.rules[0])
  })
})

describe("findConfigFile", () => {
  it("should walk up from the working directory first, then from the file's directory", () => {
    const files = new Set(["/a/.sops.yaml", "/x/y/.sops.yaml"])
    const exists = (p: string): boolean => files.has(p)
    expect(findConfigFile(["/a/b/c", "/x/y/z"], exists, path.posix)).toBe("/a/.sops.yaml")
    expect(findConfigFile(["/q", "/x/y/z"], exists, path.posix)).toBe("/x/y/.sops.yaml")
    expect(findConfigFile(["/q"], exists, path.posix)).toBeNull()
  })
})
