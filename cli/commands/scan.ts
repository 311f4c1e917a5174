import { Command } from "commander"
import type { CliIO } from "../io.js"
import type { ScanFlags } from "../scan/run-scan.js"

/** `sealbridge scan`: exit 0 clean, 1 findings, 2 error (errors are mapped in run.ts). */
export function scanCommand(io: CliIO, setExit: (code: number) => void): Command {
  return new Command("scan")
    .description("find plaintext secrets and unsealed GitOps files (exit 0 clean, 1 findings, 2 error)")
    .argument("[paths...]", "files or directories of the working tree (default: .), .gitignore honoured")
    .option("--staged", "scan the staged version of changed files (pre-commit)")
    .option(
      "--git [range]",
      "scan history: every unique blob once, with the commit that introduced it (default: --all)",
    )
    .option("--stdin", "scan standard input")
    .option("--stdin-path <path>", "with --stdin: the path to judge the input as (e.g. k8s/secret.yaml)")
    .option("-f, --format <format>", "text, json or sarif", "text")
    .option("-o, --output <file>", "write the report to a file instead of stdout")
    .option("--baseline <file>", "ignore findings recorded in this baseline; report stale entries")
    .option("--write-baseline <file>", "record the current findings as a baseline (hashes only) and exit 0")
    .option("--config <file>", `scan config (default: .sealbridge-scan.yaml at the repository root)`)
    .option("-j, --jobs <n>", "worker threads (default: one per core)")
    .option("--max-file-size <bytes>", "skip larger files (default 5 MiB)")
    .option("--color", "colour even when stdout is not a terminal")
    .option("--no-color", "never colour (NO_COLOR is honoured too)")
    .option("--no-progress", "no progress bar on stderr")
    .action(async (paths: string[], flags: ScanFlags) => {
      // The scanner (detectors, git walker, worker pool) is imported when it runs.
      const { runScan } = await import("../scan/run-scan.js")
      setExit(await runScan(paths, flags, io))
    })
}
