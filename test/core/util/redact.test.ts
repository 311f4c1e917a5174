import { describe, expect, it } from "vitest"
import { redact, safeMessage } from "../../../src/util/redact.js"

describe("safeMessage", () => {
  it("should mask age identities, armored blocks and long base64 runs that vendor errors may echo", () => {
    const id = "AGE-SECRET-KEY-1NJT5YCS2LWU4V4QAJQ6R4JNU7LXPDX602DZ9NUFANVU5GDTGUWCQ5T59M6"
    const b64 = "YWdlLWVuY3J5cHRpb24ub3JnL3YxCi0+IFgyNTUxOSBSOGtKWFkrWFExL29GV0VD"
    const msg = safeMessage(
      new Error(
        `bad key ${id} near ${b64} in -----BEGIN AGE ENCRYPTED FILE-----\nabc\n-----END AGE ENCRYPTED FILE-----`,
      ),
    )
    expect(msg).not.toContain(id)
    expect(msg).not.toContain(b64)
    expect(msg).not.toContain("abc")
    expect(msg).toContain("bad key [redacted]")
  })

  it("should keep ordinary messages as they are", () => {
    expect(redact("secrets.yaml: db:password: cannot decrypt")).toBe(
      "secrets.yaml: db:password: cannot decrypt",
    )
    expect(safeMessage(new TypeError("x is not a function"))).toBe("TypeError: x is not a function")
  })
})
