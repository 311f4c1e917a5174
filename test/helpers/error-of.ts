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

/** The BridgeError `f` throws, to compare its code, message, hint or cause; any other outcome fails. */
export const bridgeErrorOf = (f: () => unknown): BridgeError => {
  try {
    f()
  } catch (err) {
    if (err instanceof BridgeError) return err
    throw err
  }
  throw new Error("expected a BridgeError")
}

/** The BridgeError `p` rejects with; a fulfilled promise or any other rejection fails the test. */
export const rejectionOf = async (p: Promise<unknown>): Promise<BridgeError> => {
  const err = await p.then(
    () => new Error("expected a rejection"),
    (e: unknown) => e,
  )
  if (err instanceof BridgeError) return err
  throw err
}

/** `<code>: <message>` of the BridgeError `p` rejects with, "ok" if it fulfils, and any other rejection named. */
export async function failureOf(p: Promise<unknown>): Promise<string> {
  try {
    await p
    return "ok"
  } catch (err) {
    return err instanceof BridgeError ? `${err.code}: ${err.message}` : `not a BridgeError: ${String(err)}`
  }
}
