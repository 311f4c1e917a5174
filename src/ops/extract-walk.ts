import type { BridgeError } from "../errors.js"
import type { StreamOpener } from "../seal/stream-opener.js"
import { comment, type ListItem, type MapItem, type Scalar, type TreeNode } from "../tree/node.js"
import type { ContainerKind, StreamWalker } from "../tree/stream-walk.js"
import { stepMissing, type ExtractStep } from "./extract.js"

interface Frame {
  readonly kind: ContainerKind
  /** This container is the node the path reached after `depth` steps. */
  readonly onPath: boolean
  readonly depth: number
  /** Non-comment items ended so far (a list's next index). */
  index: number
  /** The key of the entry whose value comes next. */
  key: string
  /** The entry the next step names was met (a later duplicate key is not it, as in extractNode). */
  found: boolean
  /** The items of a container inside the extracted part, else null. */
  readonly items: (MapItem | ListItem)[] | null
}

/**
 * Extracts an `--extract` path from a streaming reader's events, for a one-pass `decrypt
 * --extract`: only the extracted part is built into a tree (as unsealTree then extractNode would
 * give it); every event still goes to the opener, whose path and comment levels decide what is
 * sealed. `openAll` (the MAC is checked): every value and comment is opened, as the MAC covers
 * them all; otherwise (--ignore-mac) only those inside the extracted part, and a comment outside
 * it stays as it is in the comment levels, as unsealTree's `only` leaves it.
 */
export class ExtractWalk implements StreamWalker {
  readonly #opener: StreamOpener
  readonly #steps: readonly ExtractStep[]
  readonly #openAll: boolean
  readonly #frames: Frame[] = []
  #found: TreeNode | null = null
  /** The deepest node the path reached: after how many steps, and its kind. */
  #reached: { depth: number; kind: TreeNode["kind"] } = { depth: 0, kind: "map" } // an empty YAML data part is an empty map

  constructor(opener: StreamOpener, steps: readonly ExtractStep[], openAll: boolean) {
    this.#opener = opener
    this.#steps = steps
    this.#openAll = openAll
  }

  /** The extracted node, or null when the path is not in the document (see missing()). */
  found(): TreeNode | null {
    return this.#found
  }

  /** The error extractNode gives for this document and path (when found() is null). */
  missing(): BridgeError {
    const { depth, kind } = this.#reached
    const step = this.#steps[depth]
    if (step === undefined) throw new Error("extract walk: the path was found")
    return stepMissing(kind, step)
  }

  #top(): Frame | undefined {
    return this.#frames[this.#frames.length - 1]
  }

  /** The path depth of the value that starts now when it is on the path, else -1. */
  #depthOfNext(top: Frame | undefined): number {
    if (top === undefined) return 0
    if (!top.onPath) return -1
    const step = this.#steps[top.depth]
    if (step === undefined) return -1
    if (top.kind === "map") {
      if (step.kind !== "key" || top.found || top.key !== step.key) return -1
      top.found = true
    } else if (step.kind !== "index" || top.index !== step.index) return -1
    return top.depth + 1
  }

  #add(top: Frame, node: TreeNode): void {
    if (top.items === null) return
    top.items.push(top.kind === "map" ? { kind: "entry", key: top.key, value: node } : node)
  }

  open(kind: ContainerKind): void {
    const top = this.#top()
    if (top?.items != null) {
      this.#frames.push({ kind, onPath: false, depth: -1, index: 0, key: "", found: false, items: [] })
    } else {
      const depth = this.#depthOfNext(top)
      if (depth !== -1) this.#reached = { depth, kind }
      const target = depth === this.#steps.length
      this.#frames.push({
        kind,
        onPath: depth !== -1,
        depth,
        index: 0,
        key: "",
        found: false,
        items: target ? [] : null,
      })
    }
    this.#opener.open(kind)
  }

  close(): void {
    const frame = this.#frames.pop()
    this.#opener.close()
    if (frame?.items == null) return
    const node: TreeNode =
      frame.kind === "map"
        ? { kind: "map", items: frame.items as MapItem[] }
        : { kind: "list", items: frame.items as ListItem[] }
    const parent = this.#top()
    if (parent?.items != null) this.#add(parent, node)
    else this.#found = node
  }

  key(key: string): void {
    const top = this.#top()
    if (top !== undefined) top.key = key
    this.#opener.key(key)
  }

  item(isEntry: boolean): void {
    const top = this.#top()
    if (top !== undefined && !isEntry) top.index++
    this.#opener.item(isEntry)
  }

  leaf(value: Scalar): Scalar {
    const top = this.#top()
    if (top?.items != null) {
      const opened = this.#opener.leaf(value)
      this.#add(top, { kind: "scalar", value: opened })
      return opened
    }
    const depth = this.#depthOfNext(top)
    if (depth !== -1) this.#reached = { depth, kind: "scalar" }
    if (depth === this.#steps.length) {
      const opened = this.#opener.leaf(value)
      this.#found = { kind: "scalar", value: opened }
      return opened
    }
    return this.#openAll ? this.#opener.leaf(value) : value
  }

  comment(text: string): string {
    const top = this.#top()
    if (top?.items != null) {
      const opened = this.#opener.comment(text)
      top.items.push(comment(opened))
      return opened
    }
    return this.#openAll ? this.#opener.comment(text) : this.#opener.keepComment(text)
  }
}
