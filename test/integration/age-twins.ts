import { writeFileSync } from "node:fs"
import { join } from "node:path"
import { afterAll, beforeAll } from "vitest"
import { sopsTwins } from "./sops-twins.js"

/**
 * sopsTwins with one age key both tools use (made by sealbridge's keygen before the tests, in the
 * twins' temp dir, removed after them): `env()` points SOPS_AGE_KEY_FILE at it, `recipient` is its
 * public key once the suite's beforeAll has run, `file()` writes an input into the temp dir.
 */
export function ageTwins(prefix: string): ReturnType<typeof sopsTwins> & {
  readonly keyFile: string
  readonly recipient: string
  env: () => Record<string, string>
  file: (name: string, bytes: string | Buffer) => string
} {
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

/** A sealed file's text with the random parts masked: ciphertext lengths and types kept, age blocks and times replaced. */
export const sealedShape = (text: string): string =>
  text
    .replace(
      /ENC\[AES256_GCM,data:([^,]*),iv:[^,]*,tag:[^,]*,type:([a-z]+)\]/g,
      (_m, d: string, t: string) => `ENC[${t}:${d.length}]`,
    )
    .replace(/-----BEGIN AGE ENCRYPTED FILE-----.*?-----END AGE ENCRYPTED FILE-----/gs, "AGE-BLOCK")
    .replace(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ/g, "TIME")
