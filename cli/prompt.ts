import { createInterface, type Interface } from "node:readline"
import type { CliIO } from "./io.js"

/**
 * Line prompts on the terminal (updatekeys, publish). One reader over stdin for the whole run,
 * so several files can be asked about in turn; `closePrompts` releases stdin at the end.
 */
let reader: Interface | undefined
const pending: string[] = []
const waiting: ((line: string | null) => void)[] = []
let ended = false

function ensureReader(): void {
  if (reader !== undefined) return
  reader = createInterface({ input: process.stdin, terminal: false })
  reader.on("line", (line) => {
    const next = waiting.shift()
    if (next !== undefined) next(line)
    else pending.push(line)
  })
  reader.on("close", () => {
    ended = true
    for (const w of waiting.splice(0)) w(null)
  })
}

/** Prints `question` and resolves with the next line, or null at end of input. */
export function askLine(question: string, io: CliIO): Promise<string | null> {
  io.writeOut(question)
  ensureReader()
  const line = pending.shift()
  if (line !== undefined) return Promise.resolve(line)
  if (ended) return Promise.resolve(null)
  return new Promise((resolve) => waiting.push(resolve))
}

/** Asks until the answer is y or n, as sops does; null when the input ended first. */
export async function askYesNo(question: string, io: CliIO): Promise<boolean | null> {
  for (;;) {
    const answer = await askLine(question, io)
    if (answer === null) return null
    if (answer.trim() === "y") return true
    if (answer.trim() === "n") return false
  }
}

export function closePrompts(): void {
  reader?.close()
  reader = undefined
}
