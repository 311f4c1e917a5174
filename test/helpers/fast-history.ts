import { execFileSync } from "node:child_process"

const env = {
  ...process.env,
  GIT_CONFIG_GLOBAL: "/dev/null",
  GIT_CONFIG_NOSYSTEM: "1",
}

/**
 * Writes a linear history of `commits` commits into a new repository at `dir` in one
 * `git fast-import` run (10,000 commits take about a second). Commit i rewrites one of 50
 * files with a line naming i; `plant(i)` may return extra text for commit i (e.g. a token).
 */
export function fastHistory(dir: string, commits: number, plant: (i: number) => string = () => ""): void {
  execFileSync("git", ["init", "-q", "-b", "main", dir], { env })
  const parts: string[] = []
  const data = (s: string): string => `data ${Buffer.byteLength(s)}\n${s}\n`
  for (let i = 1; i <= commits; i++) {
    const content = `// file revision ${i}\nexport const value${i % 50} = ${i}\n${plant(i)}`
    parts.push(
      `commit refs/heads/main\nmark :${i}\ncommitter t <t@example.invalid> ${1700000000 + i} +0000\n`,
      data(`change ${i}`),
      i > 1 ? `from :${i - 1}\n` : "",
      `M 100644 inline src/file-${i % 50}.js\n`,
      data(content),
    )
  }
  execFileSync("git", ["fast-import", "--quiet"], {
    cwd: dir,
    input: parts.join(""),
    env,
    maxBuffer: 1 << 28,
  })
  execFileSync("git", ["checkout", "-q", "main"], { cwd: dir, env })
}

/** The commit id of the n-th generated commit (1-based). */
export function nthCommit(dir: string, n: number, total: number): string {
  return execFileSync("git", ["rev-parse", `main~${total - n}`], { cwd: dir, env, encoding: "utf8" }).trim()
}
