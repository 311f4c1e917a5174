import type { KubeConfig } from "@kubernetes/client-node"
import { Agent as HttpAgent } from "node:http"
import { Agent as HttpsAgent, type AgentOptions } from "node:https"

/** Deadline of one API request (not of watches, which have their own supervision). */
export const KUBE_REQUEST_TIMEOUT_MS = 60_000

type RequestContext = Parameters<KubeConfig["applySecurityAuthentication"]>[0]

/**
 * Fixes two things of client-node 1.x's API clients, for every client later made from `kc`:
 * - no deadline: a request the API server (or a dead connection) never answers would hold a
 *   reconcile worker for ever; each request now aborts after `timeoutMs` (a retryable KUBE error);
 * - no connection reuse: `applySecurityAuthentication` builds a new Agent per request, so every
 *   call paid a TCP (and TLS) handshake; requests now share one keep-alive agent per TLS setup.
 * Watches go through `applyToFetchOptions` and are left alone.
 */
export function hardenApiClients(kc: KubeConfig, timeoutMs = KUBE_REQUEST_TIMEOUT_MS): PooledConnections {
  const apply = kc.applySecurityAuthentication.bind(kc)
  const agents = new Map<string, HttpAgent>()
  kc.applySecurityAuthentication = async (ctx: RequestContext): Promise<void> => {
    await apply(ctx)
    ctx.setSignal(AbortSignal.timeout(timeoutMs))
    const shared = sharedAgent(ctx.getAgent(), agents)
    if (shared !== undefined) ctx.setAgent(shared)
  }
  return {
    reset: () => {
      for (const agent of agents.values()) agent.destroy()
      agents.clear()
    },
  }
}

/** The kept-alive connections of the API clients. */
export interface PooledConnections {
  /**
   * Closes every pooled connection; the next request dials a new one. Called when a watch dies
   * or goes silent: the path to the API server just failed, and a pooled connection that went
   * half-dead the same way (a load balancer that stopped forwarding) would otherwise hold each
   * write that reuses it until the request deadline.
   */
  reset(): void
}

/** One keep-alive agent per distinct TLS setup (CA, client certificate, verification). */
function sharedAgent(fresh: unknown, agents: Map<string, HttpAgent>): HttpAgent | undefined {
  // Proxy agents (hpagent, socks) keep their own behaviour.
  const made = (fresh as { constructor?: unknown } | undefined)?.constructor
  if (made !== HttpsAgent && made !== HttpAgent) return undefined
  const tls = made === HttpsAgent
  const o = (fresh as { options?: AgentOptions }).options ?? {}
  const key = tls
    ? JSON.stringify([o.ca, o.cert, o.key, o.pfx, o.passphrase, o.rejectUnauthorized, o.servername])
    : "http"
  let agent = agents.get(key)
  if (agent === undefined) {
    const opts = { keepAlive: true, maxSockets: 32 }
    agent = tls
      ? new HttpsAgent({
          ...opts,
          ...pick(o, ["ca", "cert", "key", "pfx", "passphrase", "rejectUnauthorized", "servername"]),
        })
      : new HttpAgent(opts)
    agents.set(key, agent)
  }
  return agent
}

function pick(o: AgentOptions, keys: readonly (keyof AgentOptions)[]): AgentOptions {
  const out: AgentOptions = {}
  for (const k of keys) if (o[k] !== undefined) Object.assign(out, { [k]: o[k] })
  return out
}
