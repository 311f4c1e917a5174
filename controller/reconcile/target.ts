import { DATA_HASH_ANNOTATION, Kind, Reason } from "../api/constants.js"
import { CreationPolicy, type ExternalSecretSpec } from "../api/types.js"
import type { CustomObject, SecretApply, SecretObject } from "../kube/port.js"
import { desiredSecret, liveEquals, liveMatchesHash, toWire } from "../render.js"
import { resourceVersionOf } from "../schedule.js"
import { statusMessage } from "./status.js"
import type { ControllerDeps } from "./deps.js"
import type { Outcome } from "./status.js"

const SECRET_KEY = /^[-._a-zA-Z0-9]+$/

/** True when another object (not this ExternalSecret) is the Secret's controller. */
export function ownedByOther(live: SecretObject | null, uid: string): boolean {
  const ctl = live?.metadata.ownerReferences?.find((r) => r.controller === true)
  return ctl !== undefined && ctl.uid !== uid
}

export type Built =
  { readonly ok: true; readonly secret: SecretApply } | { readonly ok: false; readonly outcome: Outcome }

/** Provider data (+ template) → the Secret to apply, with ownership per creation policy. */
export function buildDesired(
  deps: ControllerDeps,
  obj: CustomObject,
  spec: ExternalSecretSpec,
  fetched: ReadonlyMap<string, Uint8Array>,
): Built {
  const tpl = spec.target.template
  let data: ReadonlyMap<string, Uint8Array> = fetched
  if (tpl !== undefined && Object.keys(tpl.data).length > 0) {
    if (deps.renderTemplate === undefined)
      return templateError("target.template.data: templates are not available in this build")
    try {
      const rendered = deps.renderTemplate(tpl.data, fetched)
      data = tpl.mergePolicy === "Merge" ? new Map([...fetched, ...rendered]) : rendered
    } catch (err) {
      return templateError(statusMessage(err))
    }
  }
  for (const k of data.keys()) {
    if (!SECRET_KEY.test(k))
      return {
        ok: false,
        outcome: {
          ready: false,
          reason: Reason.InvalidSpec,
          message: `key ${JSON.stringify(k)} is not a valid Secret key (use rewrite)`,
        },
      }
  }
  const meta = renderMetadata(deps, tpl, fetched)
  if (!meta.ok) return meta
  const merge = spec.target.creationPolicy === CreationPolicy.Merge
  const type = merge ? undefined : (tpl?.type ?? "Opaque")
  const secret = desiredSecret(
    {
      name: spec.target.name,
      namespace: obj.metadata.namespace ?? "",
      ...(type === undefined ? {} : { type }),
      labels: meta.labels,
      annotations: meta.annotations,
      ...(spec.target.creationPolicy === CreationPolicy.Owner
        ? { owner: { kind: Kind.ExternalSecret, name: obj.metadata.name, uid: obj.metadata.uid } }
        : {}),
      data: toWire(data),
      immutable: spec.target.immutable,
    },
    deps.hmacKey,
  )
  return { ok: true, secret }
}

type Meta = {
  readonly ok: true
  readonly labels: Record<string, string>
  readonly annotations: Record<string, string>
}

/** As ESO, `template.metadata` labels and annotations are templates over the fetched values too. */
function renderMetadata(
  deps: ControllerDeps,
  tpl: ExternalSecretSpec["target"]["template"],
  fetched: ReadonlyMap<string, Uint8Array>,
): Meta | Extract<Built, { ok: false }> {
  if (tpl === undefined) return { ok: true, labels: {}, annotations: {} }
  const render = deps.renderTemplate
  if (render === undefined)
    return { ok: true, labels: { ...tpl.labels }, annotations: { ...tpl.annotations } }
  const text = (m: Map<string, Uint8Array>) =>
    Object.fromEntries([...m].map(([k, v]) => [k, new TextDecoder().decode(v)]))
  try {
    return {
      ok: true,
      labels: text(render(tpl.labels, fetched, "target.template.metadata.labels")),
      annotations: text(render(tpl.annotations, fetched, "target.template.metadata.annotations")),
    }
  } catch (err) {
    return templateError(statusMessage(err))
  }
}

function templateError(message: string): Extract<Built, { ok: false }> {
  return { ok: false, outcome: { ready: false, reason: Reason.TemplateError, message } }
}

export type Applied =
  { readonly ok: true } | { readonly ok: false; readonly outcome: Outcome; readonly retry: boolean }

/**
 * Applies the desired Secret when it differs from the live one (server-side apply as
 * `sealbridge`, so keys of other writers stay and keys this controller no longer sets are pruned).
 */
export async function applyTarget(
  deps: ControllerDeps,
  obj: CustomObject,
  spec: ExternalSecretSpec,
  live: SecretObject | null,
  want: SecretApply,
): Promise<Applied> {
  const policy = spec.target.creationPolicy
  if (policy === CreationPolicy.None) return { ok: true }
  if (policy === CreationPolicy.Merge && live === null)
    return {
      ok: false,
      retry: true,
      outcome: {
        ready: false,
        reason: Reason.TargetMissing,
        message: `Secret ${want.name} does not exist (creationPolicy Merge never creates it)`,
      },
    }
  const unchanged = liveMatchesHash(live, deps.hmacKey) && liveEquals(live, want)
  if (!unchanged) {
    const hash = (s: { readonly annotations?: Readonly<Record<string, string>> }) =>
      s.annotations?.[DATA_HASH_ANNOTATION]
    if (live?.immutable === true && hash(live.metadata) !== hash(want))
      return {
        ok: false,
        retry: false,
        outcome: {
          ready: false,
          reason: Reason.ImmutableTarget,
          message: `Secret ${want.name} is immutable and its data would change`,
        },
      }
    await deps.kube.applySecret(want)
    // Restart only when the data really changed (the keyed hash), not on creation or drift repair.
    if (live !== null && hash(live.metadata) !== hash(want) && spec.rolloutRestartTargets.length > 0)
      deps.restarts?.request(want.namespace, spec.rolloutRestartTargets, want.name)
    deps.log.info(live === null ? "secret created" : "secret updated", {
      kind: Kind.ExternalSecret,
      namespace: want.namespace,
      name: obj.metadata.name,
      secret: want.name,
    })
  }
  deps.lastApplied.set(`${want.namespace}/${obj.metadata.name}`, {
    uid: obj.metadata.uid,
    resourceVersion: resourceVersionOf(obj),
    secret: want,
  })
  return { ok: true }
}
