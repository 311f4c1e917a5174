import { Command } from "commander"
import type { ControllerFlags, startFromCli } from "../controller/flags.js"
import type { CliIO } from "./io.js"

// The shipped bundle runs inside a vm.Script (cli/code-cache.ts), where import() would need an
// experimental vm option (and print a warning): there it goes through bin.js's own import().
declare const __sbImport: ((specifier: string) => Promise<unknown>) | undefined
const importModule = (specifier: string): Promise<unknown> =>
  typeof __sbImport === "function" ? __sbImport(specifier) : import(specifier)

/**
 * `sealbridge controller`: the in-cluster half. The controller code (and @kubernetes/client-node)
 * is imported only when this command runs, from the built controller/ next to cli/.
 */
export function controllerCommand(io: CliIO): Command {
  return new Command("controller")
    .description(
      "run the Kubernetes controller (ExternalSecret, SecretStore, ClusterSecretStore, SopsSecret)",
    )
    .option(
      "--kubeconfig <path>",
      "kubeconfig file (default: in-cluster config, else $KUBECONFIG / ~/.kube/config)",
    )
    .option("--namespace <ns...>", "watch only these namespaces (repeat or comma-separate; default: all)")
    .option("--concurrency <n>", "reconciles running at once", "4")
    .option("--metrics-port <port>", "/metrics port (0 = off)", "8080")
    .option("--health-port <port>", "/healthz and /readyz port (0 = off; may equal --metrics-port)", "8081")
    .option("--age-key-file <path>", "age identities for SopsSecrets (also SOPS_AGE_KEY, SOPS_AGE_KEY_FILE)")
    .option(
      "--hash-key-secret <ns/name>",
      "Secret holding the data-hash key (default: $POD_NAMESPACE/sealbridge-hash-key)",
    )
    .option("--store-refresh <duration>", "how often stores are re-validated", "5m")
    .option(
      "--watch-timeout <duration>",
      "server-side watch timeout floor (watches restart after 1-2x this)",
      "5m",
    )
    .option(
      "--fetch-window <duration>",
      "one provider answer serves every object naming that remote secret for this long",
      "30s",
    )
    .option("--store-rate <n>", "provider calls per second per store (token bucket)", "50")
    .option("--store-burst <n>", "token bucket size per store", "100")
    .option(
      "--store-concurrency <n>",
      "reconciles in flight per store (a hanging store holds at most these, never the workers)",
      "2",
    )
    .option(
      "--rollout-debounce <duration>",
      "quiet period before restarting rolloutRestartTargets (Secrets changing together: one restart)",
      "5s",
    )
    .option(
      "--leader-elect",
      "run several replicas: only the holder of a coordination.k8s.io Lease reconciles",
    )
    .option("--leader-elect-lease-duration <duration>", "how long an unrenewed Lease stays held", "15s")
    .option(
      "--leader-elect-renew-deadline <duration>",
      "the leader stops when it has not renewed for this long",
      "10s",
    )
    .option("--leader-elect-retry-period <duration>", "how often candidates try and the leader renews", "2s")
    .option("--leader-elect-namespace <ns>", "namespace of the Lease (default: $POD_NAMESPACE)")
    .option("--leader-elect-id <name>", "name of the Lease", "sealbridge-controller")
    .option(
      "--ready-max-overdue <duration>",
      "/readyz fails while any work is overdue by more than this (0 = only watches count)",
      "5m",
    )
    .option(
      "--status-page",
      "serve a read-only status page at /status on the metrics port (stores, syncs, reasons; never values)",
    )
    .action(async (flags: ControllerFlags) => {
      // Resolved at run time against this file's location: dist/cli/ → dist/controller/.
      const url = new URL("../controller/flags.js", import.meta.url).href
      const mod = (await importModule(url)) as { startFromCli: typeof startFromCli }
      await mod.startFromCli(flags, io.env, (line) => io.writeOut(line))
    })
}
