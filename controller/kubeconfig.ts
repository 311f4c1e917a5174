import { KubeConfig } from "@kubernetes/client-node"
import { BridgeError, ErrorCode } from "../src/index.js"

const HINT = "pass --kubeconfig <file>, set KUBECONFIG, or run the controller in a pod with a service account"

/** Where the kubeconfig comes from, in client-node's order, for messages and the existence check. */
type Source =
  | { readonly kind: "flag"; readonly file: string }
  | { readonly kind: "cluster" }
  | { readonly kind: "default"; readonly files: readonly string[] }

function sourceOf(flag: string | undefined, env: Readonly<Record<string, string | undefined>>): Source {
  if (flag !== undefined) return { kind: "flag", file: flag }
  if (env["KUBERNETES_SERVICE_HOST"] !== undefined) return { kind: "cluster" }
  const list = (env["KUBECONFIG"] ?? "").split(":").filter((f) => f !== "")
  if (list.length > 0) return { kind: "default", files: list }
  const home = env["HOME"]
  return { kind: "default", files: home === undefined ? [] : [`${home}/.kube/config`] }
}

function describe(source: Source): string {
  if (source.kind === "flag") return `kubeconfig ${source.file}`
  if (source.kind === "cluster") return "the in-cluster service account config"
  return `kubeconfig ${source.files.join(":")}`
}

/**
 * Why a load failed, in words that carry no byte of the file: a kubeconfig holds tokens and keys,
 * and the YAML parser's message quotes the offending line, so only its position is kept.
 */
function reasonOf(err: unknown): string {
  const code = (err as { code?: unknown } | null)?.code
  if (code === "ENOENT") return "no such file"
  if (code === "EISDIR") return "is a directory"
  if (code === "EACCES" || code === "EPERM") return "permission denied"
  const mark = (err as { mark?: { line?: unknown; column?: unknown } } | null)?.mark
  if (typeof mark?.line === "number" && typeof mark.column === "number")
    return `not valid YAML at line ${String(mark.line + 1)}, column ${String(mark.column + 1)}`
  if (typeof code === "string") return `cannot be read (${code})`
  return "not a valid kubeconfig"
}

/**
 * Loads the kubeconfig the way kubectl finds it (--kubeconfig, in-cluster, $KUBECONFIG,
 * ~/.kube/config) and checks that it names a cluster to talk to.
 * @throws BridgeError CONFIG naming the source and the reason, never the file's contents
 */
export function loadKubeConfig(
  flag: string | undefined,
  env: Readonly<Record<string, string | undefined>>,
  exists: (file: string) => boolean,
): KubeConfig {
  const source = sourceOf(flag, env)
  // client-node falls back to http://localhost:8080 when no file exists, and every watch then
  // retries for ever: no kubeconfig at all is a configuration error at start.
  if (source.kind === "default" && !source.files.some(exists)) {
    const where = source.files.length === 0 ? "(no HOME)" : source.files.join(":")
    throw new BridgeError(ErrorCode.Config, `no kubeconfig found: ${where}`, { hint: HINT })
  }
  const kc = new KubeConfig()
  try {
    if (source.kind === "flag") kc.loadFromFile(source.file)
    else if (source.kind === "cluster") kc.loadFromCluster()
    else kc.loadFromDefault()
  } catch (err) {
    const reason = reasonOf(err)
    throw new BridgeError(ErrorCode.Config, `cannot load ${describe(source)}: ${reason}`, {
      cause: new Error(reason),
      hint: HINT,
    })
  }
  if (kc.getCurrentCluster() === null) {
    throw new BridgeError(
      ErrorCode.Config,
      `${describe(source)} names no cluster: its current-context is missing or points to no cluster`,
      { hint: "set current-context (kubectl config use-context <name>) or pass another --kubeconfig" },
    )
  }
  return kc
}
