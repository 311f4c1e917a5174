import { BridgeError, ErrorCode } from "../src/index.js"
import type { TemplateRenderer } from "./reconcile/deps.js"

/** One template source rendered against string values (src/template's `renderTemplate`). */
export type RenderOne = (source: string, values: Readonly<Record<string, string>>) => string

/**
 * `target.template.data` (and, as in ESO, `metadata.labels`/`annotations`) for the reconciler:
 * every key's template sees the fetched values as strings (`{{ .password }}`); a failure names
 * the field and key (`field` prefix, default `target.template.data`), never a value.
 */
export function templateRenderer(render: RenderOne): TemplateRenderer {
  return (templates, data, field = "target.template.data") => {
    const values: Record<string, string> = {}
    for (const [k, v] of data) values[k] = new TextDecoder().decode(v)
    const out = new Map<string, Uint8Array>()
    for (const [key, source] of Object.entries(templates)) {
      try {
        out.set(key, new TextEncoder().encode(render(source, values)))
      } catch (err) {
        const reason = err instanceof BridgeError ? err.message : "render failed"
        throw new BridgeError(ErrorCode.Config, `${field}.${key}: ${reason}`, { cause: err })
      }
    }
    return out
  }
}
