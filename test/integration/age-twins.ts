import { writeFileSync } from "node:fs"
import { join } from "node:path"
import { afterAll, beforeAll, expect } from "vitest"
import { sopsTwins, type Ran } from "./sops-twins.js"

/**
 * sopsTwins with one age key both tools use (made by sealbridge's keygen before the tests, in the
 * twins' temp dir, removed after them): `env()` points SOPS_AGE_KEY_FILE at it, `recipient` is its
 * public key once the suite's beforeAll has run, `file()` writes an input into the temp dir.
 */
export type AgeTwins = ReturnType<typeof sopsTwins> & {
  readonly keyFile: string
  readonly recipient: string
  env: () => Record<string, string>
  file: (name: string, bytes: string | Buffer) => string
}

export function ageTwins(prefix: string): AgeTwins {
  const twins = sopsTwins(prefix)
  afterAll(twins.cleanup)
  const keyFile = join(twins.dir, "keys.txt")
  let recipient = ""
  beforeAll(() => {
    if (twins.sops.skip) return
    const r = twins.ours(["keygen", "-o", keyFile])
    if (r.code !== 0) throw new Error(`keygen failed: ${r.err}`)
    recipient = r.out.trim()
  })
  return {
    ...twins,
    keyFile,
    get recipient() {
      return recipient
    },
    env: () => ({ SOPS_AGE_KEY_FILE: keyFile }),
    file: (name, bytes) => {
      const p = join(twins.dir, name)
      writeFileSync(p, bytes)
      return p
    },
  }
}

/**
 * Seals one input file with sops and with sealbridge (same arguments, the twins' age key) and
 * holds both to success and to the same sealed shape; returns both outputs for the opening half.
 */
export function sealBoth(
  twins: AgeTwins,
  path: string,
  args: readonly string[] = [],
): { readonly bySops: Ran; readonly mine: Ran } {
  const argv = ["encrypt", ...args, "--age", twins.recipient, path]
  const bySops = twins.theirs(argv, { env: twins.env() })
  expect(bySops.code, bySops.err).toBe(0)
  const mine = twins.ours(argv, { env: twins.env() })
  expect(mine.code, mine.err).toBe(0)
  expect(sealedShape(mine.out)).toBe(sealedShape(bySops.out))
  return { bySops, mine }
}

/** A sealed file's text with the random parts masked: ciphertext lengths and types kept, age blocks and times replaced. */
export const sealedShape = (text: string): string =>
  text
    .replace(
      /ENC\[AES256_GCM,data:([^,]*),iv:[^,]*,tag:[^,]*,type:([a-z]+)\]/g,
      (_m, d: string, t: string) => `ENC[${t}:${d.length}]`,
    )
    .replace(/-----BEGIN AGE ENCRYPTED FILE-----.*?-----END AGE ENCRYPTED FILE-----/gs, "AGE-BLOCK")
    .replace(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ/g, "TIME")
