/**
 * AWS error names that mean "these credentials may not do this": shared by the KMS key backend
 * and the Secrets Manager provider so both class a failure the same way.
 */
export const AWS_ACCESS_DENIED: ReadonlySet<string> = new Set([
  "AccessDeniedException",
  "AccessDenied",
  "UnrecognizedClientException",
  "InvalidSignatureException",
  "InvalidClientTokenId",
  "SignatureDoesNotMatch",
  "IncompleteSignature",
  "MissingAuthenticationToken",
])
