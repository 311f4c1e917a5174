/** Where one transit call goes and with which credentials. */
export interface TransitTarget {
  readonly vaultAddress: string
  readonly enginePath: string
  readonly keyName: string
  readonly token: string
  readonly namespace?: string
}

/** The narrow port to Vault transit: encrypt and decrypt only, so a fake can stand in. */
export interface TransitApi {
  /** base64 plaintext in, `vault:v1:…` ciphertext out. */
  encrypt(t: TransitTarget, plaintextB64: string, timeoutMs?: number): Promise<string>
  /** `vault:v1:…` in, base64 plaintext out. */
  decrypt(t: TransitTarget, ciphertext: string, timeoutMs?: number): Promise<string>
}
