import { CreateKeyCommand, KMSClient, ScheduleKeyDeletionCommand } from "@aws-sdk/client-kms"
import { writeFileSync } from "node:fs"
import { join } from "node:path"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { type ControllerProcess, Kube, suffix, waitFor } from "./controller-harness.js"
import { API, startController, vaultRoot } from "./controller-vault-fixture.js"
import { peerEnv, requirePeer } from "./peers.js"
import { awsEnv, cliPath, exec, vaultEnv, workDir } from "./tools.js"

// SopsSecrets sealed with an AWS KMS key (moto) and a Vault transit key (OpenBao), opened by the
// built controller with its own credentials (AWS env chain, VAULT_TOKEN).
const kubePeer = requirePeer("kube-apiserver", "KUBECONFIG")
const motoPeer = requirePeer("moto", "AWS_ENDPOINT_URL_KMS")
const vaultPeer = requirePeer("vault", "VAULT_ADDR")
const dir = workDir("sealbridge-ctl-sops-")

describe.skipIf(kubePeer.skip || motoPeer.skip || vaultPeer.skip)(
  "controller: SopsSecret with KMS and Vault transit keys",
  () => {
    const id = suffix()
    const ns = `sb-sops-${id}`
    const root = vaultRoot()
    const transitKey = `sb-ctl-${id}`
    const otherKey = `sb-ctl-other-${id}`
    const policy = `sb-ctl-transit-${id}`
    const values = ["kms-pass-5rt", "transit-pass-6yu", "other-pass-7ik"]
    const kms = new KMSClient({})
    let arn = ""
    let controllerToken = ""
    let kube: Kube
    let ctl: ControllerProcess

    /** `sealbridge encrypt` of a small YAML document with the given key flags. */
    const seal = (keyFlags: string[], password: string): string => {
      const file = join(dir.path, `${password}.yaml`)
      writeFileSync(file, `password: ${password}\nport: 5432\n`)
      const r = exec(process.execPath, [cliPath, "encrypt", ...keyFlags, file], {
        HOME: dir.path,
        ...awsEnv(),
        ...vaultEnv(),
      })
      expect(r.err).toBe("")
      return r.out
    }
    const sopsSecret = (name: string, sealed: string) => ({
      apiVersion: API,
      kind: "SopsSecret",
      metadata: { name, namespace: ns },
      spec: { sealed },
    })
    const transitUri = (key: string) => `${peerEnv("VAULT_ADDR")}/v1/transit/keys/${key}`

    beforeAll(async () => {
      arn = (await kms.send(new CreateKeyCommand({ Description: `sealbridge controller ${id}` }))).KeyMetadata
        ?.Arn as string
      await root.write(`transit/keys/${transitKey}`, {})
      await root.write(`transit/keys/${otherKey}`, {})
      // The controller may decrypt with one transit key only.
      await root.addPolicy({
        name: policy,
        rules: `path "transit/decrypt/${transitKey}" { capabilities = ["update"] }`,
      })
      controllerToken = (
        (await root.write("auth/token/create", { policies: [policy], ttl: "1h" })) as {
          auth: { client_token: string }
        }
      ).auth.client_token
      kube = new Kube(peerEnv("KUBECONFIG"))
      await kube.installCrds()
      await kube.namespace(ns)
      ctl = await startController([ns], {
        AWS_ENDPOINT_URL_KMS: peerEnv("AWS_ENDPOINT_URL_KMS"),
        AWS_ENDPOINT_URL_STS: peerEnv("AWS_ENDPOINT_URL_STS"),
        AWS_ACCESS_KEY_ID: peerEnv("AWS_ACCESS_KEY_ID"),
        AWS_SECRET_ACCESS_KEY: peerEnv("AWS_SECRET_ACCESS_KEY"),
        AWS_REGION: peerEnv("AWS_REGION"),
        AWS_EC2_METADATA_DISABLED: "true",
        VAULT_TOKEN: controllerToken,
        HOME: dir.path,
      })
    }, 120_000)

    afterAll(async () => {
      const code = await ctl?.stop()
      await kube?.core.deleteNamespace({ name: ns }).catch(() => undefined)
      await kms
        .send(new ScheduleKeyDeletionCommand({ KeyId: arn, PendingWindowInDays: 7 }))
        .catch(() => undefined)
      await root.write("auth/token/revoke", { token: controllerToken }).catch(() => undefined)
      dir.cleanup()
      expect(code).toBe(0)
    })

    it("should decrypt a SopsSecret sealed with an AWS KMS key", async () => {
      await kube.apply(sopsSecret("kms", seal(["--kms", arn], values[0] ?? "")))
      await kube.waitReady("sopssecrets", ns, "kms", "SecretSynced")
      expect(await kube.secretText(ns, "kms")).toEqual({ password: values[0], port: "5432" })
    })

    it("should decrypt a SopsSecret sealed with a Vault transit key", async () => {
      await kube.apply(
        sopsSecret("transit", seal(["--hc-vault-transit", transitUri(transitKey)], values[1] ?? "")),
      )
      await kube.waitReady("sopssecrets", ns, "transit", "SecretSynced")
      expect(await kube.secretText(ns, "transit")).toEqual({ password: values[1], port: "5432" })
    })

    it("should say DecryptKeyMissing for a transit key its token may not use, and write no Secret", async () => {
      await kube.apply(
        sopsSecret("other", seal(["--hc-vault-transit", transitUri(otherKey)], values[2] ?? "")),
      )
      const r = await kube.waitReady("sopssecrets", ns, "other", "DecryptKeyMissing")
      expect(r.status).toBe("False")
      expect(r.message).toContain(otherKey)
      expect(await kube.secretText(ns, "other")).toBeUndefined()
    })

    it("should never put a value or the token in logs, events or status", async () => {
      const statuses = JSON.stringify(
        await Promise.all(["kms", "transit", "other"].map((n) => kube.get("sopssecrets", ns, n))).then((o) =>
          o.map((x) => x["status"]),
        ),
      )
      await waitFor("events recorded", async () =>
        (await kube.events(ns)).includes("SecretSynced") ? true : undefined,
      )
      const events = await kube.events(ns)
      for (const v of [...values, controllerToken]) {
        expect(ctl.output).not.toContain(v)
        expect(events).not.toContain(v)
        expect(statuses).not.toContain(v)
      }
    })
  },
)
