#!/usr/bin/env node
// The installed `sealbridge` command (dist/cli/bin.js, CommonJS like everything in dist/cli). It
// runs the bundled CLI (dist/cli/main.js, one file, see scripts/bundle.mjs) compiled with V8's
// code cache of an earlier run (cli/code-cache.ts), which skips most of parsing and compiling it
// again: the largest part of a cold start on Node 20. The cache lives in the user's cache
// directory ($XDG_CACHE_HOME or ~/.cache, sealbridge/code-cache); SEALBRIDGE_CODE_CACHE=off or
// NODE_DISABLE_COMPILE_CACHE=1 turns it off.
import { homedir, tmpdir } from "node:os"
import { join } from "node:path"
import { codeCacheDir, codeCacheName, runWithCodeCache } from "./code-cache.js"

// Set by scripts/bundle.mjs: the hash of main.js as built.
declare const SEALBRIDGE_BUNDLE_HASH: string

const args = process.argv.slice(2)
runWithCodeCache({
  entry: join(__dirname, "main.js"),
  bundleHash: SEALBRIDGE_BUNDLE_HASH,
  dir: codeCacheDir(process.env, homedir, tmpdir, process.getuid?.()),
  name: codeCacheName(args),
  require,
  importModule: (specifier) => import(specifier),
})
