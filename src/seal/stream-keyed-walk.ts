import { createSecretKey, type KeyObject } from "node:crypto"
import type { Scalar } from "../tree/node.js"
import type { ContainerKind, StreamWalker } from "../tree/stream-walk.js"
import { MacBuilder } from "./mac.js"
import type { SelectionRule } from "./metadata-types.js"
import { policyFor, type Policy } from "./policy.js"

/**
 * What the one-pass sealer and opener share: the path and comment stack a streaming reader's
 * events build (the policy's input, as the tree walk builds them), the MAC and the data key.
 * Subclasses decide what a leaf and a comment become.
 */
export abstract class StreamKeyedWalk implements StreamWalker {
  protected readonly path: string[] = []
  /** Comments met at each open level since its last item (the comment rules' input). */
  protected readonly levels: string[][] = []
  protected readonly policy: Policy
  protected readonly mac: MacBuilder
  protected readonly macOnly: boolean
  protected readonly dataKey: Uint8Array
  protected readonly keyObject: KeyObject

  constructor(dataKey: Uint8Array, rule: SelectionRule | null, macOnly: boolean) {
    this.policy = policyFor(rule)
    this.mac = new MacBuilder(macOnly)
    this.macOnly = macOnly
    this.dataKey = dataKey
    this.keyObject = createSecretKey(dataKey)
  }

  open(_kind: ContainerKind): void {
    this.levels.push([])
  }

  close(): void {
    this.levels.pop()
  }

  key(key: string): void {
    this.path.push(key)
  }

  item(isEntry: boolean): void {
    if (isEntry) this.path.pop()
    const level = this.levels[this.levels.length - 1]
    if (level !== undefined) level.length = 0
  }

  /** The innermost open level's comments, where a comment met now belongs. */
  protected currentLevel(): string[] | undefined {
    return this.levels[this.levels.length - 1]
  }

  abstract leaf(value: Scalar): Scalar
  abstract comment(text: string): string
}
