import type { Command } from "commander"
import type { CliIO } from "../io.js"
import { execEnvCommand } from "./exec-env.js"
import { execFileCommand } from "./exec-file.js"
import { updateKeysCommand } from "./updatekeys.js"
import { gitCommand } from "./git.js"
import { groupsCommand } from "./groups.js"
import { publishCommand } from "./publish.js"

/** The rest of sops' command set, one file each; program.ts adds them after its own. */
export function extraCommands(io: CliIO): Command[] {
  return [
    execEnvCommand(io),
    execFileCommand(io),
    updateKeysCommand(io),
    gitCommand(io),
    groupsCommand(io),
    publishCommand(io),
  ]
}
