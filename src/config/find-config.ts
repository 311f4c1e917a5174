import { RE2JS } from "re2js"
import { BridgeError, ErrorCode } from "../errors.js"
import type { CreationRule } from "./creation-rule.js"
import type { SopsConfig } from "./sops-config.js"

/** Path helpers injected so src/ stays free of ambient I/O; `node:path`'s posix/win32 fit. */
export interface PathOps {
  dirname(p: string): string
  join(...parts: string[]): string
  resolve(...parts: string[]): string
  relative(from: string, to: string): string
  readonly sep: string
}

const MAX_LEVELS = 100
export const CONFIG_FILE_NAME = ".sops.yaml"

/**
 * Finds `.sops.yaml`: first walking up from the working directory, as sops does, then from the
 * target file's directory, so `sealbridge -e ../other/app.yaml` finds the rules next to the file
 * where sops would report none. The first hit wins, so wherever sops finds a config we use it.
 */
export function findConfigFile(
  starts: readonly string[],
  exists: (path: string) => boolean,
  path: PathOps,
): string | null {
  for (const start of starts) {
    let dir = path.resolve(start)
    for (let i = 0; i < MAX_LEVELS; i++) {
      const candidate = path.join(dir, CONFIG_FILE_NAME)
      if (exists(candidate)) return candidate
      const parent = path.dirname(dir)
      if (parent === dir) break
      dir = parent
    }
  }
  return null
}

/**
 * The first creation rule whose `path_regex` matches the file (absolute path, made relative to
 * the config's directory when under it; RE2 unanchored search, as sops).
 * @throws BridgeError CONFIG when the config has rules but none matches
 */
export function matchCreationRule(config: SopsConfig, filePath: string, path: PathOps): CreationRule | null {
  if (config.rules.length === 0) return null
  const abs = path.resolve(filePath)
  const rel = path.relative(path.dirname(path.resolve(config.path)), abs)
  const subject = rel.startsWith("..") || rel === "" ? abs : rel
  for (const rule of config.rules) {
    if (rule.pathRegex === null || RE2JS.compile(rule.pathRegex).matcher(subject).find()) return rule
  }
  throw new BridgeError(ErrorCode.Config, `${config.path}: no creation rule matches ${subject}`, {
    hint: "add a rule whose path_regex matches this file, or pass keys with --age",
  })
}
