import { BridgeError } from "../../src/errors.js"

/** `<code> <message>` of the BridgeError `f` throws; any other outcome fails the test. */
export const errorOf = (f: () => unknown): string => {
  try {
    f()
  } catch (err) {
    if (err instanceof BridgeError) return `${err.code} ${err.message}`
    throw err
  }
  throw new Error("expected a BridgeError")
}

/** The message of whatever `f` throws (any error class), or "no error" when it returns. */
export const messageOf = (f: () => unknown): string => {
  try {
    f()
  } catch (err) {
    return (err as Error).message
  }
  return "no error"
}
