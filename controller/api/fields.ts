import { BridgeError, ErrorCode } from "../../src/index.js"

/**
 * Reading untrusted objects field by field. Every failure names the exact field path
 * (`spec.data[2].remoteRef.key: required`); values are never echoed.
 */
export type Obj = Readonly<Record<string, unknown>>

export function invalid(path: string, what: string): BridgeError {
  return new BridgeError(ErrorCode.Config, `${path}: ${what}`)
}

export function isObj(v: unknown): v is Obj {
  return typeof v === "object" && v !== null && !Array.isArray(v)
}

export function obj(v: unknown, path: string): Obj {
  if (!isObj(v)) throw invalid(path, "must be an object")
  return v
}

export function optObj(parent: Obj, key: string, path: string): Obj | undefined {
  const v = parent[key]
  return v === undefined || v === null ? undefined : obj(v, `${path}.${key}`)
}

export function str(parent: Obj, key: string, path: string): string {
  const v = parent[key]
  if (v === undefined || v === null || v === "") throw invalid(`${path}.${key}`, "required")
  if (typeof v !== "string") throw invalid(`${path}.${key}`, "must be a string")
  return v
}

export function optStr(parent: Obj, key: string, path: string): string | undefined {
  const v = parent[key]
  if (v === undefined || v === null || v === "") return undefined
  if (typeof v !== "string") throw invalid(`${path}.${key}`, "must be a string")
  return v
}

export function optBool(parent: Obj, key: string, path: string): boolean | undefined {
  const v = parent[key]
  if (v === undefined || v === null) return undefined
  if (typeof v !== "boolean") throw invalid(`${path}.${key}`, "must be a boolean")
  return v
}

export function oneOf<T extends string>(
  parent: Obj,
  key: string,
  path: string,
  allowed: readonly T[],
  fallback: T,
): T {
  const v = optStr(parent, key, path)
  if (v === undefined) return fallback
  if (!(allowed as readonly string[]).includes(v))
    throw invalid(`${path}.${key}`, `must be one of ${allowed.join(", ")}`)
  return v as T
}

export function list(parent: Obj, key: string, path: string): readonly unknown[] {
  const v = parent[key]
  if (v === undefined || v === null) return []
  if (!Array.isArray(v)) throw invalid(`${path}.${key}`, "must be a list")
  return v as unknown[]
}

export function strList(parent: Obj, key: string, path: string): readonly string[] {
  return list(parent, key, path).map((v, i) => {
    if (typeof v !== "string") throw invalid(`${path}.${key}[${i}]`, "must be a string")
    return v
  })
}

export function strMap(parent: Obj, key: string, path: string): Readonly<Record<string, string>> {
  const v = optObj(parent, key, path)
  if (v === undefined) return {}
  const out: Record<string, string> = {}
  for (const [k, val] of Object.entries(v)) {
    if (typeof val !== "string") throw invalid(`${path}.${key}.${k}`, "must be a string")
    out[k] = val
  }
  return out
}

/** Fields sealbridge knows from ESO but does not implement: refused by name, never silently ignored. */
export function refuse(parent: Obj, keys: readonly string[], path: string): void {
  for (const k of keys) {
    if (parent[k] !== undefined && parent[k] !== null)
      throw invalid(`${path}.${k}`, "is not supported by sealbridge")
  }
}

/** Exactly one of `keys` is set; returns which. */
export function exactlyOne(parent: Obj, keys: readonly string[], path: string): string {
  const set = keys.filter((k) => parent[k] !== undefined && parent[k] !== null)
  if (set.length !== 1) throw invalid(path, `exactly one of ${keys.join(", ")} must be set`)
  return set[0] as string
}
