import type { CallOptions, KeyBackend, KeyOpener, WrappedKey } from "../../src/keys/backend.js"

// In-process stand-ins for master keys (unit tests of the ops that re-wrap or re-seal): the
// "wrapped" key is the data key in base64 under a fake id, so a test can seal and open with no
// key service and see which key was asked, with which options, and what it handed out.

const b64 = (b: Uint8Array): string => Buffer.from(b).toString("base64")

export interface FakeBackend extends KeyBackend {
  /** The options of every wrap call, in order. */
  readonly wraps: (CallOptions | undefined)[]
}

/** Wraps for the pgp fingerprint or age recipient `id`; `refuse` makes every wrap throw. */
export function fakeBackend(kind: "pgp" | "age", id: string, refuse?: Error): FakeBackend {
  const wraps: FakeBackend["wraps"] = []
  return {
    kind,
    keyId: id,
    wraps,
    wrap(dataKey: Uint8Array, opts?: CallOptions): Promise<WrappedKey> {
      wraps.push(opts)
      if (refuse !== undefined) return Promise.reject(refuse)
      return Promise.resolve(
        kind === "pgp"
          ? { kind, fp: id, createdAt: "2026-01-01T00:00:00Z", enc: b64(dataKey) }
          : { kind, recipient: id, enc: b64(dataKey) },
      )
    },
  }
}

export interface FakeOpener extends KeyOpener {
  /** Ids asked, in order, with the options each call got. */
  readonly calls: { id: string; opts: CallOptions | undefined }[]
  /** Every data key (or share) handed out: a caller must zero it when done. */
  readonly handed: Uint8Array[]
}

/** Opens keys of `kind` whose id is in `ids`; null for every other key. */
export function fakeOpener(kind: "pgp" | "age", ids: readonly string[]): FakeOpener {
  const calls: FakeOpener["calls"] = []
  const handed: Uint8Array[] = []
  return {
    kind,
    calls,
    handed,
    unwrap(w: WrappedKey, opts?: CallOptions): Promise<Uint8Array | null> {
      const id = w.kind === "pgp" ? w.fp : w.kind === "age" ? w.recipient : null
      if (w.kind !== kind || id === null) return Promise.resolve(null)
      calls.push({ id, opts })
      if (!ids.includes(id)) return Promise.resolve(null)
      const key = new Uint8Array(Buffer.from(w.enc, "base64"))
      handed.push(key)
      return Promise.resolve(key)
    },
  }
}
