// esbuild plugin for the CLI bundle: `yaml` and `re2js` (half of the bundle's bytes) are not
// compiled at start but loaded on first use. Each is bundled into its own CommonJS file,
// dist/cli/vendor/<name>.cjs, and cli/ and src/ imports of it resolve to a small module whose
// exports stand in for the package's: a Proxy per export that require()s the file the first time
// it is called, constructed or read (require is synchronous, so the library keeps its synchronous
// API). A cold `decrypt` of a sealed YAML file (the line reader, src/formats/yaml-line-read.ts)
// and any run without a regex never load them. Only the source's own imports are redirected.
// node:child_process and node:readline get the same stand-ins (require of the built-in).
import { build } from "esbuild"
import { createRequire } from "node:module"
import { join } from "node:path"

export const LAZY_PACKAGES = ["yaml", "re2js"]
// Node's own modules that most runs never call (editor, key commands, gpg, prompts), but whose
// loading costs a few milliseconds each when imported at start on Node 20.
export const LAZY_BUILTINS = ["node:child_process", "node:readline"]

/** Writes <outdir>/vendor/<name>.cjs for every lazily loaded package. */
export async function buildVendor(root, outdir) {
  for (const name of LAZY_PACKAGES) {
    await build({
      absWorkingDir: root,
      stdin: { contents: `module.exports = require(${JSON.stringify(name)})`, resolveDir: root },
      outfile: join(outdir, "vendor", `${name}.cjs`),
      bundle: true,
      platform: "node",
      format: "cjs",
      target: "node20.19",
      logLevel: "warning",
      legalComments: "linked",
    })
  }
}

/** The stand-in module for `name`: one lazy export per export of the package. */
function shim(root, name) {
  const mod = createRequire(join(root, "package.json"))(name)
  const builtin = name.startsWith("node:")
  const lines = [
    `import { createRequire } from "node:module"`,
    // The stand-in lands in main.js or in a chunk under chunks/; vendor/ is beside main.js.
    builtin
      ? `const at = ${JSON.stringify(name)}`
      : `const at = /\\/chunks\\/[^/]*$/.test(import.meta.url) ? "../vendor/${name}.cjs" : "./vendor/${name}.cjs"`,
    `let real`,
    `const load = () => (real ??= createRequire(import.meta.url)(at))`,
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
  return {
    name: "lazy-vendor",
    setup(b) {
      const filter = new RegExp(`^(${[...LAZY_PACKAGES, ...LAZY_BUILTINS].join("|")})$`)
      b.onResolve({ filter }, (args) =>
        ours.some((dir) => args.importer.startsWith(dir))
          ? { path: args.path, namespace: "lazy-vendor" }
          : undefined,
      )
      b.onLoad({ filter: /.*/, namespace: "lazy-vendor" }, (args) => ({
        contents: shim(root, args.path),
        loader: "js",
        resolveDir: root,
      }))
    },
  }
}
