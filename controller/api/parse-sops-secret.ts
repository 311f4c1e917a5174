import { obj, oneOf, optObj, optStr, str, strMap } from "./fields.js"
import type { SopsSecretSpec } from "./types.js"

/**
 * A SopsSecret: `spec.sealed` is a whole sops-format file (as `sealbridge encrypt` writes it);
 * its top-level keys become the Secret's keys.
 * @throws BridgeError CONFIG naming the exact field
 */
export function parseSopsSecretSpec(raw: unknown, name: string): SopsSecretSpec {
  const spec = obj(raw, "spec")
  const target = optObj(spec, "target", "spec") ?? {}
  const type = optStr(target, "type", "spec.target")
  return {
    sealed: str(spec, "sealed", "spec"),
    format: oneOf(spec, "format", "spec", ["yaml", "json"], "yaml"),
    target: {
      name: optStr(target, "name", "spec.target") ?? name,
      ...(type === undefined ? {} : { type }),
      labels: strMap(target, "labels", "spec.target"),
      annotations: strMap(target, "annotations", "spec.target"),
    },
  }
}
