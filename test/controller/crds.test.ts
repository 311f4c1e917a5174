import { execFileSync } from "node:child_process"
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { describe, expect, it } from "vitest"
import { parse } from "yaml"

const dir = new URL("../../controller/deploy/crds/", import.meta.url).pathname
const files = readdirSync(dir).filter((f) => f !== "kustomization.yaml")

/** Structural schema rule: every node says its type, or explicitly keeps unknown fields. */
function nonStructural(node: Record<string, unknown>, path: string): string[] {
  const out: string[] = []
  if (node["type"] === undefined && node["x-kubernetes-preserve-unknown-fields"] !== true) out.push(path)
  for (const [k, v] of Object.entries((node["properties"] ?? {}) as Record<string, Record<string, unknown>>))
    out.push(...nonStructural(v, `${path}.${k}`))
  if (node["items"] !== undefined)
    out.push(...nonStructural(node["items"] as Record<string, unknown>, `${path}[]`))
  return out
}

describe("CRDs", () => {
  it("should define the four kinds of sealbridge.dev/v1alpha1 with status subresource, short names and a Ready column", () => {
    const kinds = files.map((f) => {
      const crd = parse(readFileSync(join(dir, f), "utf8")) as {
        spec: {
          group: string
          names: { kind: string; shortNames: string[] }
          versions: Record<string, unknown>[]
        }
      }
      const v = crd.spec.versions[0] as {
        name: string
        subresources: unknown
        additionalPrinterColumns: { name: string }[]
        schema: { openAPIV3Schema: Record<string, unknown> }
      }
      expect(crd.spec.group).toBe("sealbridge.dev")
      expect(v.name).toBe("v1alpha1")
      expect(v.subresources).toEqual({ status: {} })
      expect(crd.spec.names.shortNames.length).toBeGreaterThan(0)
      expect(v.additionalPrinterColumns.map((c) => c.name)).toContain("Ready")
      expect(nonStructural(v.schema.openAPIV3Schema, "")).toEqual([])
      return crd.spec.names.kind
    })
    expect(kinds.sort()).toEqual(["ClusterSecretStore", "ExternalSecret", "SecretStore", "SopsSecret"])
  })

  it("should match what scripts/gen-crds.mjs generates", () => {
    const out = mkdtempSync(join(tmpdir(), "crds-"))
    try {
      execFileSync(process.execPath, [new URL("../../scripts/gen-crds.mjs", import.meta.url).pathname, out])
      for (const f of files)
        expect(parse(readFileSync(join(out, f), "utf8")), f).toEqual(
          parse(readFileSync(join(dir, f), "utf8")),
        )
    } finally {
      rmSync(out, { recursive: true, force: true })
    }
  })
})
