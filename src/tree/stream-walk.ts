import type { Scalar } from "./node.js"

/**
 * What a streaming format reader tells the sealer as it meets the document, in document order:
 * the same walk sealTree's mapTree does, without the tree. Containers open and close, map
 * entries push and pop their key, `item()` ends every non-comment item of the open container.
 */
/** What a container that opens is. */
export type ContainerKind = "map" | "list"

export interface StreamWalker {
  open(kind: ContainerKind): void
  close(): void
  key(key: string): void
  /** After an entry's value (a map key is popped) or a list item: the comment level is cleared. */
  item(isEntry: boolean): void
  /** The scalar to write in place of `value`: itself, or the sealed `ENC[...]` string. */
  leaf(value: Scalar): Scalar
  /** The text to write for a comment: itself or `ENC[...]`. */
  comment(text: string): string
}

/** A walker that seals nothing: a reader's first pass, which only checks the input is its kind. */
export const checkOnly: StreamWalker = {
  open: () => undefined,
  close: () => undefined,
  key: () => undefined,
  item: () => undefined,
  leaf: (v) => v,
  comment: (t) => t,
}
