import { readFileSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { fileURLToPath } from "node:url"

export const FIXTURES = fileURLToPath(new URL("../fixtures/", import.meta.url))
/** Real sops-written files (sops PR 1031's age vectors), copied into the repository. */
export const AGE_VECTORS = join(FIXTURES, "vectors", "age-pr1031")

export const VECTOR_RECIPIENTS = [
  "age1yt3tfqlfrwdwx0z0ynwplcr6qxcxfaqycuprpmy89nr83ltx74tqdpszlw",
  "age1tmaae3ld5vpevmsh5yacsauzx8jetg300mpvc4ugp5zr5l6ssq9sla97ep",
] as const

/** The vectors' two age identities, each written to its own key file in `dir`. */
export function splitVectorIdentities(dir: string): string[] {
  const identities = readFileSync(join(AGE_VECTORS, "keys.txt"), "utf8")
    .split("\n")
    .filter((l) => l.startsWith("AGE-SECRET-KEY-"))
  return identities.map((id, i) => {
    const file = join(dir, `identity-${i}.txt`)
    writeFileSync(file, id + "\n", { mode: 0o600 })
    return file
  })
}
