import {
  ApiextensionsV1Api,
  CoreV1Api,
  CustomObjectsApi,
  KubeConfig,
  KubernetesObjectApi,
  PatchStrategy,
  type KubernetesObject,
} from "@kubernetes/client-node"
import { spawn, type ChildProcess } from "node:child_process"
import { randomUUID } from "node:crypto"
import { readdirSync, readFileSync } from "node:fs"
import { createServer } from "node:net"
import { parse } from "yaml"

const repo = new URL("../../", import.meta.url).pathname
export const GROUP = "sealbridge.dev"
export const VERSION = "v1alpha1"

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))
export const suffix = () => randomUUID().slice(0, 8)

/** Polls `fn` until it returns a non-undefined value (or throws the last error at the deadline). */
export async function waitFor<T>(
  what: string,
  fn: () => Promise<T | undefined>,
  timeoutMs = 20_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs
  let last: unknown
  while (Date.now() < deadline) {
    try {
      const v = await fn()
      if (v !== undefined) return v
    } catch (err) {
      last = err
    }
    await sleep(200)
  }
  throw new Error(`timed out waiting for ${what}${last instanceof Error ? `: ${last.message}` : ""}`)
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer()
    s.listen(0, "127.0.0.1", () => {
      const a = s.address()
      const port = typeof a === "object" && a !== null ? a.port : 0
      s.close(() => resolve(port))
    })
    s.once("error", reject)
  })
}

export class Kube {
  readonly kc = new KubeConfig()
  readonly core: CoreV1Api
  readonly custom: CustomObjectsApi
  readonly objects: KubernetesObjectApi

  constructor(kubeconfig: string) {
    this.kc.loadFromFile(kubeconfig)
    this.core = this.kc.makeApiClient(CoreV1Api)
    this.custom = this.kc.makeApiClient(CustomObjectsApi)
    this.objects = KubernetesObjectApi.makeApiClient(this.kc)
  }

  /** Server-side applies the CRDs from controller/deploy/crds and waits until they are established. */
  async installCrds(): Promise<void> {
    const dir = `${repo}controller/deploy/crds/`
    const ext = this.kc.makeApiClient(ApiextensionsV1Api)
    for (const f of readdirSync(dir).filter((f) => f !== "kustomization.yaml")) {
      const crd = parse(readFileSync(dir + f, "utf8")) as KubernetesObject
      await this.objects.patch(
        crd,
        undefined,
        undefined,
        "sealbridge-tests",
        true,
        PatchStrategy.ServerSideApply,
      )
      await waitFor(`CRD ${crd.metadata?.name}`, async () => {
        const got = await ext.readCustomResourceDefinition({ name: crd.metadata?.name ?? "" })
        return got.status?.conditions?.some((c) => c.type === "Established" && c.status === "True") === true
          ? true
          : undefined
      })
    }
  }

  async namespace(name: string, labels: Record<string, string> = {}): Promise<void> {
    await this.core.createNamespace({ body: { metadata: { name, labels } } })
  }

  async apply(obj: Record<string, unknown>): Promise<void> {
    await this.objects.patch(
      obj,
      undefined,
      undefined,
      "sealbridge-tests",
      true,
      PatchStrategy.ServerSideApply,
    )
  }

  async secret(namespace: string, name: string, data: Record<string, string>): Promise<void> {
    await this.apply({ apiVersion: "v1", kind: "Secret", metadata: { name, namespace }, stringData: data })
  }

  /** Secret data as text, or undefined when absent. */
  async secretText(namespace: string, name: string): Promise<Record<string, string> | undefined> {
    try {
      const s = await this.core.readNamespacedSecret({ namespace, name })
      return Object.fromEntries(
        Object.entries(s.data ?? {}).map(([k, v]) => [k, Buffer.from(v, "base64").toString()]),
      )
    } catch (err) {
      if ((err as { code?: number }).code === 404) return undefined
      throw err
    }
  }

