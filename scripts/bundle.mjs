// Bundles the CLI (cli/main.ts and everything it imports) into one CommonJS file,
// <outdir>/main.js (default dist/cli; tsc's output there is replaced), next to the small bin.js
// that runs it compiled with V8's code cache (cli/code-cache.ts) and a package.json that makes
// dist/cli CommonJS. One file instead of ~150 modules halves the CLI's start-up CPU time, and a
// CommonJS file (unlike an ES module) can be compiled through vm.Script with cached data on
// every Node version, and skips Node's ES module loader (figures in README "Benchmarks").
// Modules loaded with import() stay lazy: esbuild wraps them so their top level runs on first
// use only, and the third-party packages only they use are read from vendor/ then
// (scripts/lazy-vendor.mjs).
import { build } from "esbuild"
import { createHash } from "node:crypto"
import { chmodSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { debarrel } from "./debarrel.mjs"
import { buildVendor, lazyVendor } from "./lazy-vendor.mjs"

const root = fileURLToPath(new URL("..", import.meta.url))

export async function bundleCli(outdir = join(root, "dist", "cli")) {
  rmSync(outdir, { recursive: true, force: true })
  await buildVendor(root, outdir)
  const common = {
    absWorkingDir: root,
    platform: "node",
    format: "cjs",
    target: "node20.19",
    logLevel: "warning",
    bundle: true,
    allowOverwrite: true,
    // The sources are ES modules: import.meta.url (the scan worker's and the controller's
    // location) becomes the bundle's own file URL, worked out when first read.
    define: { "import.meta.url": "__sbMeta.url" },
    // "use strict" first: the sources are strict, and a directive after the banner would not be one.
    banner: {
      js: '"use strict";\nvar __sbMeta = { get url() { return require("node:url").pathToFileURL(__filename).href } };',
    },
  }
  const cli = await build({
    ...common,
    entryPoints: ["cli/main.ts"],
    outfile: join(outdir, "main.js"),
    sourcemap: true,
    legalComments: "linked",
    plugins: [debarrel(root), lazyVendor(root)],
    metafile: process.env.BUNDLE_META !== undefined,
  })
  // BUNDLE_META=<file>: esbuild's metafile of the CLI bundle, for scripts/bundle-report.mjs.
  if (process.env.BUNDLE_META !== undefined)
    writeFileSync(process.env.BUNDLE_META, JSON.stringify(cli.metafile))
  // The scan worker thread's entry: its own bundle beside main.js (cli/scan-pool.ts loads ./scan-worker.js).
  await build({ ...common, entryPoints: ["cli/scan-worker.ts"], outfile: join(outdir, "scan-worker.js") })
  // bin.js stays a separate, tiny file: it compiles main.js. The code cache is keyed by main.js's hash.
  const hash = createHash("sha256")
    .update(readFileSync(join(outdir, "main.js")))
    .digest("hex")
    .slice(0, 32)
  await build({
    ...common,
    entryPoints: ["cli/bin.ts"],
    outfile: join(outdir, "bin.js"),
    define: { ...common.define, SEALBRIDGE_BUNDLE_HASH: JSON.stringify(hash) },
  })
  writeFileSync(join(outdir, "package.json"), '{ "type": "commonjs" }\n')
  for (const f of ["main.js", "bin.js"]) chmodSync(join(outdir, f), 0o755)
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await bundleCli(process.argv[2])
