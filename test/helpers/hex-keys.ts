import type { CallOptions, KeyBackend, KeyOpener, WrappedKey } from "../../src/keys/backend.js"

// In-process master keys whose "wrapped" form is the data key in hex (the one-pass seal and open
// tests): a sealed file can be opened with no key service, and a test can see which key type was
// asked, with which options, and check that every data key handed out was wiped afterwards.
// (fake-keys.ts is the same idea in base64, with the ids asked recorded per key.)

/** Wraps for the age recipient or pgp fingerprint `id`: the data key in hex. */
export function hexBackend(kind: "age" | "pgp", id: string): KeyBackend {
  return {
    kind,
    keyId: id,
    wrap: (dataKey): Promise<WrappedKey> => {
      const enc = Buffer.from(dataKey).toString("hex")
      return Promise.resolve(
        kind === "age"
          ? { kind, recipient: id, enc }
          : { kind, fp: id, createdAt: "2026-01-02T03:04:05Z", enc },
      )
    },
  }
}

/** The age key the one-pass tests seal with. */
export const fakeAge: KeyBackend = hexBackend("age", "age1fake")
/** A pgp key for a second key type (decryption order). */
export const fakePgp: KeyBackend = hexBackend("pgp", "FP")

export interface RecordingOpeners {
  /** An age opener, then a pgp one: each opens any hex-wrapped key of its type. */
  readonly openers: KeyOpener[]
  /** The type of the opener asked, call by call (both count, whether or not they opened). */
  readonly calls: string[]
  /** Every data key handed out, in order: the caller must wipe them. */
  readonly keys: Uint8Array[]
  /** The call options of every call, in order. */
  readonly opts: (CallOptions | undefined)[]
}

/** Openers of the hex-wrapped keys, logging every call and keeping every key they give. */
export function recordingOpeners(): RecordingOpeners {
  const calls: string[] = []
  const keys: Uint8Array[] = []
  const opts: (CallOptions | undefined)[] = []
  const of = (kind: "age" | "pgp"): KeyOpener => ({
    kind,
    unwrap: (w, o) => {
      calls.push(kind)
      opts.push(o)
      if (w.kind !== kind) return Promise.resolve(null)
      const key = new Uint8Array(Buffer.from(w.enc, "hex"))
      keys.push(key)
      return Promise.resolve(key)
    },
  })
  return { openers: [of("age"), of("pgp")], calls, keys, opts }
}

/** Whether a data key was handed out (not undefined) and then wiped to zeros. */
export const wiped = (key: Uint8Array | undefined): boolean => key !== undefined && key.every((b) => b === 0)
