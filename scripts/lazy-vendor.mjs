// esbuild plugin for the CLI bundle (CommonJS, one file): third-party code that most runs never
// execute is kept out of dist/cli/main.js and read from dist/cli/vendor/<file>.cjs on first use.
//
// - `yaml` and `re2js` (imported statically by src/): each is bundled into its own CommonJS file
//   and cli/ and src/ imports of it resolve to a small module whose exports stand in for the
//   package's: a Proxy per export that require()s the file the first time it is called,
//   constructed or read (require is synchronous, so the library keeps its synchronous API). A
//   cold `decrypt` of a sealed YAML file (the line reader, src/formats/yaml-line-read.ts) and any
//   run without a regex never load them. node:child_process and node:readline get the same
//   stand-ins (require of the built-in), also where a bundled package requires them.
// - Packages reached only through import() (the AWS SDK clients, node-vault, age-encryption):
//   their importers are already loaded lazily, so an import of one resolves to
//   `module.exports = require("./vendor/<file>.cjs")[<package>]`, which runs when the importer
//   first runs. The AWS clients used by keys and providers share one file (one copy of the SDK
//   core); S3 (publish only) has its own.
import { build } from "esbuild"
import { createRequire } from "node:module"
import { join } from "node:path"

export const LAZY_PACKAGES = ["yaml", "re2js"]
// Node's own modules that most runs never call (editor, key commands, gpg, prompts, the young
// generation bound of a large file), but whose loading costs a few milliseconds each when
// required at start on Node 20.
export const LAZY_BUILTINS = ["node:child_process", "node:readline", "node:v8"]
/** Package → vendor file, for packages the CLI reaches only through import(). */
export const VENDOR_FILES = {
  "@aws-sdk/client-kms": "aws-sdk",
  "@aws-sdk/client-sts": "aws-sdk",
  "@aws-sdk/client-secrets-manager": "aws-sdk",
  "@aws-sdk/client-s3": "aws-s3",
  "node-vault": "node-vault",
  "age-encryption": "age-encryption",
}

const common = (root) => ({
  absWorkingDir: root,
  bundle: true,
  platform: "node",
  format: "cjs",
  target: "node20.19",
  logLevel: "warning",
  legalComments: "linked",
})

/** Writes <outdir>/vendor/<file>.cjs for every lazily loaded package. */
export async function buildVendor(root, outdir) {
  const files = new Map(
    LAZY_PACKAGES.map((name) => [name, `module.exports = require(${JSON.stringify(name)})`]),
  )
  const grouped = new Map()
  for (const [pkg, file] of Object.entries(VENDOR_FILES))
    grouped.set(file, [...(grouped.get(file) ?? []), pkg])
  for (const [file, pkgs] of grouped)
    files.set(
      file,
      `module.exports = {${pkgs.map((p) => `${JSON.stringify(p)}: require(${JSON.stringify(p)})`).join(", ")}}`,
    )
  for (const [file, contents] of files)
    await build({
      ...common(root),
      stdin: { contents, resolveDir: root },
      outfile: join(outdir, "vendor", `${file}.cjs`),
    })
}

/** The stand-in module for `name`: one lazy export per export of the package. */
function shim(root, name) {
  const mod = createRequire(join(root, "package.json"))(name)
  const at = name.startsWith("node:") ? name : `./vendor/${name}.cjs`
  const lines = [
    `let real`,
    `const load = () => (real ??= require(${JSON.stringify(at)}))`,
    `const lazy = (key, target) => new Proxy(target, {`,
    `  apply: (_, self, args) => Reflect.apply(load()[key], self, args),`,
    `  construct: (_, args, newTarget) => Reflect.construct(load()[key], args, newTarget === undefined || newTarget === lazyOf[key] ? load()[key] : newTarget),`,
    `  get: (_, k) => Reflect.get(load()[key], k),`,
    `  has: (_, k) => Reflect.has(load()[key], k),`,
    `})`,
    `const lazyOf = {}`,
  ]
  for (const [key, value] of Object.entries(mod)) {
    if (!/^[A-Za-z_$][\w$]*$/.test(key)) throw new Error(`lazy-vendor: ${name} export ${key}`)
    const target = typeof value === "function" ? "function () {}" : "{}"
    lines.push(`export const ${key} = (lazyOf.${key} = lazy(${JSON.stringify(key)}, ${target}))`)
  }
  return lines.join("\n")
}

export function lazyVendor(root) {
  const ours = [join(root, "src") + "/", join(root, "cli") + "/"]
  const names = [...LAZY_PACKAGES, ...LAZY_BUILTINS, ...Object.keys(VENDOR_FILES)]
  const filter = new RegExp(`^(${names.map((n) => n.replace(/[/.]/g, "\\$&")).join("|")})$`)
  return {
    name: "lazy-vendor",
    setup(b) {
      // Built-ins are stood in for whoever imports them (commander requires node:child_process
      // at its top for a feature the CLI never uses), except the stand-in itself.
      b.onResolve({ filter }, (args) =>
        ours.some((dir) => args.importer.startsWith(dir)) ||
        (LAZY_BUILTINS.includes(args.path) && args.namespace !== "lazy-vendor")
          ? { path: args.path, namespace: args.path in VENDOR_FILES ? "vendor-file" : "lazy-vendor" }
          : undefined,
      )
      // The vendor files themselves are read at run time, relative to main.js.
      b.onResolve({ filter: /^\.\/vendor\// }, (args) =>
        args.namespace === "lazy-vendor" || args.namespace === "vendor-file"
          ? { path: args.path, external: true }
          : undefined,
      )
      b.onLoad({ filter: /.*/, namespace: "lazy-vendor" }, (args) => ({
        contents: shim(root, args.path),
        loader: "js",
        resolveDir: root,
      }))
      b.onLoad({ filter: /.*/, namespace: "vendor-file" }, (args) => ({
        contents: `module.exports = require("./vendor/${VENDOR_FILES[args.path]}.cjs")[${JSON.stringify(args.path)}]`,
        loader: "js",
        resolveDir: root,
      }))
    },
  }
}
