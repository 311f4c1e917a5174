import { describe, expect, it } from "vitest"
import { Kind } from "../../controller/api/constants.js"
import { applyFilter, renderStatusPage } from "../../controller/status-page/html.js"
import { StatusObjects, type StatusObject } from "../../controller/status-page/objects.js"
import { statusRows } from "../../controller/status-page/rows.js"

const es = (
  ns: string,
  name: string,
  keys: string[],
  ready: Record<string, string> | null,
  extra = {},
): StatusObject => ({
  metadata: { namespace: ns, name },
  spec: {
    secretStoreRef: { name: "aws", kind: "SecretStore" },
    refreshInterval: "15m",
    data: keys.map((key, i) => ({ secretKey: `k${i}`, remoteRef: { key } })),
    ...extra,
  },
  status:
    ready === null ? {} : { refreshTime: "2026-12-02T01:00:00Z", conditions: [{ type: "Ready", ...ready }] },
})

function fixture(): StatusObjects {
  const o = new StatusObjects()
  o.update(
    Kind.ExternalSecret,
    es("team-a", "db", ["prod/db", "prod/api"], { status: "True", reason: "SecretSynced" }),
    false,
  )
  o.update(
    Kind.ExternalSecret,
    es("team-a", "api", ["prod/api"], { status: "True", reason: "SecretSynced" }),
    false,
  )
  // the same key in another namespace goes through another store: not shared
  o.update(Kind.ExternalSecret, es("team-b", "api", ["prod/api"], null), false)
  o.update(
    Kind.ExternalSecret,
    es("team-b", "broken", ["prod/missing"], {
      status: "False",
      reason: "SecretSyncedError",
      message:
        "prod/missing: access denied <script>x</script> AGE-SECRET-KEY-1QQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQ",
    }),
    false,
  )
  o.update(
    Kind.SecretStore,
    { metadata: { namespace: "team-a", name: "aws" }, spec: { provider: { aws: {} } } },
    false,
  )
  o.update("Secret", { metadata: { namespace: "team-a", name: "db" } }, false)
  return o
}

describe("status page rows", () => {
  it("lists stores and syncs with Ready, next refresh and shared fetches, never Secrets", () => {
    const rows = statusRows(fixture().list())
    expect(rows.map((r) => `${r.kind}/${r.namespace}/${r.name}`)).toEqual([
      "ExternalSecret/team-a/api",
      "ExternalSecret/team-a/db",
      "ExternalSecret/team-b/api",
      "ExternalSecret/team-b/broken",
      "SecretStore/team-a/aws",
    ])
    const db = rows.find((r) => r.name === "db")
    expect(db).toMatchObject({
      ready: "True",
      refs: 2,
      sharedRefs: 1,
      nextRefresh: "2026-12-02T01:15:00.000Z",
    })
    expect(rows.find((r) => r.namespace === "team-b" && r.name === "api")).toMatchObject({
      ready: "Unknown",
      sharedRefs: 0,
      nextRefresh: "",
    })
    expect(rows.find((r) => r.kind === Kind.SecretStore)?.source).toBe("aws")
  })

  it("redacts key material in a status message and forgets deleted objects", () => {
    const o = fixture()
    const broken = statusRows(o.list()).find((r) => r.name === "broken")
    expect(broken?.message).toContain("[redacted]")
    expect(broken?.message).not.toContain("AGE-SECRET-KEY")
    o.update(Kind.ExternalSecret, { metadata: { namespace: "team-b", name: "broken" } }, true)
    expect(statusRows(o.list()).some((r) => r.name === "broken")).toBe(false)
  })

  it("says once or on change for those refresh policies", () => {
    const o = new StatusObjects()
    o.update(Kind.ExternalSecret, es("n", "a", ["k"], { status: "True" }, { refreshInterval: "0" }), false)
    o.update(
      Kind.ExternalSecret,
      es("n", "b", ["k"], { status: "True" }, { refreshPolicy: "OnChange" }),
      false,
    )
    expect(statusRows(o.list()).map((r) => r.nextRefresh)).toEqual(["once", "on change"])
  })
})

describe("status page HTML", () => {
  it("filters by namespace and Ready status", () => {
    const rows = statusRows(fixture().list())
    expect(applyFilter(rows, { namespace: "team-b" }).map((r) => r.name)).toEqual(["api", "broken"])
    expect(applyFilter(rows, { ready: "False" }).map((r) => r.name)).toEqual(["broken"])
    const html = renderStatusPage(rows, { namespace: "team-a" }, new Date(0))
    expect(html).toContain("3 objects shown of 5")
    expect(html).not.toContain(">broken<")
  })

  it("escapes everything taken from cluster objects", () => {
    const html = renderStatusPage(statusRows(fixture().list()), {}, new Date(0))
    expect(html).not.toContain("<script>x</script>")
    expect(html).toContain("&lt;script&gt;x&lt;/script&gt;")
  })
})
