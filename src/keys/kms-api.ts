/** Where one KMS call goes: the key, its region (from the ARN), profile and role to assume. */
export interface KmsTarget {
  readonly keyId: string
  readonly region: string
  readonly profile?: string
  readonly role?: string
  /** STS session name for `role` (`sops@<host>`, as sops makes it). */
  readonly sessionName: string
  /** Aborts the role assumption. */
  readonly signal?: AbortSignal
}

/** The narrow port to AWS KMS: only the calls sealbridge makes, so a fake can stand in. */
export interface KmsApi {
  encrypt(
    t: KmsTarget,
    plaintext: Uint8Array,
    context: Readonly<Record<string, string>> | undefined,
    signal?: AbortSignal,
  ): Promise<Uint8Array>
  decrypt(
    t: KmsTarget,
    ciphertext: Uint8Array,
    context: Readonly<Record<string, string>> | undefined,
    signal?: AbortSignal,
  ): Promise<Uint8Array>
  close(): void
}
