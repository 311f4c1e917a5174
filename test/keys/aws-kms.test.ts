import { describe, expect, it } from "vitest"
import { parseEncryptionContext, parseKmsList } from "../../src/config/key-spec.js"
import type { KeyError } from "../../src/errors.js"
import { BridgeError } from "../../src/errors.js"
import { kmsError, kmsRegion, stsSessionName } from "../../src/keys/aws-kms.js"

// KMS key details that must match sops byte for byte: region, session name, context syntax.
describe("AWS KMS key details", () => {
  it("should take the region from key and alias ARNs, and refuse anything else", () => {
    expect(kmsRegion("arn:aws:kms:eu-west-1:111122223333:key/abc")).toBe("eu-west-1")
    expect(kmsRegion("arn:aws-us-gov:kms:us-gov-west-1:111122223333:alias/x")).toBe("us-gov-west-1")
    expect(() => kmsRegion("alias/x")).toThrow(BridgeError)
  })

  it("should build the STS session name as sops does (Go's @-_ range drops '-')", () => {
    expect(stsSessionName("some-hostname")).toBe("sops@somehostname")
    expect(stsSessionName("host.example_1")).toBe("sops@host.example_1")
    expect(stsSessionName("a".repeat(100))).toBe(`sops@${"a".repeat(59)}`)
  })

  it("should parse --encryption-context as sops: exactly key:value pairs, no trimming", () => {
    expect(parseEncryptionContext("a:1,b:2")).toEqual({ a: "1", b: "2" })
    expect(parseEncryptionContext("a:1, b:2")).toEqual({ a: "1", " b": "2" })
    expect(parseEncryptionContext("a")).toBeNull()
    expect(parseEncryptionContext("a:b:c")).toBeNull()
  })

  it("should split ARN+ROLE at +arn:aws:iam:: only", () => {
    expect(
      parseKmsList("arn:aws:kms:us-east-1:1:key/a+arn:aws:iam::1:role/r, arn:aws:kms:us-east-1:1:key/b"),
    ).toEqual([
      { kind: "kms", arn: "arn:aws:kms:us-east-1:1:key/a", role: "arn:aws:iam::1:role/r" },
      { kind: "kms", arn: "arn:aws:kms:us-east-1:1:key/b" },
    ])
  })

  it("should classify the service's answers", () => {
    const cls = (e: unknown): string => (kmsError(e, "decrypt") as KeyError).failure
    expect(cls(Object.assign(new Error("x"), { name: "AccessDeniedException" }))).toBe("denied")
    expect(cls(Object.assign(new Error("x"), { name: "NotFoundException" }))).toBe("not_found")
    expect(cls(Object.assign(new Error("x"), { name: "InvalidCiphertextException" }))).toBe("wrong_context")
    expect(
      cls(
        Object.assign(new Error("Could not load credentials from any providers"), {
          name: "CredentialsProviderError",
        }),
      ),
    ).toBe("no_credentials")
    expect(cls(Object.assign(new Error("connect"), { code: "ECONNREFUSED" }))).toBe("unreachable")
    const role = Object.assign(new Error("failed to assume role r"), {
      assumeRole: true,
      cause: Object.assign(new Error("x"), { name: "AccessDenied" }),
    })
    expect(kmsError(role, "encrypt")).toMatchObject({ failure: "denied" })
    expect(kmsError(role, "encrypt").message).toContain("failed to assume role r")
  })
})
