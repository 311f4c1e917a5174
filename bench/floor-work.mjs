// The least work any Node program must do to seal a dotenv file as sops does, with nothing else:
// read the file, one AES-256-GCM cipher per value (32-byte IV, the key path as AAD, as sops),
// base64 of data, IV and tag, the SHA-512 MAC over the plaintexts, write the result. No CLI, no
// parser, no key wrapping. bench/floor.mjs times it as a cold process against sealbridge and
// sops: if this alone is dearer than sops' whole run, no Node implementation can reach sops there.
import { createCipheriv, createHash, createSecretKey, randomBytes } from "node:crypto"
import { readFileSync, writeFileSync } from "node:fs"

const [input, output] = process.argv.slice(2)
const key = createSecretKey(randomBytes(32))
const mac = createHash("sha512")
const out = []
const lines = readFileSync(input, "utf8").split("\n")
// All IVs from one call: the cheapest random source there is (sealbridge pools them too).
const ivs = randomBytes(32 * lines.length)
let at = 0
for (const line of lines) {
  const eq = line.indexOf("=")
  if (eq < 0) continue
  const name = line.slice(0, eq)
  const value = Buffer.from(line.slice(eq + 1), "utf8")
  mac.update(value)
  const iv = ivs.subarray(at, (at += 32))
  const cipher = createCipheriv("aes-256-gcm", key, iv)
  cipher.setAAD(Buffer.from(`${name}:`, "utf8"))
  const data = Buffer.concat([cipher.update(value), cipher.final()])
  const tag = cipher.getAuthTag()
  out.push(
    `${name}=ENC[AES256_GCM,data:${data.toString("base64")},iv:${iv.toString("base64")},tag:${tag.toString("base64")},type:str]`,
  )
}
out.push(`sops_mac=${mac.digest("hex")}`)
writeFileSync(output, out.join("\n") + "\n")
