import { execFileSync } from "node:child_process"
import { randomUUID } from "node:crypto"
import { describe, expect, it } from "vitest"
import { peerEnv, requireBinary, requirePeer } from "./peers.js"

// The kustomize base as the real API server sees it (server-side dry run: schemas, RBAC kinds).
const kube = requirePeer("kube-apiserver", "KUBECONFIG")
// kubectl is not one of the built peers: take it from PATH when peers.env does not name one.
try {
  process.env["KUBECTL_BIN"] ??= execFileSync("sh", ["-c", "command -v kubectl"], { encoding: "utf8" }).trim()
} catch {
  // requireBinary reports it
}
const kubectl = requireBinary("KUBECTL_BIN", "kubectl")
const repo = new URL("../../", import.meta.url).pathname

describe.skipIf(kube.skip || kubectl.skip)("controller/deploy", () => {
  it("should render the kustomize base and pass a server-side dry run", () => {
    const rendered = execFileSync(kubectl.path, ["kustomize", `${repo}controller/deploy/base`], {
      encoding: "utf8",
    })
    for (const kind of [
      "CustomResourceDefinition",
      "Namespace",
      "ServiceAccount",
      "ClusterRole",
      "ClusterRoleBinding",
      "Deployment",
    ])
      expect(rendered).toContain(`kind: ${kind}`)
    // A dry run cannot create the namespace it then uses: point the objects at a real, unique one.
    const ns = `sb-deploy-${randomUUID().slice(0, 8)}`
    const env = { ...process.env, KUBECONFIG: peerEnv("KUBECONFIG") }
    execFileSync(kubectl.path, ["create", "namespace", ns], { env })
    try {
      const out = execFileSync(kubectl.path, ["apply", "--dry-run=server", "-f", "-"], {
        input: rendered.replaceAll("sealbridge-system", ns),
        encoding: "utf8",
        env,
      })
      expect(out).toContain("deployment.apps/sealbridge-controller created (server dry run)")
      expect(out).toContain("clusterrole.rbac.authorization.k8s.io/sealbridge-controller")
    } finally {
      execFileSync(kubectl.path, ["delete", "namespace", ns, "--wait=false"], { env })
    }
  })
})
