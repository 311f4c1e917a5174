/** Titles of the GitOps rules, for rule catalogues (SARIF `rules[]`, `--list-rules`). */
export const GITOPS_RULES: Readonly<Record<string, string>> = {
  "sops-plaintext-value": "Plaintext value that the file's sops selection rule says must be sealed",
  "sops-unsealed-file": "File that a .sops.yaml creation rule covers but that is not sealed",
  "sops-malformed-envelope": "Malformed sops envelope (shape, IV or tag length, value type)",
  "sops-iv-reuse": "Two sealed values of one file share an IV",
  "sops-malformed-metadata": "sops metadata block without MAC, recipients, version or lastmodified",
  "sops-missing-metadata": "Sealed values without a sops metadata block",
  "sops-recipient-private-key":
    "Private key of a .sops.yaml recipient: it opens this repository's sealed files",
  "k8s-secret-plaintext": "Kubernetes Secret with plaintext data or stringData",
  "sealbridge-temp-file": "Leftover sealbridge temp file that may hold decrypted plaintext",
}
