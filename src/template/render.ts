import { builtins } from "./builtins.js"
import { DEFAULT_LIMITS, Exec, type FuncTable, type Limits } from "./exec.js"
import { parse } from "./parser.js"
import { sprig } from "./sprig.js"
import type { Value } from "./values.js"

const FUNCS: FuncTable = { ...sprig, ...builtins }

/** Names of every template function available, for documentation and error hints. */
export const templateFunctions: readonly string[] = Object.keys(FUNCS).sort()

/**
 * Renders an ESO engine-v2 template (Go text/template syntax, sprig subset) against the
 * fetched values (`{{ .password }}`). Pure: no file, network, environment or cluster access;
 * bounded in steps and output size. Unknown functions fail at parse time naming the function.
 * @throws BridgeError CONFIG with the template line, never a value
 */
export function renderTemplate(
  source: string,
  values: Readonly<Record<string, string>>,
  limits: Limits = DEFAULT_LIMITS,
): string {
  const nodes = parse(source, (name) => Object.hasOwn(FUNCS, name))
  const data: Record<string, Value> = { ...values }
  return new Exec(FUNCS, limits).run(nodes, data)
}
