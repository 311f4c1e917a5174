import type { StatusRow } from "./rows.js"

export interface PageFilter {
  readonly namespace?: string
  /** "True", "False" or "Unknown" (the Ready condition). */
  readonly ready?: string
}

const ESCAPES: Readonly<Record<string, string>> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
}
/** Every value on the page comes from cluster objects that users write: escape all of it. */
export const esc = (s: string): string => s.replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c)

export function applyFilter(rows: readonly StatusRow[], f: PageFilter): StatusRow[] {
  return rows.filter(
    (r) =>
      (f.namespace === undefined || f.namespace === "" || r.namespace === f.namespace) &&
      (f.ready === undefined || f.ready === "" || r.ready === f.ready),
  )
}

function options(values: readonly string[], selected: string | undefined, all: string): string {
  const opts = [`<option value="">${esc(all)}</option>`]
  for (const v of values)
    opts.push(`<option value="${esc(v)}"${v === selected ? " selected" : ""}>${esc(v)}</option>`)
  return opts.join("")
}

function row(r: StatusRow): string {
  const cls = r.ready === "True" ? "ok" : r.ready === "False" ? "bad" : "unknown"
  const shared = r.refs === 0 ? "" : `${r.sharedRefs} of ${r.refs}`
  const cells = [
    r.kind,
    r.namespace,
    r.name,
    r.source,
    r.ready,
    r.reason,
    r.message,
    r.lastSync,
    r.nextRefresh,
    shared,
  ]
  return (
    `<tr class="${cls}" data-namespace="${esc(r.namespace)}" data-ready="${esc(r.ready)}">` +
    cells.map((c) => `<td>${esc(c)}</td>`).join("") +
    "</tr>"
  )
}

/**
 * The read-only page: a form that filters by namespace and Ready status (plain GET, works
 * without script), a summary, and one table row per store, ExternalSecret and SopsSecret.
 */
export function renderStatusPage(all: readonly StatusRow[], f: PageFilter, now: Date): string {
  const rows = applyFilter(all, f)
  const namespaces = [...new Set(all.map((r) => r.namespace).filter((n) => n !== ""))].sort()
  const failing = rows.filter((r) => r.ready === "False").length
  const head = [
    "kind",
    "namespace",
    "name",
    "store / provider",
    "ready",
    "reason",
    "message",
    "last sync",
    "next refresh",
    "shared fetches",
  ]
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>sealbridge controller status</title>
<style>
body{font:14px system-ui,sans-serif;margin:1.5em}table{border-collapse:collapse;width:100%}
th,td{border-bottom:1px solid #ddd;padding:.3em .5em;text-align:left;vertical-align:top}
tr.bad td{background:#fdecea}tr.ok td:nth-child(5){color:#1a7f37}tr.bad td:nth-child(5){color:#b42318;font-weight:600}
form{margin:1em 0}#summary{color:#555}
</style></head><body>
<h1>sealbridge controller</h1>
<p id="summary">${rows.length} objects shown of ${all.length}, ${failing} not ready · generated ${esc(now.toISOString())} · read-only, no secret values</p>
<form method="get" action="status">
<label>namespace <select name="namespace" id="namespace">${options(namespaces, f.namespace, "all namespaces")}</select></label>
<label>ready <select name="ready" id="ready">${options(["True", "False", "Unknown"], f.ready, "any status")}</select></label>
<button type="submit" id="apply">filter</button>
</form>
<table id="objects"><thead><tr>${head.map((h) => `<th>${esc(h)}</th>`).join("")}</tr></thead>
<tbody>${rows.map(row).join("\n")}</tbody></table>
</body></html>
`
}
