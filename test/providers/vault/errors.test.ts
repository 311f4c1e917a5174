import { describe, expect, it } from "vitest"
import { mapVaultError } from "../../../src/clients/vault.js"
import { isThrottled, ProviderError } from "../../../src/providers/provider-error.js"

const answer = (statusCode: number) =>
  Object.assign(new Error(`status ${statusCode}`), { response: { statusCode } })
const req = { method: "GET", path: "secret/data/app?version=2" } as const

describe("mapVaultError", () => {
  it("should tell not found, access denied, throttling and outages apart", () => {
    expect(mapVaultError(answer(404), req).code).toBe("NOT_FOUND")
    const denied = mapVaultError(answer(403), req)
    expect([denied.code, denied.retryable, denied instanceof ProviderError && denied.status]).toEqual([
      "ACCESS_DENIED",
      false,
      403,
    ])
    expect(denied.message).toBe("vault GET secret/data/app: permission denied")
    const throttled = mapVaultError(answer(429), req)
    expect([throttled.code, throttled.retryable, isThrottled(throttled)]).toEqual(["PROVIDER", true, true])
    expect(mapVaultError(answer(503), req).retryable).toBe(true)
    expect(mapVaultError(new Error("connect ECONNREFUSED"), req).retryable).toBe(true)
    expect(mapVaultError(answer(400), req).retryable).toBe(false)
  })
})
