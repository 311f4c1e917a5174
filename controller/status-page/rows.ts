import { redact } from "../../src/index.js"
import { Kind } from "../api/constants.js"
import { parseGoDuration } from "../api/duration.js"
import type { StatusObject } from "./objects.js"

/** One line of the page. Everything here comes from metadata, spec references and status. */
export interface StatusRow {
  readonly kind: Kind
  readonly namespace: string
  readonly name: string
  /** Store the object reads from (ExternalSecret), provider (stores), "" otherwise. */
  readonly source: string
  readonly ready: "True" | "False" | "Unknown"
  readonly reason: string
  readonly message: string
  /** ISO time of the last successful sync, "" if none. */
  readonly lastSync: string
  /** ISO time of the next periodic refresh, "once", "on change" or "". */
  readonly nextRefresh: string
  /** Remote references of this object, and how many of them other objects fetch too (one call). */
  readonly refs: number
  readonly sharedRefs: number
}

type Json = Readonly<Record<string, unknown>>
const obj = (v: unknown): Json => (typeof v === "object" && v !== null ? (v as Json) : {})
const str = (v: unknown): string => (typeof v === "string" ? v : "")

function readyOf(status: Json): { ready: StatusRow["ready"]; reason: string; message: string } {
  const conditions = Array.isArray(status["conditions"]) ? (status["conditions"] as unknown[]) : []
  const c = conditions.map(obj).find((x) => x["type"] === "Ready")
  if (c === undefined) return { ready: "Unknown", reason: "", message: "" }
  const s = str(c["status"])
  // Status messages are redacted when written; redact again so the page never trusts its input.
  return {
    ready: s === "True" || s === "False" ? s : "Unknown",
    reason: str(c["reason"]),
    message: redact(str(c["message"])),
  }
}

/** The fetch identity of each remote reference: store plus key plus version, as the fetcher shares them. */
function remoteRefs(kind: Kind, namespace: string, spec: Json): string[] {
  if (kind !== Kind.ExternalSecret) return []
  const store = obj(spec["secretStoreRef"])
  const storeKind = str(store["kind"]) || "SecretStore"
  const storeId = `${storeKind}/${storeKind === "ClusterSecretStore" ? "" : namespace}/${str(store["name"])}`
  const out: string[] = []
  for (const d of Array.isArray(spec["data"]) ? (spec["data"] as unknown[]) : []) {
    const r = obj(obj(d)["remoteRef"])
    out.push(`${storeId}|${str(r["key"])}|${str(r["version"])}`)
  }
  for (const d of Array.isArray(spec["dataFrom"]) ? (spec["dataFrom"] as unknown[]) : []) {
    const e = obj(obj(d)["extract"])
    if (str(e["key"]) !== "") out.push(`${storeId}|${str(e["key"])}|${str(e["version"])}`)
  }
  return [...new Set(out)]
}

function nextRefresh(kind: Kind, spec: Json, lastSync: string): string {
  if (kind !== Kind.ExternalSecret) return ""
  const policy = str(spec["refreshPolicy"]) || "Periodic"
  if (policy === "CreatedOnce") return "once"
  if (policy === "OnChange") return "on change"
  let ms: number
  try {
    ms = parseGoDuration(str(spec["refreshInterval"]) || "1h", "refreshInterval")
  } catch {
    return ""
  }
  if (ms === 0) return "once"
  const last = Date.parse(lastSync)
  return Number.isNaN(last) ? "" : new Date(last + ms).toISOString()
}

function providerOf(spec: Json): string {
  return Object.keys(obj(spec["provider"]))[0] ?? ""
}

/** Rows for every object, sorted by kind, namespace and name. */
export function statusRows(
  objects: readonly { readonly kind: Kind; readonly obj: StatusObject }[],
): StatusRow[] {
  const refsOf = objects.map(({ kind, obj: o }) => remoteRefs(kind, o.metadata?.namespace ?? "", obj(o.spec)))
  const users = new Map<string, number>()
  for (const refs of refsOf) for (const r of refs) users.set(r, (users.get(r) ?? 0) + 1)
  const rows = objects.map(({ kind, obj: o }, i): StatusRow => {
    const spec = obj(o.spec)
    const status = obj(o.status)
    const refs = refsOf[i] ?? []
    const lastSync = str(status["refreshTime"])
    const isStore = kind === Kind.SecretStore || kind === Kind.ClusterSecretStore
    const storeRef = obj(spec["secretStoreRef"])
    return {
      kind,
      namespace: o.metadata?.namespace ?? "",
      name: o.metadata?.name ?? "",
      source: isStore ? providerOf(spec) : str(storeRef["name"]),
      ...readyOf(status),
      lastSync,
      nextRefresh: nextRefresh(kind, spec, lastSync),
      refs: refs.length,
      sharedRefs: refs.filter((r) => (users.get(r) ?? 0) > 1).length,
    }
  })
  const order = (r: StatusRow): string => `${r.kind}\u0000${r.namespace}\u0000${r.name}`
  return rows.sort((a, b) => (order(a) < order(b) ? -1 : order(a) > order(b) ? 1 : 0))
}
