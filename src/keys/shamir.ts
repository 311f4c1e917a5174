import { BridgeError, ErrorCode } from "../errors.js"

/**
 * Shamir secret sharing over GF(2^8) with the AES polynomial x^8+x^4+x^3+x+1, byte-wise, as
 * sops (hashicorp/vault's shamir) does: share i has x = i + 1 and is 32 y-bytes then x.
 */
export function gfMul(a: number, b: number): number {
  let out = 0
  let x = a
  let y = b
  while (y > 0) {
    if (y & 1) out ^= x
    x = (x << 1) ^ (x & 0x80 ? 0x11b : 0)
    y >>= 1
  }
  return out & 0xff
}

export function gfInv(a: number): number {
  if (a === 0) throw new BridgeError(ErrorCode.Internal, "shamir: no inverse of zero")
  // a^254 = a^-1 in GF(2^8).
  let result = 1
  let base = a
  let e = 254
  while (e > 0) {
    if (e & 1) result = gfMul(result, base)
    base = gfMul(base, base)
    e >>= 1
  }
  return result
}

/** Splits `secret` into `parts` shares, any `threshold` of which recover it. */
export function split(
  secret: Uint8Array,
  parts: number,
  threshold: number,
  randomBytes: (n: number) => Uint8Array,
): Uint8Array[] {
  if (threshold < 2 || threshold > 255 || parts < threshold || parts > 255) {
    throw new BridgeError(
      ErrorCode.Config,
      `shamir: threshold ${threshold} must be 2..255 and at most the ${parts} key groups`,
    )
  }
  const shares = Array.from({ length: parts }, (_, i) => {
    const s = new Uint8Array(secret.length + 1)
    s[secret.length] = i + 1
    return s
  })
  for (let b = 0; b < secret.length; b++) {
    const coeffs = randomBytes(threshold - 1)
    for (const share of shares) {
      const x = share[secret.length] ?? 0
      // Horner: ((c_{t-1} x + …) x + c_1) x + secret
      let y = 0
      for (let c = coeffs.length - 1; c >= 0; c--) y = gfMul(y ^ (coeffs[c] ?? 0), x)
      share[b] = y ^ (secret[b] ?? 0)
    }
    coeffs.fill(0)
  }
  return shares
}

/** Recovers the secret from at least `threshold` shares by Lagrange interpolation at 0. */
export function combine(shares: readonly Uint8Array[]): Uint8Array {
  const first = shares[0]
  if (first === undefined || shares.length < 2)
    throw new BridgeError(ErrorCode.NoKey, "shamir: at least two shares are needed")
  const len = first.length - 1
  const xs = shares.map((s) => s[len] ?? 0)
  if (new Set(xs).size !== xs.length) throw new BridgeError(ErrorCode.NoKey, "shamir: duplicate share")
  const out = new Uint8Array(len)
  for (let b = 0; b < len; b++) {
    let acc = 0
    for (let i = 0; i < shares.length; i++) {
      const xi = xs[i] ?? 0
      let basis = 1
      for (let j = 0; j < shares.length; j++) {
        if (i === j) continue
        const xj = xs[j] ?? 0
        basis = gfMul(basis, gfMul(xj, gfInv(xi ^ xj)))
      }
      acc ^= gfMul(shares[i]?.[b] ?? 0, basis)
    }
    out[b] = acc
  }
  return out
}
