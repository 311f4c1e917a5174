import { chromium, type Browser, type Page } from "playwright-core"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { type ControllerProcess, Kube, suffix, waitFor } from "./controller-harness.js"
import { externalSecret, startController, vaultRoot, vaultStore } from "./controller-vault-fixture.js"
import { peerEnv, requireBinary, requirePeer } from "./peers.js"

// The read-only status page of a running controller, in Debian's headless Chromium.
const kubePeer = requirePeer("kube-apiserver", "KUBECONFIG")
const vaultPeer = requirePeer("vault", "VAULT_ADDR")
const browserBin = requireBinary("CHROMIUM_BIN", "chromium")

describe.skipIf(kubePeer.skip || vaultPeer.skip || browserBin.skip)(
  "controller status page in Chromium",
  () => {
    const id = suffix()
    const nsA = `sb-page-a-${id}`
    const nsB = `sb-page-b-${id}`
    const root = vaultRoot()
    const key = `sb-page-${id}/db`
    const password = `page-pass-${id}-q7`
    let kube: Kube
    let ctl: ControllerProcess
    let browser: Browser

    beforeAll(async () => {
      kube = new Kube(peerEnv("KUBECONFIG"))
      await kube.installCrds()
      for (const ns of [nsA, nsB]) {
        await kube.namespace(ns)
        await kube.secret(ns, "vault-token", { token: peerEnv("VAULT_TOKEN") })
      }
      await root.write(`secret/data/${key}`, { data: { password } })
      ctl = await startController([nsA, nsB], {}, ["--status-page"])
      for (const ns of [nsA, nsB]) {
        await kube.apply(vaultStore(ns, "vault", { tokenSecretRef: { name: "vault-token", key: "token" } }))
        await kube.waitReady("secretstores", ns, "vault", "StoreValidated")
      }
      const data = (k: string) => ({
        data: [{ secretKey: "password", remoteRef: { key: k, property: "password" } }],
      })
      await kube.apply(externalSecret(nsA, "db", "vault", { refreshInterval: "1h", ...data(key) }))
      await kube.apply(externalSecret(nsA, "db-copy", "vault", { refreshInterval: "1h", ...data(key) }))
      await kube.apply(externalSecret(nsB, "db", "vault", { refreshInterval: "1h", ...data(key) }))
      await kube.apply(
        externalSecret(nsB, "missing", "vault", { refreshInterval: "1h", ...data(`sb-page-${id}/none`) }),
      )
      await kube.waitReady("externalsecrets", nsA, "db", "SecretSynced")
      await kube.waitReady("externalsecrets", nsA, "db-copy", "SecretSynced")
      await kube.waitReady("externalsecrets", nsB, "db", "SecretSynced")
      await kube.waitReady("externalsecrets", nsB, "missing", "SecretNotFound")
      browser = await chromium.launch({
        executablePath: browserBin.path,
        args: [
          "--no-sandbox",
          "--disable-gpu",
          "--disable-quic",
          "--no-first-run",
          "--disable-background-networking",
          "--disable-component-update",
          "--disable-sync",
        ],
      })
    }, 180_000)

    afterAll(async () => {
      await browser?.close()
      const code = await ctl?.stop()
      for (const ns of [nsA, nsB]) await kube?.core.deleteNamespace({ name: ns }).catch(() => undefined)
      await root.delete(`secret/metadata/${key}`).catch(() => undefined)
      expect(code).toBe(0)
    })

    /** Cells of each table row as rendered (a row's innerText is its cells, tab-separated). */
    const cellsOf = async (page: Page): Promise<string[][]> =>
      (await page.locator("#objects tbody tr").allInnerTexts()).map((t) => t.split("\t"))
    /** kind/namespace/name of each row. */
    const rowsOf = async (page: Page): Promise<string[]> =>
      (await cellsOf(page)).map((c) => c.slice(0, 3).join("/"))

    it("should list every store and sync, filter by namespace and status, and show a failure's redacted reason", async () => {
      const page = await browser.newPage()
      const url = `http://127.0.0.1:${ctl.port}/status`
      // the watch cache fills as events arrive: wait until the page shows all six objects
      await waitFor("six objects on the status page", async () => {
        await page.goto(url)
        return (await rowsOf(page)).length === 6 ? true : undefined
      })
      expect(await rowsOf(page)).toEqual([
        `ExternalSecret/${nsA}/db`,
        `ExternalSecret/${nsA}/db-copy`,
        `ExternalSecret/${nsB}/db`,
        `ExternalSecret/${nsB}/missing`,
        `SecretStore/${nsA}/vault`,
        `SecretStore/${nsB}/vault`,
      ])

      await page.selectOption("#namespace", nsB)
      await Promise.all([page.waitForURL(/namespace=/), page.click("#apply")])
      expect(await rowsOf(page)).toEqual([
        `ExternalSecret/${nsB}/db`,
        `ExternalSecret/${nsB}/missing`,
        `SecretStore/${nsB}/vault`,
      ])

      await page.selectOption("#ready", "False")
      await Promise.all([page.waitForURL(/ready=False/), page.click("#apply")])
      expect(await rowsOf(page)).toEqual([`ExternalSecret/${nsB}/missing`])
      const cells = (await cellsOf(page))[0] ?? []
      expect(cells[4]).toBe("False")
      expect(cells[5]).toBe("SecretNotFound")
      expect(cells[6]).toContain(`sb-page-${id}/none`)
      expect(await page.textContent("#summary")).toContain("1 objects shown of 6, 1 not ready")

      // db and db-copy read one key through one store: one fetch, shared; nsB's db has its own store
      await page.goto(url)
      const shared = Object.fromEntries((await cellsOf(page)).map((c) => [c.slice(0, 3).join("/"), c[9]]))
      expect(shared[`ExternalSecret/${nsA}/db`]).toBe("1 of 1")
      expect(shared[`ExternalSecret/${nsA}/db-copy`]).toBe("1 of 1")
      expect(shared[`ExternalSecret/${nsB}/db`]).toBe("0 of 1")
      const html = await page.content()
      expect(html).not.toContain(password)
      expect(ctl.output).not.toContain(password)
      await page.close()
    })
  },
)
