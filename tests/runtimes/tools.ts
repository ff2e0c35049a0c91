// Shared by tests/runtimes/: where the runtimes installed by scripts/install-runtimes.mjs live, the
// skip-or-fail rule when one is missing, and the compiled app they all run (SWC path, then one
// esbuild bundle with the package's source condition, so the test exercises this checkout).

import { spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'
import { expand } from '../../swc-plugin/index.js'

export const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..')
const dir = process.env.FNCACHE_RUNTIMES_DIR ?? join(root, '.cache', 'runtimes')
const bin = (...p: string[]) => join(dir, 'node_modules', ...p)

export const TOOLS = {
  node22: bin('node22', 'bin', 'node'),
  node24: bin('node24', 'bin', 'node'),
  bun: bin('@oven', 'bun-linux-x64', 'bin', 'bun'),
  deno: bin('.bin', 'deno'),
  workerd: bin('.bin', 'workerd'),
  chromium: '/usr/bin/chromium',
} as const
export type Tool = keyof typeof TOOLS

/**
 * The binary's path when it is installed. Otherwise a loud `!! SKIPPED:` notice (scripts/test.mjs
 * counts the file as skipped) and null, or a throw under CI=true / FNCACHE_REQUIRE_RUNTIMES=1:
 * CI installs every runtime, so a missing one there is a broken install, not a reason to skip.
 */
export function toolOrSkip(tool: Tool): string | null {
  const path = TOOLS[tool]
  if (existsSync(path)) return path
  const how = tool === 'chromium' ? 'apt-get install -y chromium' : 'node scripts/install-runtimes.mjs'
  const msg = `${tool} is not installed at ${path}: the ${tool} runtime tests cannot run. Install it (${how}).`
  if (process.env.CI === 'true' || process.env.FNCACHE_REQUIRE_RUNTIMES === '1') {
    throw new Error(`${msg} CI=true or FNCACHE_REQUIRE_RUNTIMES=1 makes this a failure.`)
  }
  console.warn(`\n${'!'.repeat(78)}\n!! SKIPPED: ${msg}\n${'!'.repeat(78)}\n`)
  // Where scripts/test-file.mjs reads it: the file then counts as skipped.
  const g = globalThis as { [k: symbol]: string[] | undefined }
  ;(g[Symbol.for('fncache.test.skips')] ??= []).push(msg)
  return null
}

/** What one run() of the fixture app reports in a fresh isolate (see tests/fixtures/runtimes/app.ts). */
export const FIRST_RUN = {
  values: [49, 49, 49, ...Array.from({ length: 4 }, () => ({ id: '42', name: 'user 42' }))],
  calls: 3, hits: 4, misses: 3,
  ids: ['tests/fixtures/runtimes/app.ts#getUser', 'tests/fixtures/runtimes/app.ts#square'],
}

export const APP = join(root, 'tests', 'fixtures', 'runtimes', 'app.ts')

/** The fixture app expanded by the SWC path (ids relative to the repo root, as a build would name them). */
export function compiledApp(): string {
  const out = expand(readFileSync(APP, 'utf8'), { filename: APP, cwd: root, configFile: false })
  if (!out || !/compiled: true/.test(out.code)) throw new Error('the fixture app was not expanded')
  return out.code
}

/**
 * One ES module file: the compiled app and the runtime, bundled for a platform with no Node APIs
 * (as a worker or a browser sees it). Returns the file's path.
 */
export async function bundledApp(): Promise<string> {
  const work = mkdtempSync(join(tmpdir(), 'fncache-rt-'))
  const entry = join(work, 'app.ts')
  writeFileSync(entry, compiledApp())
  const outfile = join(work, 'app.bundle.js')
  await build({
    entryPoints: [entry], outfile, bundle: true, format: 'esm', platform: 'neutral', minify: true,
    mainFields: ['module', 'main'], conditions: ['fncache-source'], logLevel: 'error',
    alias: { 'fncache.macro': root }, nodePaths: [join(root, 'node_modules')],
  })
  return outfile
}

/** Runs `code` (an ES module that prints one JSON line) with a runtime; returns the parsed line. */
export function runJson(cmd: string, args: string[], cwd = root): unknown {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', timeout: 60_000, env: { ...process.env, NO_COLOR: '1' } })
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited ${r.status ?? r.signal}:\n${r.stdout}\n${r.stderr}`)
  const line = r.stdout.trim().split('\n').filter((l) => l.startsWith('{')).pop()
  if (!line) throw new Error(`${cmd} printed no JSON line:\n${r.stdout}\n${r.stderr}`)
  return JSON.parse(line)
}

/** A module body that imports the bundle, runs the app once and prints the report as JSON. */
export const printRun = (bundle: string) =>
  `import(${JSON.stringify('file://' + bundle)}).then((m) => m.run()).then((r) => console.log(JSON.stringify(r)))`
