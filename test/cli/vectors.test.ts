import { readFileSync } from "node:fs"
import { join } from "node:path"
import { afterAll, describe, expect, it } from "vitest"
import { runCli, tempDir } from "../helpers/cli-io.js"
import { AGE_VECTORS, FIXTURES, splitVectorIdentities } from "../helpers/vectors.js"

const tmp = tempDir()
afterAll(tmp.cleanup)
const identities = splitVectorIdentities(tmp.path)

// Expected output = what the real sops 3.13.2 binary printed for `sops -d` on each vector.
const cases = [
  ["example.yaml", "example.sops-plain.yaml"],
  ["example.json", "example.sops-plain.json"],
  ["example.ini", "example.sops-plain.ini"],
  ["example.txt", "example.sops-plain.txt"],
] as const

describe("real sops-written age vectors (sops 3.7.1 files)", () => {
  for (const [file, expected] of cases) {
    for (const [i, identity] of identities.entries()) {
      it(`should decrypt ${file} with MAC match using identity ${i} exactly as sops prints it`, async () => {
        const res = await runCli(["decrypt", join(AGE_VECTORS, file)], {
          env: { SOPS_AGE_KEY_FILE: identity },
        })
        expect(res.stderr).toBe("")
        expect(res.code).toBe(0)
        expect(res.stdout).toBe(readFileSync(join(FIXTURES, "vectors", "age-pr1031", expected), "utf8"))
      })
    }
  }

  it("should give the values the vectors README lists", async () => {
    const env = { SOPS_AGE_KEY_FILE: identities[0] ?? "" }
    const get = async (path: string): Promise<string> =>
      (await runCli(["decrypt", "--extract", path, join(AGE_VECTORS, "example.yaml")], { env })).stdout
    expect(await get(`["myapp1"]`)).toBe("t00m4nys3cr3tzupdated")
    expect(await get(`["app2"]["db"]["password"]`)).toBe("c4r1b0u")
    expect(await get(`["an_array"][3]`)).toBe("some other value")
    const json = await runCli(
      ["decrypt", "--extract", `["phoneNumbers"][1]["type"]`, join(AGE_VECTORS, "example.json")],
      { env },
    )
    expect(json.stdout).toBe("office")
  })

  it("should refuse with exit 128 and name the recipients when no identity fits", async () => {
    const res = await runCli(["decrypt", join(AGE_VECTORS, "example.yaml")], { env: { SOPS_AGE_KEY: "" } })
    expect(res.code).toBe(128)
    expect(res.stdout).toBe("")
    expect(res.stderr).toMatch(/age1yt3tfqlfrwdwx0z0ynwplcr6qxcxfaqycuprpmy89nr83ltx74tqdpszlw/)
  })
})
