/**
 * Generators of checksum-valid, never-issued credentials for the scanner tests. Every token is
 * derived from a seeded PRNG, so fixtures are reproducible and no real secret is ever committed.
 */
import { base36, base62, bech32Encode, crc32 } from "../../src/scan/checksums.js"

export type Rng = () => number

/** mulberry32: tiny deterministic PRNG */
export function rng(seed: number): Rng {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

export const ALNUM = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
export const B64URL = ALNUM + "-_"
export const B64 = ALNUM + "+/"
export const HEX = "0123456789abcdef"
export const UPPER32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"

export function pick(r: Rng, alphabet: string, n: number): string {
  let s = ""
  for (let i = 0; i < n; i++) s += alphabet.charAt(Math.floor(r() * alphabet.length))
  return s
}

/** Changes one character of the checksum-bearing tail so the checksum no longer holds. */
export function breakLast(token: string): string {
  const last = token.charAt(token.length - 1)
  const swap = last === "A" ? "B" : last === "0" ? "1" : last === "a" ? "b" : "A"
  return token.slice(0, -1) + swap
}

export function githubToken(r: Rng, prefix: "ghp" | "gho" | "ghu" | "ghs" | "ghr" = "ghp"): string {
  const body = pick(r, ALNUM, 30)
  return `${prefix}_${body}${base62(crc32(body), 6)}`
}

export function npmToken(r: Rng): string {
  const body = pick(r, ALNUM, 30)
  return `npm_${body}${base62(crc32(body), 6)}`
}

export function githubFineGrained(r: Rng): string {
  return `github_pat_${pick(r, ALNUM, 22)}_${pick(r, ALNUM, 59)}`
}

export function awsKeyId(r: Rng): string {
  return "AKIA" + pick(r, UPPER32, 16)
}

export function awsSecret(r: Rng): string {
  for (;;) {
    const s = pick(r, B64, 40)
    if (/[a-z]/.test(s) && /[A-Z]/.test(s) && /[0-9/+]/.test(s)) return s
  }
}

export function ageSecretKey(r: Rng): string {
  const data5 = Array.from({ length: 52 }, () => Math.floor(r() * 32))
  return bech32Encode("age-secret-key-", data5).toUpperCase()
}

export { base36, base62, crc32 }
