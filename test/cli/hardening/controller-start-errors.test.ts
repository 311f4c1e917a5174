import { mkdirSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { afterAll, describe, expect, it } from "vitest"
import { runBuilt } from "../../helpers/built-cli.js"
import { tempDir } from "../../helpers/cli-io.js"

// `sealbridge controller` runs code loaded from dist/controller/, a second copy of the library's
// error class: its coded errors (a missing or broken kubeconfig, a bad flag) must reach the user
// as themselves with their hint, not as "unexpected internal error", and a broken kubeconfig
// (it holds tokens) must not be quoted, not even under --debug.
const tmp = tempDir()
afterAll(tmp.cleanup)

const TOKEN = "kubeconfig-token-Zq83hJ2"

async function controller(env: Record<string, string>, args: string[] = []) {
  const r = await runBuilt(["--debug", "controller", ...args], { env, cwd: tmp.path })
  expect(r.stderr).not.toContain("internal error")
  expect(r.stdout).toBe("")
  return r
}

describe("controller start-up errors are coded, with a hint", () => {
  it("a KUBECONFIG that does not exist: exit 1, names the path", async () => {
    const r = await controller({ KUBECONFIG: join(tmp.path, "missing") })
    expect(r.code).toBe(1)
    expect(r.stderr).toContain(`sealbridge: no kubeconfig found: ${join(tmp.path, "missing")}\n`)
    expect(r.stderr).toContain("hint: pass --kubeconfig <file>, set KUBECONFIG")
  })

  it("no KUBECONFIG and no ~/.kube/config: exit 1 at start instead of retrying localhost:8080", async () => {
    const home = join(tmp.path, "home")
    mkdirSync(home, { recursive: true })
    const r = await controller({ HOME: home })
    expect(r.code).toBe(1)
    expect(r.stderr).toContain(`no kubeconfig found: ${home}/.kube/config`)
  })

  it("--kubeconfig naming a directory: exit 1, 'is a directory'", async () => {
    const r = await controller({}, ["--kubeconfig", tmp.path])
    expect(r.code).toBe(1)
    expect(r.stderr).toContain(`cannot load kubeconfig ${tmp.path}: is a directory`)
  })

  it("a kubeconfig that is not YAML: the position only, never its text", async () => {
    const f = join(tmp.path, "broken")
    writeFileSync(f, `users:\n- name: u\n  user:\n    token: [${TOKEN}\n`)
    const r = await controller({ KUBECONFIG: f })
    expect(r.code).toBe(1)
    expect(r.stderr).toMatch(/cannot load kubeconfig .*broken: not valid YAML at line \d+, column \d+\n/)
    expect(r.stderr).not.toContain(TOKEN)
    expect(r.stderr).not.toContain("token")
  })

  it("a kubeconfig without a current cluster: exit 1, says so", async () => {
    const f = join(tmp.path, "empty")
    writeFileSync(f, `apiVersion: v1\nkind: Config\nusers:\n- name: u\n  user:\n    token: ${TOKEN}\n`)
    const r = await controller({ KUBECONFIG: f })
    expect(r.code).toBe(1)
    expect(r.stderr).toContain("names no cluster")
    expect(r.stderr).toContain("hint: set current-context")
    expect(r.stderr).not.toContain(TOKEN)
  })

  it("a bad controller flag is a usage error with the command's hint", async () => {
    const r = await controller({}, ["--concurrency", "x"])
    expect(r.code).toBe(1)
    expect(r.stderr).toContain("sealbridge: --concurrency: expected an integer ≥ 1\n")
    expect(r.stderr).toContain("hint: run `sealbridge controller --help`")
  })
})
