// The package as a user installs it: a real folder with package.json and dist/{esm,cjs} (no
// source condition) under a node_modules/ folder, so tools that spawn their own
// Node processes (next build, Turbopack's loader workers, babel-plugin-macros) load it exactly as
// from npm. Its own dependencies resolve upward from there to the repository's node_modules.
// Emitted by TypeScript's per-file transpileModule with the build's options (scripts/build.mjs),
// not a full `tsc -p`: that type-checks and takes ~40 s per format on this shared machine, and
// tsconfig's isolatedModules guarantees a per-file transpile emits the same modules. (esbuild is
// not used: its CommonJS interop differs from tsc's for packages such as magic-string.)
import ts from 'typescript'
import { createHash } from 'node:crypto'
import { copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

export const ROOT = fileURLToPath(new URL('../..', import.meta.url)).replace(/\/$/, '')
/** This process's folder: a link to the installed copy, and the apps (test files run in parallel). */
export const BASE = join(ROOT, `.cache/integration/run-${process.pid}`)
if (process.env.KEEP !== '1') process.on('exit', () => rmSync(BASE, { recursive: true, force: true }))
/** What a build compiles: tsconfig.json's "include", so a new source folder is never left out. */
const SOURCES: string[] = JSON.parse(readFileSync(join(ROOT, 'tsconfig.json'), 'utf8')).include

function walk(path: string, out: string[]): string[] {
  if (statSync(path).isDirectory()) for (const name of readdirSync(path)) walk(join(path, name), out)
  else if (path.endsWith('.ts') && !path.endsWith('.d.ts')) out.push(path)
  return out
}

/**
 * The installed copy: built once per source state and shared by every test process (the folder
 * is named by a hash of the sources, built under a temporary name and renamed into place, so a
 * concurrent process either reuses it or loses the rename and discards its own). This process's
 * BASE/node_modules/fncache.macro links to it; the real path keeps `/node_modules/` in it, so
 * tools treat it as an installed package. Returns the real folder.
 */
export async function packInstalled(): Promise<string> {
  const files = SOURCES.flatMap((s) => walk(join(ROOT, s), []))
  const hash = createHash('sha256').update(readFileSync(join(ROOT, 'package.json')))
  for (const file of files) hash.update(file).update('\0').update(readFileSync(file)).update('\0')
  const shared = join(ROOT, `.cache/integration/pkg-${hash.digest('hex').slice(0, 16)}`)
  const pkg = join(shared, 'node_modules/fncache.macro')
  if (!existsSync(join(pkg, '.built'))) {
    const tmp = join(ROOT, `.cache/integration/tmp-${process.pid}`)
    rmSync(tmp, { recursive: true, force: true })
    emitPackage(join(tmp, 'node_modules/fncache.macro'), files)
    try { renameSync(tmp, shared) } catch { rmSync(tmp, { recursive: true, force: true }) }
  }
  const link = join(BASE, 'node_modules/fncache.macro')
  if (!existsSync(link)) {
    mkdirSync(dirname(link), { recursive: true })
    symlinkSync(pkg, link, 'dir')
  }
  return pkg
}

function emitPackage(pkg: string, files: string[]) {
  mkdirSync(pkg, { recursive: true })
  copyFileSync(join(ROOT, 'package.json'), join(pkg, 'package.json'))
  const base = { target: ts.ScriptTarget.ES2022, esModuleInterop: true, isolatedModules: true, sourceMap: false }
  const formats = {
    esm: { ...base, module: ts.ModuleKind.ESNext },
    cjs: { ...base, module: ts.ModuleKind.CommonJS, moduleResolution: ts.ModuleResolutionKind.Node10 },
  }
  for (const file of files) {
    const source = readFileSync(file, 'utf8')
    for (const [format, compilerOptions] of Object.entries(formats)) {
      const out = join(pkg, 'dist', format, file.slice(ROOT.length + 1).replace(/\.ts$/, '.js'))
      mkdirSync(dirname(out), { recursive: true })
      writeFileSync(out, ts.transpileModule(source, { fileName: file, compilerOptions }).outputText)
    }
  }
  writeFileSync(join(pkg, 'dist/cjs/package.json'), '{ "type": "commonjs" }\n')
  writeFileSync(join(pkg, '.built'), '')
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
