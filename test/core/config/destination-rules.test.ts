import { describe, expect, it } from "vitest"
import {
  BridgeError,
  matchDestinationRule,
  parseDestinationRules,
  vaultApiPath,
  withoutExtension,
} from "../../../src/index.js"

const CONFIG = `
destination_rules:
  - path_regex: ^s3/
    s3_bucket: b
    s3_prefix: p/
    recreation_rule:
      age: age1x
      unencrypted_suffix: _plain
  - path_regex: kv1
    vault_path: app
    vault_kv_mount_name: kv
    vault_kv_version: 1
  - path_regex: kv2
    vault_path: team/
    vault_address: https://vault.example:8200
    vault_kv_version: 7
  - s3_bucket: fallback
`

describe("destination_rules", () => {
  const rules = parseDestinationRules(CONFIG, ".sops.yaml")

  it("should read each destination as sops 3.13 does (slashes added, KV version 2 unless 1)", () => {
    expect(rules.map((r) => r.destination)).toEqual([
      { kind: "s3", bucket: "b", prefix: "p/" },
      { kind: "vault", address: "", path: "app/", mount: "kv/", kvVersion: 1 },
      { kind: "vault", address: "https://vault.example:8200", path: "team/", mount: "secret/", kvVersion: 2 },
      { kind: "s3", bucket: "fallback", prefix: "" },
    ])
    expect(rules[0]?.recreation.keyGroups).toEqual([[{ kind: "age", recipient: "age1x" }]])
    expect(rules[0]?.recreation.rule).toEqual({ kind: "unencrypted_suffix", value: "_plain" })
    expect(rules[1]?.recreation.keyGroups).toEqual([[]])
  })

  it("should pick the first rule whose regex matches the path as given, or one without a regex", () => {
    expect(matchDestinationRule(rules, "s3/app.yaml").destination?.kind).toBe("s3")
    expect(matchDestinationRule(rules, "x/kv2/app.yaml").destination).toMatchObject({ path: "team/" })
    expect(matchDestinationRule(rules, "other.yaml").destination).toMatchObject({ bucket: "fallback" })
    expect(() => matchDestinationRule(rules.slice(0, 3), "other.yaml")).toThrow(
      "error loading config: no matching destination found in config",
    )
  })

  it("should refuse a rule with two destinations with sops' message", () => {
    expect(() =>
      parseDestinationRules("destination_rules:\n  - s3_bucket: a\n    vault_path: b\n", "c"),
    ).toThrow("more than one destinations were found in a single destination rule")
  })

  it("should build sops' KV API paths and trim extensions as Go's filepath.Ext", () => {
    const [, v1, v2] = rules
    if (v1?.destination?.kind !== "vault" || v2?.destination?.kind !== "vault") throw new Error("rules")
    expect(vaultApiPath(v1.destination, "app.yaml")).toBe("kv/app/app.yaml")
    expect(vaultApiPath(v2.destination, "app")).toBe("secret/data/team/app")
    expect(withoutExtension("deep/one.enc.yaml")).toBe("deep/one.enc")
    expect(withoutExtension("dir.d/file")).toBe("dir.d/file")
  })

  it("should give line and column of a YAML syntax error, as .sops.yaml errors do, quote no input and carry a hint", () => {
    const cases: [string, string][] = [
      ['destination_rules:\n  - s3_bucket: "hunter2-secret\n', "/r/.sops.yaml:3:1: not valid yaml: "],
      ["destination_rules:\n\t- s3_bucket: hunter2-secret\n", "/r/.sops.yaml:2:1: not valid yaml: "],
      [
        "destination_rules:\n  - s3_bucket: x\n    s3_bucket: hunter2-secret\n",
        "/r/.sops.yaml:3:5: not valid yaml: ",
      ],
    ]
    for (const [text, prefix] of cases) {
      let caught: unknown
      try {
        parseDestinationRules(text, "/r/.sops.yaml")
      } catch (err) {
        caught = err
      }
      expect(caught).toBeInstanceOf(BridgeError)
      const err = caught as BridgeError
      expect(err.code).toBe("CONFIG")
      expect(err.message.startsWith(prefix), err.message).toBe(true)
      expect(err.message).not.toMatch(/hunter2|secret|s3_bucket/)
      expect(err.cause).toBeUndefined()
      expect(err.hint).toContain(".sops.yaml")
    }
  })

  it("should carry the .sops.yaml hint on every destination rule error", () => {
    const bad = [
      "destination_rules: 3\n",
      "destination_rules:\n  - 3\n",
      "destination_rules:\n  - s3_bucket: 3\n",
      "destination_rules:\n  - path_regex: '('\n    s3_bucket: b\n",
      "destination_rules:\n  - s3_bucket: b\n    omit_extensions: 3\n",
      "destination_rules:\n  - s3_bucket: a\n    vault_path: b\n",
      "destination_rules:\n  - gcs_bucket: a\n",
      "destination_rules:\n  - vault_path: a\n    vault_kv_version: x\n",
    ]
    for (const text of bad) {
      let caught: unknown
      try {
        parseDestinationRules(text, "c")
      } catch (err) {
        caught = err
      }
      expect(caught, text).toBeInstanceOf(BridgeError)
      expect((caught as BridgeError).code, text).toBe("CONFIG")
      expect((caught as BridgeError).hint, text).toContain(".sops.yaml")
    }
  })
})
