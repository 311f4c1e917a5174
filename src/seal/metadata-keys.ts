import { BridgeError, ErrorCode } from "../errors.js"
import type { WrappedKey } from "../keys/backend.js"
import { entry, map, str, type MapEntry, type MapNode, type TreeNode } from "../tree/node.js"
import { text } from "../tree/scalar-text.js"

const byteOrder = (a: MapEntry, b: MapEntry): number => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0)

/** One master-key entry as sops 3.13 writes it (keys byte-wise sorted). */
export function writeKeyEntry(k: WrappedKey): TreeNode {
  switch (k.kind) {
    case "age":
      return map([entry("enc", str(k.enc)), entry("recipient", str(k.recipient))])
    case "kms": {
      const items: MapEntry[] = [entry("arn", str(k.arn)), entry("aws_profile", str(k.awsProfile))]
      if (k.context !== undefined && Object.keys(k.context).length > 0) {
        const ctx = Object.entries(k.context).map(([key, v]) => entry(key, str(v)))
        items.push(entry("context", map(ctx.sort(byteOrder))))
      }
      items.push(entry("created_at", str(k.createdAt)), entry("enc", str(k.enc)))
      if (k.role !== undefined && k.role !== "") items.push(entry("role", str(k.role)))
      return map(items)
    }
    case "hc_vault":
      return map([
        entry("created_at", str(k.createdAt)),
        entry("enc", str(k.enc)),
        entry("engine_path", str(k.enginePath)),
        entry("key_name", str(k.keyName)),
        entry("vault_address", str(k.vaultAddress)),
      ])
    case "pgp":
      return map([entry("created_at", str(k.createdAt)), entry("enc", str(k.enc)), entry("fp", str(k.fp))])
    default:
      return k.raw
  }
}

/** Reads one master-key entry of the given list. @throws BridgeError FORMAT naming the field */
export function readKeyEntry(list: string, node: MapNode, where: string): WrappedKey {
  const get = (key: string): string | undefined => {
    for (const it of node.items) if (it.kind === "entry" && it.key === key) return text(it.value)
    return undefined
  }
  const need = (key: string): string => {
    const v = get(key)
    if (v === undefined) throw new BridgeError(ErrorCode.Format, `${where}.${key}: missing`)
    return v
  }
  switch (list) {
    case "age":
      return { kind: "age", recipient: need("recipient"), enc: need("enc") }
    case "kms": {
      const role = get("role")
      const context = readContext(node)
      return {
        kind: "kms",
        arn: need("arn"),
        ...(role === undefined || role === "" ? {} : { role }),
        ...(context === undefined ? {} : { context }),
        createdAt: get("created_at") ?? "",
        enc: need("enc"),
        awsProfile: get("aws_profile") ?? "",
      }
    }
    case "hc_vault":
      return {
        kind: "hc_vault",
        vaultAddress: need("vault_address"),
        enginePath: need("engine_path"),
        keyName: need("key_name"),
        createdAt: get("created_at") ?? "",
        enc: need("enc"),
      }
    case "pgp":
      return { kind: "pgp", fp: need("fp"), createdAt: get("created_at") ?? "", enc: need("enc") }
    case "gcp_kms":
    case "azure_kv":
    case "hckms":
      return { kind: list, raw: node }
    default:
      throw new BridgeError(ErrorCode.Format, `${where}: unknown key type ${list}`)
  }
}

function readContext(node: MapNode): Record<string, string> | undefined {
  for (const it of node.items) {
    if (it.kind === "entry" && it.key === "context" && it.value.kind === "map") {
      const out: Record<string, string> = {}
      for (const c of it.value.items) if (c.kind === "entry") out[c.key] = text(c.value) ?? ""
      return out
    }
  }
  return undefined
}
