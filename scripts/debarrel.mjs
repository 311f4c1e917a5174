// esbuild plugin for the CLI bundle: rewrites cli/'s imports of the library barrel
// (`import { a, b } from "../src/index.js"`) into imports from the modules that declare a and b.
// esbuild splits code by files, so a chunk that imports the barrel holds every module the barrel
// names (the scanner, `.sops.yaml`, templates, the YAML document model…): with the barrel in the
// way, a cold `decrypt` compiled ~800 KB instead of what it runs. The source keeps importing only
// src/index.ts (the layout rule, lint-enforced); the declaring modules are found by the
// TypeScript checker, so `export *`, renames and re-export chains resolve as tsc resolves them.
import { readFile } from "node:fs/promises"
import { join } from "node:path"
import ts from "typescript"

/** Exported name of src/index.ts → { file, name } of its declaration. */
export function barrelMap(root) {
  const index = join(root, "src", "index.ts")
  const program = ts.createProgram([index], {
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    target: ts.ScriptTarget.ES2022,
    noEmit: true,
    skipLibCheck: true,
  })
  const checker = program.getTypeChecker()
  const source = program.getSourceFile(index)
  const moduleSymbol = source && checker.getSymbolAtLocation(source)
  if (moduleSymbol === undefined) throw new Error(`debarrel: cannot read ${index}`)
  const map = new Map()
  for (const sym of checker.getExportsOfModule(moduleSymbol)) {
    const target = sym.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(sym) : sym
    const decl = target.declarations?.[0]
    if (decl === undefined) throw new Error(`debarrel: no declaration for ${sym.name}`)
    map.set(sym.name, { file: decl.getSourceFile().fileName, name: target.name })
  }
  return map
}

const BARREL_IMPORT = /import\s*(type\s+)?\{([^}]*)\}\s*from\s*"((?:\.\.\/)+)src\/index\.js"/g

/** The import statements of `text` with the barrel replaced by the declaring modules. */
export function rewriteBarrelImports(text, map, importer) {
  return text.replace(BARREL_IMPORT, (whole, typeOnly, list) => {
    if (typeOnly !== undefined) return whole // erased by esbuild
    const byFile = new Map()
    for (const raw of list.split(",")) {
      const item = raw.trim()
      if (item === "") continue
      const m = /^(type\s+)?(\w+)(?:\s+as\s+(\w+))?$/.exec(item)
      if (m === null) throw new Error(`debarrel: cannot read import "${item}" in ${importer}`)
      const [, type = "", name, local = name] = m
      const decl = map.get(name)
      if (decl === undefined) throw new Error(`debarrel: src/index.ts exports no ${name} (${importer})`)
      const spec = decl.name === local ? `${type}${local}` : `${type}${decl.name} as ${local}`
      byFile.set(decl.file, [...(byFile.get(decl.file) ?? []), spec])
    }
    return [...byFile]
      .map(([file, specs]) => `import { ${specs.join(", ")} } from ${JSON.stringify(file)}`)
      .join(";\n")
  })
}

export function debarrel(root) {
  return {
    name: "debarrel",
    setup(b) {
      let map
      b.onLoad({ filter: /\/cli\/.*\.ts$/ }, async (args) => {
        map ??= barrelMap(root)
        const text = await readFile(args.path, "utf8")
        return { contents: rewriteBarrelImports(text, map, args.path), loader: "ts" }
      })
    },
  }
}
