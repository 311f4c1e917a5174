import { lstatSync, readFileSync, readlinkSync, symlinkSync, writeFileSync, mkdirSync } from "node:fs"
import { join } from "node:path"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { runBuilt } from "../../helpers/built-cli.js"
import { newAgeKey } from "../../helpers/age-setup.js"
import { tempDir } from "../../helpers/cli-io.js"

// Defect 2: a symlink is written through (the link stays, the target gets the sealed content),
// as sops does; before, the link was replaced by a sealed file and the target stayed plaintext.
const tmp = tempDir()
afterAll(tmp.cleanup)
let key: Awaited<ReturnType<typeof newAgeKey>>
const editor = join(tmp.path, "editor.sh")

beforeAll(async () => {
  key = await newAgeKey(tmp.path)
  writeFileSync(editor, `#!/bin/sh\nsed -i 's/^b: .*/b: edited-value/' "$1"\n`, { mode: 0o755 })
})

/** A plain target in a subdirectory and a relative link to it; returns both paths. */
function linked(name: string, text: string): { link: string; target: string } {
  const dir = join(tmp.path, name)
  mkdirSync(join(dir, "real"), { recursive: true })
  const target = join(dir, "real", "secrets.yaml")
  writeFileSync(target, text)
  const link = join(dir, "link.yaml")
  symlinkSync("real/secrets.yaml", link)
  return { link, target }
}

function expectLinkKept(link: string): void {
  expect(lstatSync(link).isSymbolicLink()).toBe(true)
  expect(readlinkSync(link)).toBe("real/secrets.yaml")
}

async function sealedLink(name: string): Promise<{ link: string; target: string }> {
  const paths = linked(name, "a: alpha-plain\nb: beta-plain\n")
  const r = await runBuilt(["encrypt", "-i", "--age", key.recipient, paths.link])
  expect(r.code).toBe(0)
  return paths
}

describe("symlinks are written through", () => {
  it("encrypt -i link: the target is sealed, the link stays a link", async () => {
    const { link, target } = await sealedLink("enc")
    expectLinkKept(link)
    const sealed = readFileSync(target, "utf8")
    expect(sealed).not.toContain("alpha-plain")
    expect(sealed).toMatch(/^a: ENC\[AES256_GCM,/)
  })

  it("decrypt -i link: the target is opened, the link stays", async () => {
    const { link, target } = await sealedLink("dec")
    const r = await runBuilt(["decrypt", "-i", link], { env: key.env })
    expect(r.code).toBe(0)
    expectLinkKept(link)
    expect(readFileSync(target, "utf8")).toBe("a: alpha-plain\nb: beta-plain\n")
  })

  it("set link: the target gets the new value", async () => {
    const { link, target } = await sealedLink("set")
    const r = await runBuilt(["set", link, '["a"]', '"new-alpha"'], { env: key.env })
    expect(r.code).toBe(0)
    expectLinkKept(link)
    const d = await runBuilt(["decrypt", target], { env: key.env })
    expect(d.stdout).toBe("a: new-alpha\nb: beta-plain\n")
  })

  it("unset link: the key is removed from the target", async () => {
    const { link, target } = await sealedLink("unset")
    const r = await runBuilt(["unset", link, '["a"]'], { env: key.env })
    expect(r.code).toBe(0)
    expectLinkKept(link)
    const d = await runBuilt(["decrypt", target], { env: key.env })
    expect(d.stdout).toBe("b: beta-plain\n")
  })

  it("edit link: the target gets the edit", async () => {
    const { link, target } = await sealedLink("edit")
    const r = await runBuilt(["edit", link], { env: { ...key.env, EDITOR: editor } })
    expect(r.code).toBe(0)
    expectLinkKept(link)
    const d = await runBuilt(["decrypt", target], { env: key.env })
    expect(d.stdout).toBe("a: alpha-plain\nb: edited-value\n")
  })

  it("rotate -i link: the target is re-sealed under a new data key", async () => {
    const { link, target } = await sealedLink("rotate")
    const before = readFileSync(target, "utf8")
    const r = await runBuilt(["rotate", "-i", link], { env: key.env })
    expect(r.code).toBe(0)
    expectLinkKept(link)
    const after = readFileSync(target, "utf8")
    expect(after).not.toBe(before)
    const d = await runBuilt(["decrypt", target], { env: key.env })
    expect(d.stdout).toBe("a: alpha-plain\nb: beta-plain\n")
  })

  it("a chain of links ends at the real file", async () => {
    const { link, target } = linked("chain", "a: alpha-plain\n")
    const second = join(tmp.path, "chain", "second.yaml")
    symlinkSync("link.yaml", second)
    const r = await runBuilt(["encrypt", "-i", "--age", key.recipient, second])
    expect(r.code).toBe(0)
    expect(lstatSync(second).isSymbolicLink()).toBe(true)
    expectLinkKept(link)
    expect(readFileSync(target, "utf8")).toMatch(/^a: ENC\[/)
  })
})
