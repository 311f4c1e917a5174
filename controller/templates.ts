import { BridgeError, ErrorCode } from "../src/index.js"
import type { TemplateRenderer } from "./reconcile/deps.js"

/** One template source rendered against string values (src/template's `renderTemplate`). */
export type RenderOne = (source: string, values: Readonly<Record<string, string>>) => string

/**
 * `target.template.data` for the reconciler: every key's template sees the fetched values as
 * strings (`{{ .password }}`); a failure names the template key, never a value.
 */
export function templateRenderer(render: RenderOne): TemplateRenderer {
  return (templates, data) => {
    const values: Record<string, string> = {}
    for (const [k, v] of data) values[k] = new TextDecoder().decode(v)
    const out = new Map<string, Uint8Array>()
    for (const [key, source] of Object.entries(templates)) {
      try {
        out.set(key, new TextEncoder().encode(render(source, values)))
      } catch (err) {
        const reason = err instanceof BridgeError ? err.message : "render failed"
        throw new BridgeError(ErrorCode.Config, `target.template.data.${key}: ${reason}`, { cause: err })
      }
    }
    return out
  }
}
