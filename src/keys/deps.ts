/**
 * What key backends need from the outside world, passed in so src/ stays free of ambient
 * inputs: the environment, a clock for `created_at`, a file reader and a command runner.
 */
export interface KeyDeps {
  readonly env: Readonly<Record<string, string | undefined>>
  now(): Date
  /** The file's text, or null when it does not exist. */
  readFile(path: string): Promise<string | null>
  /** Runs a program without a shell. A non-zero exit is a result, not a throw. */
  run(file: string, args: readonly string[], opts?: RunOptions): Promise<RunResult>
  readonly homeDir: string
  /** Go's os.UserConfigDir (Linux: $XDG_CONFIG_HOME or ~/.config), where sops looks for age keys. */
  readonly userConfigDir: string
  /** os.Hostname(), for the STS session name sops uses (`sops@<host>`). */
  readonly hostname: string
  /** --debug: vendor SDKs may print to stderr. */
  readonly debug: boolean
}

export interface RunOptions {
  readonly stdin?: Uint8Array
  /** Added to `KeyDeps.env` for the child. */
  readonly env?: Readonly<Record<string, string>>
  readonly signal?: AbortSignal
}

export interface RunResult {
  readonly code: number
  readonly stdout: Uint8Array
  readonly stderr: string
}
