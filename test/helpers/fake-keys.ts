import type { FormatName } from "../../src/formats/format.js"
import type { CallOptions, KeyBackend, KeyOpener, WrappedKey } from "../../src/keys/backend.js"
import { decryptDocument } from "../../src/ops/decrypt-document.js"
import { encryptDocument } from "../../src/ops/encrypt-document.js"
import type { SelectionRule } from "../../src/seal/metadata-types.js"

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

/** Fixed clock and real randomness for sealing in unit tests. */
export const fakeSealDeps = {
  now: (): Date => new Date("2026-01-02T03:04:05Z"),
  randomBytes: (n: number): Uint8Array => crypto.getRandomValues(new Uint8Array(n)),
}

/** How sealWith seals: by default a YAML file in.yaml, no threshold, rule or mac_only_encrypted. */
export interface SealOptions {
  /** The file's name, as messages give it. */
  source?: string
  /** The input format, and the output format unless `outputFormat` is given. */
  format?: FormatName
  outputFormat?: FormatName
  /** sops' Shamir threshold (0: all groups). */
  threshold?: number
  rule?: SelectionRule | null
  macOnly?: boolean
}

/** A text sealed in-process for these master keys (sops' key groups), with the fixed clock. */
export function sealWith(text: string, groups: KeyBackend[][], o: SealOptions = {}): Promise<Uint8Array> {
  const format = o.format ?? "yaml"
  return encryptDocument(
    {
      input: new TextEncoder().encode(text),
      source: o.source ?? "in.yaml",
      inputFormat: format,
      outputFormat: o.outputFormat ?? format,
      keyGroups: groups,
      shamirThreshold: o.threshold ?? 0,
      rule: o.rule ?? null,
      macOnlyEncrypted: o.macOnly ?? false,
    },
    fakeSealDeps,
  )
}

/** A YAML text sealed in-process for these master keys (sops' key groups, Shamir threshold). */
export function sealYamlWith(text: string, groups: KeyBackend[][], threshold = 0): Promise<Uint8Array> {
  return sealWith(text, groups, { threshold })
}

/** A sealed YAML opened in-process with the fake pgp keys `ids`; throws as decrypt does. */
export async function openYamlWith(input: Uint8Array, ids: string[]): Promise<string> {
  const plain = await decryptDocument({
    input,
    source: "out.yaml",
    inputFormat: "yaml",
    outputFormat: "yaml",
    openers: [fakeOpener("pgp", ids)],
    ignoreMac: false,
  })
  return new TextDecoder().decode(plain)
}
