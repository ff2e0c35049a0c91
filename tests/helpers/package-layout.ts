// Lays the package out as `npm run build` and `npm install` do (package.json, dist/esm, dist/cjs) in
// <dir>/node_modules/fncache.macro, so tests resolve it exactly as users' tools do: through its
// "exports" and "main", without the tests' source condition. esbuild (installed with tsx)
// transpiles file by file in a second, where three tsc runs take a minute on a loaded machine;
// the module graph is the same. The folder sits under the repository's .cache/ (gitignored), so
// the package's own dependencies resolve from the repository's node_modules.
import { cpSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
// @ts-expect-error: a plain .mjs script without declarations
import { finishBuild } from '../../scripts/build-finish.mjs'

export const ROOT = fileURLToPath(new URL('../..', import.meta.url)).replace(/\/$/, '')
const require = createRequire(import.meta.url)

/** The folders and files a build compiles: tsconfig.json's "include", so none is ever left out. */
const SOURCES: string[] = JSON.parse(readFileSync(join(ROOT, 'tsconfig.json'), 'utf8')).include

/** Creates `<dir>/node_modules/fncache.macro` (replacing it) and returns its path. */
export function layOutPackage(dir: string): string {
  const pkg = join(dir, 'node_modules/fncache.macro')
  rmSync(pkg, { recursive: true, force: true })
  const files: string[] = []
  const walk = (p: string): void => {
    if (statSync(p).isDirectory()) for (const n of readdirSync(p)) walk(join(p, n))
    else if (p.endsWith('.ts') && !p.endsWith('.d.ts')) files.push(p)
  }
  for (const top of SOURCES) walk(join(ROOT, top))
  const esbuild = require('esbuild') as typeof import('esbuild')
  for (const [format, out] of [['esm', 'dist/esm'], ['cjs', 'dist/cjs']] as const) {
    esbuild.buildSync({ entryPoints: files, outbase: ROOT, outdir: join(pkg, out), format, platform: 'neutral', target: 'es2022', logLevel: 'error' })
  }
  cpSync(join(ROOT, 'package.json'), join(pkg, 'package.json'))
  finishBuild(pkg)
  return pkg
}
