// Figures of bench/controller.mjs as a Markdown table, with ESO's published figures beside them
// (from ESO's issue tracker; no project publishes a load-test report for this model).

export function percentile(values, p) {
  if (values.length === 0) return NaN
  const s = [...values].sort((a, b) => a - b)
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]
}

const sec = (ms) => `${(ms / 1000).toFixed(1)} s`
const int = (n) => Math.round(n).toLocaleString("en-US")

export function table(r) {
  const c = r.cycles
  const rows = [
    [
      `time until all ${int(r.objects)} ExternalSecrets are Ready`,
      `${sec(r.allReadyMs)} from the first create (creates took ${sec(r.createMs)}; per object create→Ready p50 ${sec(r.createToReady.p50)}, p99 ${sec(r.createToReady.p99)}); ${int(r.initialCalls)} provider calls for the first sync`,
      "~2,000 ESs at 30 s refresh: 5–15 min to first sync (external-secrets#4180); 2,500 ESs, workqueue ~2,300 (#2878)",
    ],
    [
      "provider calls per refresh cycle (counted at moto and OpenBao)",
      `${r.callsPerCycle} (${int(r.awsCalls / c.count)} GetSecretValue + ${int(r.vaultCalls / c.count)} KV reads per cycle; ${r.remotes} distinct remote secrets, each read ${r.perKeyMin}–${r.perKeyMax}× in ${c.count} cycles of ${c.refresh}; ${r.slotsShared} of ${r.slots} refresh slots served by exactly one call, ${r.slotsMissed} by none; refresh lag p50 ${sec(r.refreshLagMs.p50)}, p99 ${sec(r.refreshLagMs.p99)})`,
      `one call per ExternalSecret per refresh (maintainer, #1769): ${int(r.objects)} here, and historically one per data[] entry (${int(r.objects * 2)})`,
    ],
    [
      "kube API requests, steady state",
      `${r.idlePerMin.toFixed(1)}/min with nothing due (${r.idleWatchPerMin.toFixed(1)}/min of them watch re-opens); per refresh cycle: ${Object.entries(
        r.kubePerCycle,
      )
        .map(([k, v]) => `${int(v)} ${k}`)
        .join(", ")}`,
      "~1,800 ESs at 15 s refresh → ~50 s client-side throttling waits (QPS 50 / burst 100, #1336); a GET per reconcile",
    ],
    [
      "controller peak RSS (VmHWM)",
      `${r.peakRssMb.toFixed(0)} MB`,
      "~300 MB with 2,500 ESs (#2878); 220 MiB with ~1,800 ESs (#1336)",
    ],
    [
      `p99 create→Ready of ${r.newCount} new ExternalSecrets during the refreshes`,
      `${sec(r.newLatency.p99)} (p50 ${sec(r.newLatency.p50)}, max ${sec(r.newLatency.max)})`,
      "200 new ESs took ~4 min, sometimes 8 (#2878); new ESs wait 5–15 min behind refreshes (#4180, #6019)",
    ],
    [
      "Vault tokens alive (accessors of the bench's AppRole mount)",
      `${r.tokens.start} at the start of the refreshes, at most ${r.tokens.max} during, ${r.tokens.end} after ${int(r.vaultReconciles)} Vault-backed refreshes (${r.vault.login} logins, ${r.vault.renew} renewals, ${r.vault.revoke} revocations; token TTL ${r.tokenTtlS} s, max ${r.tokenTtlS * 2} s); ${r.tokens.afterStop} after the controller stopped`,
      "one login per reconcile without --enable-vault-token-cache, each token a 32-day lease (#376, #1537): ≈ one live token per reconcile",
    ],
  ]
  const out = [
    "| figure | sealbridge | ESO (published) |",
    "|---|---|---|",
    ...rows.map((row) => `| ${row.join(" | ")} |`),
  ]
  return out.join("\n")
}
