/**
 * Whether this run is CI: any non-empty `CI` counts (GitHub Actions and GitLab set `true`,
 * others `1` or a name), as most tools read it. In CI a missing peer fails instead of skipping
 * and property tests use a fixed seed.
 */
export const inCi = (env: Readonly<Record<string, string | undefined>> = process.env): boolean =>
  (env["CI"] ?? "") !== ""