  async get(plural: string, namespace: string | undefined, name: string): Promise<Record<string, unknown>> {
    const base = { group: GROUP, version: VERSION, plural, name }
    return (
      namespace === undefined
        ? await this.custom.getClusterCustomObject(base)
        : await this.custom.getNamespacedCustomObject({ ...base, namespace })
    ) as Record<string, unknown>
  }

  /** The Ready condition of a custom object. */
  async ready(
    plural: string,
    namespace: string | undefined,
    name: string,
  ): Promise<{ status: string; reason: string; message: string } | undefined> {
    const obj = await this.get(plural, namespace, name)
    const conds = (
      obj["status"] as
        { conditions?: { type: string; status: string; reason: string; message: string }[] } | undefined
    )?.conditions
    return conds?.find((c) => c.type === "Ready")
  }

  async waitReady(
    plural: string,
    namespace: string | undefined,
    name: string,
    reason: string,
    timeoutMs = 20_000,
  ) {
    return waitFor(
      `${plural} ${namespace ?? ""}/${name} Ready reason ${reason}`,
      async () => {
        const r = await this.ready(plural, namespace, name)
        return r?.reason === reason ? r : undefined
      },
      timeoutMs,
    )
  }

  async events(namespace: string): Promise<string> {
    const list = await this.core.listNamespacedEvent({ namespace })
    return JSON.stringify(
      list.items.map((e) => ({ reason: e.reason, message: e.message, kind: e.involvedObject.kind })),
    )
  }
}

/** The built `sealbridge controller` as a child process, with its output captured. */
export class ControllerProcess {
  readonly child: ChildProcess
  readonly port: number
  /** stdout (JSON log lines) and stderr together. */
  output = ""
  stdout = ""

  private constructor(child: ChildProcess, port: number) {
    this.child = child
    this.port = port
    child.stdout?.on("data", (d: Buffer) => {
      this.output += d.toString()
      this.stdout += d.toString()
    })
    child.stderr?.on("data", (d: Buffer) => (this.output += d.toString()))
  }

  static async start(
    args: readonly string[],
    env: Record<string, string | undefined>,
  ): Promise<ControllerProcess> {
    const port = await freePort()
    const child = spawn(
      process.execPath,
      [
        `${repo}dist/cli/bin.js`,
        "controller",
        "--health-port",
        String(port),
        "--metrics-port",
        String(port),
        ...args,
      ],
      {
        env: { PATH: process.env["PATH"], ...env },
        stdio: ["ignore", "pipe", "pipe"],
      },
    )
    const proc = new ControllerProcess(child, port)
    await waitFor(
      "controller /readyz",
      async () => {
        if (child.exitCode !== null) throw new Error(`controller exited ${child.exitCode}: ${proc.output}`)
        const res = await fetch(`http://127.0.0.1:${port}/readyz`).catch(() => undefined)
        return res?.status === 200 ? true : undefined
      },
      30_000,
    )
    return proc
  }

  async metricsText(): Promise<string> {
    return (await fetch(`http://127.0.0.1:${this.port}/metrics`)).text()
  }

  async metric(name: string, labels: Record<string, string>): Promise<number> {
    const text = await this.metricsText()
    let total = 0
    for (const line of text.split("\n")) {
      if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue
      if (Object.entries(labels).every(([k, v]) => line.includes(`${k}="${v}"`)))
        total += Number(line.split(" ").at(-1))
    }
    return total
  }

  /** SIGTERM and wait; resolves with the exit code. */
  async stop(): Promise<number | null> {
    // Already gone (exited, or killed by a signal: then exitCode stays null and no exit event follows).
    if (this.child.exitCode !== null || this.child.signalCode !== null) return this.child.exitCode
    const exited = new Promise<number | null>((r) => this.child.once("exit", (code) => r(code)))
    this.child.kill("SIGTERM")
    const timer = setTimeout(() => this.child.kill("SIGKILL"), 15_000)
    const code = await exited
    clearTimeout(timer)
    return code
  }
}
