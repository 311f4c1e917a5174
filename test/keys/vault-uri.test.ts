import { describe, expect, it } from "vitest"
import { BridgeError } from "../../src/errors.js"
import { parseVaultUri } from "../../src/keys/vault-uri.js"

// Transit key URIs parsed as sops parses them.
describe("parseVaultUri", () => {
  it("should split address, engine path (several segments allowed) and key name", () => {
    expect(parseVaultUri("https://vault.example.com:8200/v1/transit/keys/app")).toEqual({
      vaultAddress: "https://vault.example.com:8200",
      enginePath: "transit",
      keyName: "app",
    })
    expect(parseVaultUri("http://127.0.0.1:8200/v1/team/transit/keys/k1/").enginePath).toBe("team/transit")
  })

  it("should refuse a URI without scheme, a prefixed URL and a path without /keys/", () => {
    expect(() => parseVaultUri("vault:8200/v1/transit/keys/a")).toThrow(BridgeError)
    expect(() => parseVaultUri("https://h/prefix/v1/transit/keys/a")).toThrow(/prefixed url/)
    expect(() => parseVaultUri("https://h/v1/transit/a")).toThrow(/formatted correctly/)
  })

  it("should take a multi-digit API version on either side of the prefix check", () => {
    expect(parseVaultUri("http://h/v10/transit/keys/app")).toEqual({
      vaultAddress: "http://h",
      enginePath: "transit",
      keyName: "app",
    })
    expect(() => parseVaultUri("https://h/prefix/v10/transit/keys/a")).toThrow(
      "https://h/prefix/v10/transit/keys/a: running Vault with a prefixed url is not supported",
    )
  })

  it("should keep the URL parser's error as the cause of a missing scheme", () => {
    let e: unknown
    try {
      parseVaultUri("not a url")
    } catch (err) {
      e = err
    }
    expect(e).toBeInstanceOf(BridgeError)
    expect((e as BridgeError).cause).toBeInstanceOf(TypeError)
    expect(((e as BridgeError).cause as { code?: string }).code).toBe("ERR_INVALID_URL")
  })
})
