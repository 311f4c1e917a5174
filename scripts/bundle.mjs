// Bundles the CLI (cli/main.ts and everything it imports, dependencies included) into one ES
// module, <outdir>/main.js (default dist/cli, written over tsc's output), next to the small
// bin.js that turns on the compile cache first. One file instead of ~150 modules halves the
// CLI's start-up CPU time (module resolution, file reads, compilation; figures in README
// "Benchmarks"). Modules loaded with import() stay lazy: esbuild wraps them so their top level
// runs on first use only.
import { build } from "esbuild"
import { chmodSync, rmSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { debarrel } from "./debarrel.mjs"
import { buildVendor, lazyVendor } from "./lazy-vendor.mjs"

const root = fileURLToPath(new URL("..", import.meta.url))

export async function bundleCli(outdir = join(root, "dist", "cli")) {
  rmSync(join(outdir, "chunks"), { recursive: true, force: true })
  rmSync(join(outdir, "vendor"), { recursive: true, force: true })
  await buildVendor(root, outdir)
  const common = {
    absWorkingDir: root,
    platform: "node",
    format: "esm",
    target: "node20.19",
    logLevel: "warning",
  }
  const cli = await build({
    ...common,
    entryPoints: ["cli/main.ts"],
    outdir,
    entryNames: "[name]",
    // Code that is loaded with import() (the AWS SDK, age-encryption) goes into chunks/ and is
    // read only when used: a command pays for parsing what it runs, not for every SDK.
    splitting: true,
    chunkNames: "chunks/[name]-[hash]",
    allowOverwrite: true,
    bundle: true,
    // Bundled CommonJS dependencies (commander) call require() for Node built-ins.
    banner: {
      js: 'import { createRequire as __sbCreateRequire } from "node:module";\nconst require = __sbCreateRequire(import.meta.url);',
    },
    sourcemap: true,
    legalComments: "linked",
    plugins: [debarrel(root), lazyVendor(root)],
    metafile: process.env.BUNDLE_META !== undefined,
  })
  // BUNDLE_META=<file>: esbuild's metafile of the CLI bundle (which module went into which chunk),
  // for scripts/bundle-report.mjs.
  if (process.env.BUNDLE_META !== undefined)
    writeFileSync(process.env.BUNDLE_META, JSON.stringify(cli.metafile))
  // The scan worker thread's entry: its own bundle beside main.js (cli/scan-pool.ts loads ./scan-worker.js).
  await build({
    ...common,
    entryPoints: ["cli/scan-worker.ts"],
    outfile: join(outdir, "scan-worker.js"),
    allowOverwrite: true,
    bundle: true,
    banner: {
      js: 'import { createRequire as __sbCreateRequire } from "node:module";\nconst require = __sbCreateRequire(import.meta.url);',
    },
  })
  // bin.js stays a separate, tiny module: it must run before the bundle is compiled.
  await build({
    ...common,
    entryPoints: ["cli/bin.ts"],
    outfile: join(outdir, "bin.js"),
    allowOverwrite: true,
  })
  for (const f of ["main.js", "bin.js"]) chmodSync(join(outdir, f), 0o755)
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await bundleCli(process.argv[2])
