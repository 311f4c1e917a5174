import { readFileSync } from "node:fs"
import { describe, expect, it } from "vitest"
import { parseAllDocuments } from "yaml"
import { parseGoDuration } from "../../controller/api/duration.js"
import { parseExternalSecretSpec } from "../../controller/api/parse-external-secret.js"
import { parseStoreSpec } from "../../controller/api/parse-store.js"
import { parseSopsSecretSpec } from "../../controller/api/parse-sops-secret.js"
import { messageOf } from "../helpers/error-of.js"

const fixture = (name: string) =>
  parseAllDocuments(readFileSync(new URL(`../fixtures/controller/${name}`, import.meta.url), "utf8")).map(
    (d) => d.toJS() as { kind: string; metadata: { name: string }; spec: unknown },
  )

describe("parseGoDuration", () => {
  it.each([
    ["1h", 3_600_000],
    ["1h0m0s", 3_600_000],
    ["1h30m", 5_400_000],
    ["1.5h", 5_400_000],
    ["90s", 90_000],
    ["250ms", 250],
    ["0", 0],
    ["0s", 0],
  ])("%s = %d ms", (text, ms) => expect(parseGoDuration(text, "f")).toBe(ms))

  it.each(["", "1", "1d", "-1s", "1h x", "h"])("refuses %j", (text) =>
    expect(messageOf(() => parseGoDuration(text, "spec.refreshInterval"))).toBe(
      "spec.refreshInterval: invalid duration (use Go syntax, e.g. 1h, 15m, 30s)",
    ),
  )
})

describe("ESO manifests with only apiVersion changed", () => {
  it("should parse the AWS examples with ESO's defaults", () => {
    const [store, es] = fixture("eso-aws.yaml")
    expect(parseStoreSpec(store?.spec, false).provider).toMatchObject({
      provider: "aws",
      region: "us-east-1",
      auth: { kind: "secretRef" },
    })
    const spec = parseExternalSecretSpec(es?.spec, "example")
    expect(spec.refreshIntervalMs).toBe(3_600_000)
    expect(spec.target).toEqual({
      name: "secret-to-be-created",
      creationPolicy: "Owner",
      deletionPolicy: "Retain",
      immutable: false,
    })
    expect(spec.data[1]?.remoteRef).toEqual({
      key: "friendslist",
      property: "friends.1.first",
      version: "AWSCURRENT",
      decodingStrategy: "None",
    })
    expect(spec.dataFrom[1]).toMatchObject({ kind: "find", find: { name: "^app-", tags: { team: "a" } } })
  })

  it("should parse the Vault examples", () => {
    const [css, approle, es] = fixture("eso-vault.yaml")
    const c = parseStoreSpec(css?.spec, true)
    expect(c.conditions).toHaveLength(2)
    expect(c.provider).toMatchObject({
      provider: "vault",
      version: "v2",
      auth: { kind: "kubernetes", role: "demo", serviceAccountRef: { name: "my-sa", namespace: "ops" } },
    })
    expect(parseStoreSpec(approle?.spec, false).provider).toMatchObject({
      version: "v1",
      auth: { kind: "appRole", path: "approle" },
    })
    const spec = parseExternalSecretSpec(es?.spec, "vault-example")
    expect(spec.secretStoreRef).toEqual({ name: "vault-backend", kind: "ClusterSecretStore" })
    expect(spec.target.template?.data).toEqual({ ".dockerconfigjson": "{{ .config | toString }}" })
    expect(spec.refreshIntervalMs).toBe(15_000)
  })
})

describe("exact field errors", () => {
  const base = { secretStoreRef: { name: "s" }, data: [{ secretKey: "k", remoteRef: { key: "k" } }] }
  it.each([
    [{ ...base, secretStoreRef: undefined }, "spec.secretStoreRef: required"],
    [
      { ...base, secretStoreRef: { name: "s", kind: "Other" } },
      "spec.secretStoreRef.kind: must be one of SecretStore, ClusterSecretStore",
    ],
    [
      { ...base, refreshInterval: "soon" },
      "spec.refreshInterval: invalid duration (use Go syntax, e.g. 1h, 15m, 30s)",
    ],
    [
      { ...base, data: [{ secretKey: "bad key", remoteRef: { key: "k" } }] },
      "spec.data[0].secretKey: must match [-._a-zA-Z0-9]+",
    ],
    [
      { ...base, data: [{ secretKey: "k", remoteRef: { key: 3 } }] },
      "spec.data[0].remoteRef.key: must be a string",
    ],
    [
      { ...base, data: [{ secretKey: "k", remoteRef: { key: "k", decodingStrategy: "Hex" } }] },
      "spec.data[0].remoteRef.decodingStrategy: must be one of None, Base64, Base64URL, Auto",
    ],
    [{ ...base, dataFrom: [{}] }, "spec.dataFrom[0]: exactly one of extract, find must be set"],
    [
      { ...base, dataFrom: [{ find: { name: { regexp: "(" } } }] },
      "spec.dataFrom[0].find.name.regexp: is not a valid regular expression",
    ],
    [
      { ...base, dataFrom: [{ extract: { key: "k" }, rewrite: [{ transform: {} }] }] },
      "spec.dataFrom[0].rewrite[0].transform: is not supported by sealbridge",
    ],
    [
      { ...base, target: { creationPolicy: "Sometimes" } },
      "spec.target.creationPolicy: must be one of Owner, Orphan, Merge, None",
    ],
    [
      { ...base, target: { template: { type: "kubernetes.io/service-account-token" } } },
      "spec.target.template.type: service-account-token Secrets cannot be templated",
    ],
    [{ secretStoreRef: { name: "s" } }, "spec: one of data, dataFrom or target.template is required"],
    [{ ...base, syncWindows: { kind: "allow" } }, "spec.syncWindows: is not supported by sealbridge"],
  ])("%#: %s", (spec, message) => expect(messageOf(() => parseExternalSecretSpec(spec, "n"))).toBe(message))

  it.each([
    [{}, "spec.provider: required"],
    [{ provider: { aws: {}, vault: {} } }, "spec.provider: exactly one of aws, vault must be set"],
    [
      { provider: { aws: { service: "ParameterStore", region: "r" } } },
      "spec.provider.aws.service: only SecretsManager is supported",
    ],
    [
      { provider: { vault: { server: "not a url", path: "p", auth: {} } } },
      "spec.provider.vault.server: must be a URL",
    ],
    [
      {
        provider: {
          vault: { server: "http://v", path: "p", auth: { appRole: { secretRef: { name: "s", key: "k" } } } },
        },
      },
      "spec.provider.vault.auth.appRole: one of roleId or roleRef is required",
    ],
    [
      { provider: { vault: { server: "http://v", path: "p", auth: { tokenSecretRef: { name: "s" } } } } },
      "spec.provider.vault.auth.tokenSecretRef.key: required",
    ],
    [
      { provider: { aws: { service: "SecretsManager", region: "r" } }, conditions: [{ namespaces: ["a"] }] },
      "spec.conditions: only a ClusterSecretStore has conditions",
    ],
  ])("store %#: %s", (spec, message) => expect(messageOf(() => parseStoreSpec(spec, false))).toBe(message))

  it("should name the missing sealed file of a SopsSecret", () => {
    expect(messageOf(() => parseSopsSecretSpec({ target: {} }, "n"))).toBe("spec.sealed: required")
    expect(parseSopsSecretSpec({ sealed: "x" }, "n")).toEqual({
      sealed: "x",
      format: "yaml",
      target: { name: "n", labels: {}, annotations: {} },
    })
  })
})
