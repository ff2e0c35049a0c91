// Scenario 13: the cost of dependency-aware versions (config `version: 'deps'`, the default) against
// `version: 'function'` (the function's text only) and against the compilers without fncache:
//  (a) the 2,000-line file (20 wraps, each calling a same-module helper) through Babel
//      (target: macro with deps ≤ 1.3x plain Babel, ratio ≥ 0.77);
//  (b) the same file through the SWC path vs plain swc.transformSync (target: ≤ 3x, ratio ≥ 0.33);
//  (c) a generated 500-module project (4 wraps per module, each reaching helpers in other files
//      through relative imports, and a package): a whole build, every file compiled once, the
//      dependency caches emptied first (one build = one process).
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { transformSync as swcTransformSync } from '@swc/core'
import { compile } from '../../tests/transform/compile.js'
import { generateLargeFile, withoutMacro } from '../../tests/fixtures/bench/gen-large.js'
import { transformSync as fncacheSwc } from '../../swc-plugin/index.js'
import { resetDependencyCaches } from '../../core/index.js'
import { type Row, type Scenario, type ScenarioResult, median } from '../harness.js'

const ROUNDS = Number(process.env.BENCH_TRANSFORM_ROUNDS ?? 9)
const PROJECT_ROUNDS = Number(process.env.BENCH_PROJECT_ROUNDS ?? 3)
const swcOptions = (filename: string) => ({ filename, jsc: { target: 'es2022' as const, parser: { syntax: 'typescript' as const } } })

function measure(contenders: [string, () => unknown][], rounds: number): Map<string, number> {
  const times = new Map<string, number[]>(contenders.map(([n]) => [n, []]))
  for (const [, run] of contenders) run() // warm-up: JIT
  for (let r = 0; r < rounds; r++) {
    for (const [name, run] of r % 2 ? [...contenders].reverse() : contenders) {
      const t0 = performance.now()
      run()
      times.get(name)!.push(performance.now() - t0)
    }
  }
  return new Map([...times].map(([n, ts]) => [n, median(ts)]))
}

function table(id: string, title: string, ms: Map<string, number>, reference: string, unit: string, notes: string[]): ScenarioResult {
  const ref = ms.get(reference)!
  const rows: Row[] = [...ms].map(([name, t]) => ({ name, reference: name === reference, ops: 1000 / t, ratio: ref / t, extra: { 'ms/compile': Number(t.toFixed(2)) } }))
  return { id, title, reference, unit, rows, notes }
}

/** 500 modules in 50 folders; each module's wraps call a local helper and two helpers of other folders. */
function generateProject(dir: string, modules = 500): string[] {
  const write = (rel: string, text: string) => { mkdirSync(join(dir, rel, '..'), { recursive: true }); writeFileSync(join(dir, rel), text) }
  write('package.json', '{ "name": "bench-app", "private": true }\n')
  write('node_modules/bench-dep/package.json', '{ "name": "bench-dep", "version": "1.2.3" }\n')
  const files: string[] = []
  for (let h = 0; h < 50; h++) {
    write(`src/lib${h}/helpers.ts`, `import { scale${(h + 1) % 50} } from '../lib${(h + 1) % 50}/helpers'
const FACTOR = ${h + 2}
export function scale${h}(n: number): number { return n * FACTOR }
export const label${h} = (id: string) => 'item-${h}-' + id + scale${(h + 1) % 50}(1)
export function unrelated${h}() { return ${h} }
`)
  }
  for (let m = 0; m < modules; m++) {
    const a = m % 50, b = (m * 7 + 3) % 50
    const rel = `src/lib${a}/mod${m}.ts`
    const wraps = Array.from({ length: 4 }, (_, w) => `export const load${m}_${w} = cached(async (id: string, n: number) => {
  const base = local${m}(id) + label${b}(id)
  return { id, value: scale${a}(n) + ${w}, text: base, at: fmt(n) }
}, { ttl: '5m', tags: ['mod${m}', 'item:{id}'] })
`).join('')
    write(rel, `import cached from 'fncache.macro'
import { scale${a} } from './helpers'
import { label${b} } from '../lib${b}/helpers'
import { fmt } from 'bench-dep'
const PREFIX = 'm${m}:'
function local${m}(id: string) { return PREFIX + id }
${wraps}`)
    files.push(join(dir, rel))
  }
  return files
}

const scenario: Scenario = {
  id: '13',
  title: 'dependency-aware versions: transform cost',
  async run() {
    const large = generateLargeFile(2000, 20)
    const plain = withoutMacro(large)
    const filename = `${process.cwd()}/src/large.ts`
    const fn = { version: 'function' }
    const a = measure([
      ['Babel, no macro work', () => compile(plain, filename)],
      ["Babel + macro, version 'function'", () => compile(large, filename, { config: fn })],
      ["Babel + macro, version 'deps'", () => compile(large, filename)],
    ], ROUNDS)
    const b = measure([
      ['plain swc.transformSync', () => swcTransformSync(plain, swcOptions(filename))],
      ["fncache transformSync, version 'function'", () => fncacheSwc(large, { ...swcOptions(filename), fncache: fn })],
      ["fncache transformSync, version 'deps'", () => fncacheSwc(large, swcOptions(filename))],
    ], ROUNDS)

    const dir = mkdtempSync(join(tmpdir(), 'fncache-bench-deps-'))
    try {
      const files = generateProject(dir)
      const sources = files.map((f) => [f, readFileSync(f, 'utf8')] as const)
      const check = fncacheSwc(sources[0]![1], swcOptions(sources[0]![0])).code
      if ((check.match(/compiled: true/g) ?? []).length !== 4) throw new Error('a generated module did not expand 4 wraps')
      // The macro is loaded by babel-plugin-macros through require: its core is the CommonJS
      // instance, whose caches this module's (ESM) import does not reach; both are emptied.
      const macroCore = createRequire(import.meta.url)('../../core/index.js') as { resetDependencyCaches(): void }
      const build = (run: (code: string, file: string) => unknown) => () => { resetDependencyCaches(); macroCore.resetDependencyCaches(); for (const [f, code] of sources) run(code, f) }
      const c = measure([
        ["SWC path, version 'function'", build((code, f) => fncacheSwc(code, { ...swcOptions(f), fncache: fn }))],
        ["SWC path, version 'deps'", build((code, f) => fncacheSwc(code, swcOptions(f)))],
        ["Babel macro, version 'function'", build((code, f) => compile(code, f, { config: fn }))],
        ["Babel macro, version 'deps'", build((code, f) => compile(code, f))],
      ], PROJECT_ROUNDS)
      return [
        table('13a', "2,000-line file through Babel: version 'deps' vs plain Babel (target ≤ 1.3x the time, ratio ≥ 0.77)", a, 'Babel, no macro work', 'compiles/s', ['20 wraps, each calling a same-module helper; ratio = reference time / time']),
        table('13b', "2,000-line file through the SWC path vs plain swc (target ≤ 3x the time, ratio ≥ 0.33)", b, 'plain swc.transformSync', 'compiles/s', []),
        table('13c', '500-module project (2,000 wraps, cross-file helpers, a package): one whole build', c, "SWC path, version 'function'", 'builds/s',
          ['ms/compile = ms per build of the 500 modules (+50 helper files read by the dependency analysis)']),
      ]
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  },
}
export default scenario
