// The package as a user installs it: .cache/integration/node_modules/fncache.macro is a real
// folder with package.json and dist/{esm,cjs} (no source condition), so tools that spawn their own
// Node processes (next build, Turbopack's loader workers, babel-plugin-macros) load it exactly as
// from npm. Its own dependencies resolve upward from there to the repository's node_modules.
// Emitted by TypeScript's per-file transpileModule with the build's options (scripts/build.mjs),
// not a full `tsc -p`: that type-checks and takes ~40 s per format on this shared machine, and
// tsconfig's isolatedModules guarantees a per-file transpile emits the same modules. (esbuild is
// not used: its CommonJS interop differs from tsc's for packages such as magic-string.)
import ts from 'typescript'
import { copyFileSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync, existsSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

export const ROOT = fileURLToPath(new URL('../..', import.meta.url)).replace(/\/$/, '')
/** This process's folder: its own installed copy and apps, so test files can run in parallel. */
export const BASE = join(ROOT, `.cache/integration/run-${process.pid}`)
if (process.env.KEEP !== '1') process.on('exit', () => rmSync(BASE, { recursive: true, force: true }))
const SOURCES = ['index.ts', 'core', 'macro', 'runtime', 'swc-plugin', 'cli']

function walk(path: string, out: string[]): string[] {
  if (statSync(path).isDirectory()) for (const name of readdirSync(path)) walk(join(path, name), out)
  else if (path.endsWith('.ts') && !path.endsWith('.d.ts')) out.push(path)
  return out
}

/** Builds the installed copy once per process; returns its folder. */
export async function packInstalled(): Promise<string> {
  const pkg = join(BASE, `node_modules/fncache.macro`)
  const stamp = join(pkg, '.built')
  if (existsSync(stamp)) return pkg
  mkdirSync(pkg, { recursive: true })
  copyFileSync(join(ROOT, 'package.json'), join(pkg, 'package.json'))
  const base = { target: ts.ScriptTarget.ES2022, esModuleInterop: true, isolatedModules: true, sourceMap: false }
  const formats = {
    esm: { ...base, module: ts.ModuleKind.ESNext },
    cjs: { ...base, module: ts.ModuleKind.CommonJS, moduleResolution: ts.ModuleResolutionKind.Node10 },
  }
  for (const file of SOURCES.flatMap((s) => walk(join(ROOT, s), []))) {
    const source = readFileSync(file, 'utf8')
    for (const [format, compilerOptions] of Object.entries(formats)) {
      const out = join(pkg, 'dist', format, file.slice(ROOT.length + 1).replace(/\.ts$/, '.js'))
      mkdirSync(dirname(out), { recursive: true })
      writeFileSync(out, ts.transpileModule(source, { fileName: file, compilerOptions }).outputText)
    }
  }
  writeFileSync(join(pkg, 'dist/cjs/package.json'), '{ "type": "commonjs" }\n')
  writeFileSync(stamp, '')
  return pkg
}

/** Writes `files` into a fresh app folder under BASE (removed at exit unless KEEP=1). */
export function app(name: string, files: Record<string, string>): string {
  const dir = join(BASE, name)
  rmSync(dir, { recursive: true, force: true })
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true })
    writeFileSync(join(dir, path), text)
  }
  return dir
}
