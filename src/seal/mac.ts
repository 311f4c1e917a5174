import { createHash } from "node:crypto"
import type { Hash } from "node:crypto"

// SHA-256("sops"): fed first when mac_only_encrypted is set, so the two modes never collide.
const MAC_ONLY_ENCRYPTED_INIT = Buffer.from(
  "8a3fd2ad54ce66527b1034f3d147be0b0b975b3bf44f72c6fdadec8176f27d69",
  "hex",
)

/** Accumulates the SHA-512 MAC over cleartext values in walk order (spec §5). */
export class MacBuilder {
  readonly #hash: Hash
  constructor(macOnlyEncrypted: boolean) {
    this.#hash = createHash("sha512")
    if (macOnlyEncrypted) this.#hash.update(MAC_ONLY_ENCRYPTED_INIT)
  }
  add(bytes: Uint8Array): void {
    this.#hash.update(bytes)
  }
  /** Uppercase hex of the digest, as sops stores it (before sealing). */
  digestHex(): string {
    return this.#hash.digest("hex").toUpperCase()
  }
}
