import { Severity } from "../finding.js"
import { regexDetector } from "./kit.js"

function decodeJson(part: string): Record<string, unknown> | null {
  try {
    const v: unknown = JSON.parse(Buffer.from(part, "base64url").toString("utf8"))
    return typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : null
  } catch {
    return null
  }
}

/**
 * JWTs whose header is JSON with a signing `alg` and whose payload is a JSON object. Kubernetes
 * service-account tokens (issuer names the cluster or `kubernetes/serviceaccount`) rate high: they
 * are long-lived bearer credentials; other JWTs are often short-lived or test fixtures.
 */
export const jwt = regexDetector({
  id: "jwt",
  severity: Severity.Medium,
  description: "JSON Web Token with a decodable header and payload",
  keywords: ["eyj"],
  window: { before: 8, after: 8192 },
  pattern:
    /(?<![A-Za-z0-9_-])eyJ[A-Za-z0-9_-]{8,4000}\.eyJ[A-Za-z0-9_-]{8,6000}\.[A-Za-z0-9_-]{16,2000}(?![A-Za-z0-9_-])/g,
  check: (s) => {
    const [h = "", p = ""] = s.split(".")
    const header = decodeJson(h)
    const payload = decodeJson(p)
    if (!header || !payload || typeof header.alg !== "string" || header.alg.toLowerCase() === "none")
      return false
    const iss = typeof payload.iss === "string" ? payload.iss : ""
    const k8s =
      iss.includes("kubernetes") || "kubernetes.io" in payload || typeof payload["kubernetes.io"] === "object"
    return k8s ? Severity.High : true
  },
})
