import { Command } from "commander"
import { chmod, mkdir, readFile, rename, writeFile } from "node:fs/promises"
import { isAbsolute, join } from "node:path"
import { BridgeError, ErrorCode } from "../../src/index.js"
import type { CliIO } from "../io.js"
import { git } from "../scan/git.js"

export const HOOK_MARKER = "# sealbridge pre-commit hook"

/** The hook finds sealbridge on PATH, else in the project's node_modules through npx. */
export const HOOK_SCRIPT = `#!/bin/sh
${HOOK_MARKER} (written by \`sealbridge hook install\`; remove this file to uninstall)
# Scans the staged files; a commit with findings is refused. Waive a line with sealbridge:allow.
if command -v sealbridge >/dev/null 2>&1; then
  exec sealbridge scan --staged --no-progress
fi
exec npx --no-install sealbridge scan --staged --no-progress
`

/** `sealbridge hook install`: idempotent; a foreign pre-commit hook is kept unless --force. */
export function hookCommand(io: CliIO): Command {
  const hook = new Command("hook").description(
    "manage the git pre-commit hook that runs sealbridge scan --staged",
  )
  hook
    .command("install")
    .description("write .git/hooks/pre-commit (honours core.hooksPath)")
    .option("--force", "replace a pre-commit hook that sealbridge did not write (kept as pre-commit.bak)")
    .action(async (flags: { force?: boolean }) => {
      const path = await hookPath(io.cwd)
      const existing = await readFile(path, "utf8").catch(() => null)
      if (existing === HOOK_SCRIPT) {
        io.writeErr(`sealbridge: pre-commit hook already installed at ${path}\n`)
        return
      }
      if (existing !== null && !existing.includes(HOOK_MARKER)) {
        if (flags.force !== true)
          throw new BridgeError(ErrorCode.Conflict, `${path} exists and was not written by sealbridge`, {
            hint: "add `sealbridge scan --staged` to it yourself, or rerun with --force (it is kept as pre-commit.bak)",
          })
        await rename(path, `${path}.bak`)
      }
      await writeFile(path, HOOK_SCRIPT, { mode: 0o755 })
      await chmod(path, 0o755)
      io.writeErr(`sealbridge: pre-commit hook installed at ${path}\n`)
    })
  return hook
}

async function hookPath(cwd: string): Promise<string> {
  let dir: string
  try {
    dir = (await git(cwd, ["rev-parse", "--git-path", "hooks"])).toString("utf8").trim()
  } catch (err) {
    throw new BridgeError(ErrorCode.Usage, "not inside a git repository", {
      cause: err,
      hint: "run it in the repository",
    })
  }
  const abs = isAbsolute(dir) ? dir : join(cwd, dir)
  await mkdir(abs, { recursive: true })
  return join(abs, "pre-commit")
}
