// The public API: the only module cli/ and controller/ import.
export * from "./errors.js"
export * from "./tree/node.js"
export * from "./tree/path.js"
export * from "./formats/format.js"
export * from "./keys/backend.js"
export * from "./seal/metadata-types.js"
