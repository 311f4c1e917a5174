/** The parsed template: Go text/template's node kinds that ESO templates use. */
export type Node =
  | { readonly t: "text"; readonly text: string }
  | { readonly t: "action"; readonly pipe: Pipe; readonly line: number }
  | {
      readonly t: "if" | "with"
      readonly pipe: Pipe
      readonly body: readonly Node[]
      readonly alt: readonly Node[] | null
      readonly line: number
    }
  | {
      readonly t: "range"
      readonly pipe: Pipe
      readonly body: readonly Node[]
      readonly alt: readonly Node[] | null
      readonly line: number
    }
  | { readonly t: "break" | "continue"; readonly line: number }

export interface Pipe {
  /** declared or assigned variables (`$x := …`, `$i, $e := …`) */
  readonly vars: readonly string[]
  readonly assign: boolean
  readonly cmds: readonly Cmd[]
  readonly line: number
}

export interface Cmd {
  readonly args: readonly Arg[]
}

export type Arg =
  | { readonly t: "dot"; readonly path: readonly string[] }
  | { readonly t: "var"; readonly name: string; readonly path: readonly string[] }
  | { readonly t: "func"; readonly name: string }
  | { readonly t: "lit"; readonly value: unknown }
  | { readonly t: "sub"; readonly pipe: Pipe; readonly path: readonly string[] }
