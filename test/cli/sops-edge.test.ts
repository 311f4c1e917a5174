import { readFileSync } from "node:fs"
import { join } from "node:path"
import { afterAll, describe, expect, it } from "vitest"
import { runCli, tempDir } from "../helpers/cli-io.js"
import { FIXTURES, splitVectorIdentities } from "../helpers/vectors.js"

// A YAML file full of go-yaml edge cases (quoting styles, literal blocks, number bases, times,
// nested lists, comments), sealed by the real sops 3.13.2; expected output = its `sops -d`.
const tmp = tempDir()
afterAll(tmp.cleanup)
const [identity] = splitVectorIdentities(tmp.path)
const dir = join(FIXTURES, "sops-edge")

describe("sops 3.13.2 edge-case YAML", () => {
  it("should decrypt byte-identical to sops -d", async () => {
    const res = await runCli(["decrypt", join(dir, "edge.sops-sealed.yaml")], {
      env: { SOPS_AGE_KEY_FILE: identity ?? "" },
    })
    expect(res.stderr).toBe("")
    expect(res.stdout).toBe(readFileSync(join(dir, "edge.sops-plain.yaml"), "utf8"))
  })

  it("should re-emit the plain input exactly as sops -d does", async () => {
    const res = await runCli([
      "encrypt",
      "--age",
      "age1yt3tfqlfrwdwx0z0ynwplcr6qxcxfaqycuprpmy89nr83ltx74tqdpszlw",
      join(dir, "edge.input.yaml"),
    ])
    expect(res.code).toBe(0)
    const sealed = join(tmp.path, "edge.sealed.yaml")
    await import("node:fs/promises").then((fs) => fs.writeFile(sealed, res.stdout))
    const back = await runCli(["decrypt", sealed], { env: { SOPS_AGE_KEY_FILE: identity ?? "" } })
    expect(back.stdout).toBe(readFileSync(join(dir, "edge.sops-plain.yaml"), "utf8"))
  })
})
