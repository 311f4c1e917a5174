import { BridgeError, ErrorCode } from "../errors.js"

/** Template errors are CONFIG errors (the user's template is wrong); they never quote a value. */
export function templateError(message: string, line?: number, cause?: unknown): BridgeError {
  const where = line === undefined ? "template" : `template:${line}`
  return new BridgeError(ErrorCode.Config, `${where}: ${message}`, {
    ...(cause === undefined ? {} : { cause }),
    hint: "target.template uses Go text/template syntax with the sprig functions listed in the README",
  })
}
