// The public API: the only module cli/ and controller/ import.
export * from "./errors.js"
export * from "./tree/node.js"
export * from "./tree/path.js"
export * from "./formats/format.js"
export { formats, formatForPath, parseFormatName } from "./formats/registry.js"
export * from "./keys/backend.js"
export {
  AgeBackend,
  AgeOpener,
  collectAgeIdentities,
  generateAgeIdentity,
  ageRecipientOf,
} from "./keys/age.js"
export * from "./seal/metadata-types.js"
export { metadataFromTree, metadataToTree } from "./seal/metadata.js"
export { sealTree, type SealDeps } from "./seal/seal.js"
export { unsealTree } from "./seal/unseal.js"
export * from "./config/key-spec.js"
export * from "./config/creation-rule.js"
export * from "./config/sops-config.js"
export * from "./config/find-config.js"
export * from "./ops/extract.js"
export * from "./ops/encrypt-document.js"
export * from "./ops/decrypt-document.js"
export * from "./ops/reseal-document.js"
export * from "./ops/rotate-document.js"
export * from "./ops/set-value.js"
export { treeEquals } from "./tree/equals.js"
export { safeMessage, redact } from "./util/redact.js"
