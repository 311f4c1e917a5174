import { CoreV1Api, CustomObjectsApi, type KubeConfig } from "@kubernetes/client-node"
import { GROUP, Kind, MANAGED_LABEL, Plural, VERSION } from "./api/constants.js"
import type { WatchedObject, WatchTarget } from "./kube/watch.js"

type Listed = { readonly items: readonly WatchedObject[]; readonly resourceVersion: string }

export interface WatchSpec {
  readonly kind: Kind | "Secret"
  /** The namespace watched, "" for all (the cache replaces this scope on a re-list). */
  readonly scope: string
  readonly target: WatchTarget
}

/** Watch targets: the four kinds (per watched namespace, or cluster-wide) and only managed Secrets. */
export function watchTargets(kc: KubeConfig, namespaces: readonly string[]): WatchSpec[] {
  const custom = kc.makeApiClient(CustomObjectsApi)
  const core = kc.makeApiClient(CoreV1Api)
  const scopes: (string | undefined)[] = namespaces.length === 0 ? [undefined] : [...namespaces]
  const out: WatchSpec[] = []
  const asListed = (l: unknown): Listed => {
    const body = l as { items?: WatchedObject[]; metadata?: { resourceVersion?: string } }
    return { items: body.items ?? [], resourceVersion: body.metadata?.resourceVersion ?? "" }
  }
  for (const kind of [Kind.ExternalSecret, Kind.SecretStore, Kind.SopsSecret] as const) {
    for (const ns of scopes) {
      const plural = Plural[kind]
      out.push({
        kind,
        scope: ns ?? "",
        target: {
          name: `${plural}${ns === undefined ? "" : `/${ns}`}`,
          path: `/apis/${GROUP}/${VERSION}${ns === undefined ? "" : `/namespaces/${ns}`}/${plural}`,
          list: async () =>
            asListed(
              ns === undefined
                ? await custom.listClusterCustomObject({ group: GROUP, version: VERSION, plural })
                : await custom.listNamespacedCustomObject({
                    group: GROUP,
                    version: VERSION,
                    namespace: ns,
                    plural,
                  }),
            ),
        },
      })
    }
  }
  const cssPlural = Plural[Kind.ClusterSecretStore]
  out.push({
    kind: Kind.ClusterSecretStore,
    scope: "",
    target: {
      name: cssPlural,
      path: `/apis/${GROUP}/${VERSION}/${cssPlural}`,
      list: async () =>
        asListed(await custom.listClusterCustomObject({ group: GROUP, version: VERSION, plural: cssPlural })),
    },
  })
  const labelSelector = `${MANAGED_LABEL}=true`
  for (const ns of scopes) {
    out.push({
      kind: "Secret",
      scope: ns ?? "",
      target: {
        name: `secrets${ns === undefined ? "" : `/${ns}`}`,
        path: ns === undefined ? "/api/v1/secrets" : `/api/v1/namespaces/${ns}/secrets`,
        labelSelector,
        // Only Secrets carrying the managed label (the controller's own) are listed and cached,
        // with their data: drift is judged from the cache, never logged.
        list: async () => {
          const l =
            ns === undefined
              ? await core.listSecretForAllNamespaces({ labelSelector })
              : await core.listNamespacedSecret({ namespace: ns, labelSelector })
          return { items: l.items, resourceVersion: l.metadata?.resourceVersion ?? "" }
        },
      },
    })
  }
  return out
}
