// The public API: the only module cli/ and controller/ import.
export {
  attemptLines,
  BridgeError,
  ChildExitError,
  ErrorCode,
  FormatError,
  isBridgeError,
  KeyError,
  KeyFailure,
  keyFailureText,
  KeyWrapError,
  NoKeyError,
  type BridgeErrorOptions,
  type KeyAttempt,
} from "./errors.js"
export * from "./tree/node.js"
export * from "./tree/path.js"
export * from "./formats/format.js"
export { formats, formatForPath, parseFormatName } from "./formats/registry.js"
// keys: the key registry (every backend and opener is built through it), the key seam types
export {
  BackendKind,
  wrappedKeyId,
  type CallOptions,
  type KeyBackend,
  type KeyOpener,
  type WrappedKey,
} from "./keys/backend.js"
export type { KeyDeps, RunOptions, RunResult } from "./keys/deps.js"
export { backendFor, backendForWrapped, backendsFor, keyKinds, openersFor } from "./keys/registry.js"
export { classifyKeyError } from "./keys/classify.js"
export { withDeadline } from "./keys/call.js"
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

// providers: the provider port, in-memory provider, registry and the ESO value helpers
export * from "./providers/provider.js"
export { MemoryProvider, type MemoryCalls, type MemorySetOptions } from "./providers/memory.js"
export {
  providerRegistry,
  createProvider,
  memoryRegistry,
  type ProviderName,
  type ProviderRegistry,
} from "./providers/registry.js"
export { extractProperty, lookupProperty } from "./providers/property.js"
export { decodeValue, parseDecodingStrategy } from "./providers/decoding.js"
export { ConversionStrategy, convertKey, convertKeys } from "./providers/conversion.js"
export { jsonToSecretMap } from "./providers/secret-map.js"
export { rewriteKeys, goReplaceAll, type RegexpRewrite } from "./providers/rewrite.js"
export { findMatcher, type FindMatcher } from "./providers/find-match.js"
export { ProviderError, isThrottled } from "./providers/provider-error.js"
export { renderTemplate, templateFunctions } from "./template/render.js"
export type { Limits as TemplateLimits } from "./template/exec.js"
export {
  SharedFetcher,
  type SharedFetcherOptions,
  type SharedCallOptions,
  type FetchStats,
  type SharedOp,
} from "./providers/fetch/shared-fetcher.js"
export { StoreRateLimiter, DEFAULT_RATE_LIMIT, type RateLimitOptions } from "./providers/fetch/rate-limit.js"
export type { Clock as FetchClock } from "./providers/fetch/clock.js"
// observability (issue 12): live Vault tokens per store
export { VaultTokenLedger, type TokenIssuer, type TokenLease } from "./providers/vault/token-ledger.js"

// scan: detection engine (scanText, detectors, binary sniffing)
export * from "./scan/finding.js"
export { scanText, createScanner, redactSecret, type Scanner } from "./scan/scanner.js"
export { isProbablyBinary } from "./scan/binary.js"
export { defaultDetectors } from "./scan/detectors/registry.js"

// scan: GitOps-aware checks and the scan driver (scancli)
export { checkGitops, maskRanges } from "./scan/gitops/check.js"
export type { GitopsContext, GitopsResult, DetectFn, TextRange } from "./scan/gitops/types.js"
export { emptyContext } from "./scan/gitops/types.js"
export { scanBlob, type BlobOutcome } from "./scan/engine/scan-blob.js"
export { applyInlineAllow } from "./scan/engine/inline-allow.js"
export {
  applyBaseline,
  formatBaseline,
  makeBaseline,
  parseBaseline,
  type Baseline,
  type BaselineEntry,
} from "./scan/engine/baseline.js"
export {
  SCAN_CONFIG_FILE,
  allowlistOf,
  defaultScanConfig,
  parseScanConfig,
  type Allowlist,
  type ScanConfig,
} from "./scan/engine/scan-config.js"
export { sortFindings, type ScanReport, type ScanSummary } from "./scan/report/summary.js"
export { formatText } from "./scan/report/text.js"
export { formatJson } from "./scan/report/json.js"
export { formatSarif } from "./scan/report/sarif.js"
export { GITOPS_RULES } from "./scan/gitops/rules.js"

// commands area (exec-env/exec-file, set, edit-new, updatekeys, groups, publish, git)
export { openDocument, type OpenRequest } from "./ops/open-document.js"
export { envFromBranch } from "./ops/exec-env.js"
export { EDIT_EXAMPLES } from "./ops/edit-example.js"
// groups add/delete, publish (keys2)
export { addKeyGroup, deleteKeyGroup, type GroupsRequest } from "./ops/key-groups.js"
export {
  matchDestinationRule,
  parseDestinationRules,
  type Destination,
  type DestinationRule,
} from "./config/destination-rules.js"
export {
  preparePublish,
  vaultApiPath,
  withoutExtension,
  type Prepared,
  type PublishRequest,
} from "./ops/publish.js"
export { publishSinks, uploadPrepared, type PublishEnv, type PublishSinks } from "./ops/publish-upload.js"
export { branchesToJson, type JsonValue } from "./ops/publish-json.js"

// hardening (issue 8): temp file names shared by the CLI, the scanner and hooks
export {
  TEMP_INFIX,
  EDIT_DIR_PREFIX,
  TEMP_GITIGNORE_PATTERNS,
  tempFileName,
  editDirName,
  parseTempFileName,
  parseEditDirName,
  isSealbridgeTempName,
} from "./util/temp-name.js"

export {
  formatPlan,
  planKeys,
  readSealed,
  rewrapDocument,
  specPrintId,
  type GroupDiff,
  type KeysPlan,
  type RewrapRequest,
} from "./ops/update-keys.js"
export { GIT_DRIVER, withAttributesBlock, withoutAttributesBlock } from "./ops/git-attributes.js"

// speed (issue 13): large binary files sealed and opened without the whole sealed text in memory
export { encryptBinaryPieces, STREAM_MIN_BYTES } from "./ops/encrypt-binary.js"
export { decryptBinaryFast } from "./ops/decrypt-binary.js"
// bounded memory (issue 13): large YAML and JSON files sealed and opened in one pass, no tree
export { encryptStreamed, SEAL_STREAM_MIN_BYTES } from "./ops/encrypt-stream.js"
export type { PiecesRequest } from "./ops/pieces-request.js"
export { decryptStreamed } from "./ops/decrypt-stream.js"
// bounded memory (issue 13): a large sealed YAML/JSON file opened in 64 KiB pieces, not whole
export { openStreamed, type StreamOpening, type StreamOpenRequest } from "./ops/decrypt-stream.js"
export { extractStreamed } from "./ops/extract-stream.js"
export type { ByteSource } from "./formats/byte-source.js"
export type { PieceProducer } from "./formats/piece-sink.js"
