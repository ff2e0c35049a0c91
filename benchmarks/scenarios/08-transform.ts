// Scenario 8: transform cost. A generated 2,000-line TypeScript file with 20 wraps, compiled:
//  (a) by Babel with the macro vs the same file's Babel compile without macro work (target ≤ 1.3x, issue 16),
//  (b) by the SWC path (expand + swc transform) vs the Babel macro path (target ≥ 3x faster),
//  (c) a file that does not import the macro: fncache's transformSync vs plain swc (target ≤ 1.05x),
//  (d) the SWC path vs a plain swc.transformSync of the same file (target ≤ 3x the time, issue 16).
// Contenders alternate within each round; the median time per compile is reported.
import { transformSync as swcTransformSync } from '@swc/core'
import { compile } from '../../tests/transform/compile.js'
import { generateLargeFile, withoutMacro } from '../../tests/fixtures/bench/gen-large.js'
import { transformSync as fncacheSwc } from '../../swc-plugin/index.js'
import { type Row, type Scenario, type ScenarioResult, median } from '../harness.js'

const ROUNDS = Number(process.env.BENCH_TRANSFORM_ROUNDS ?? 9)
const filename = `${process.cwd()}/src/large.ts`
const swcOptions = { filename, jsc: { target: 'es2022' as const, parser: { syntax: 'typescript' as const } } }

function measure(contenders: [string, () => unknown][]): Map<string, number> {
  const times = new Map<string, number[]>(contenders.map(([n]) => [n, []]))
  for (const [, run] of contenders) { run(); run() } // warm-up: JIT and caches
  for (let r = 0; r < ROUNDS; r++) {
    for (const [name, run] of r % 2 ? [...contenders].reverse() : contenders) {
      const t0 = performance.now()
      run()
      times.get(name)!.push(performance.now() - t0)
    }
  }
  return new Map([...times].map(([n, ts]) => [n, median(ts)]))
}

function table(id: string, title: string, ms: Map<string, number>, reference: string, notes: string[]): ScenarioResult {
  const ref = ms.get(reference)!
  const rows: Row[] = [...ms].map(([name, t]) => ({
    name, reference: name === reference, ops: 1000 / t, ratio: ref / t, extra: { 'ms/compile': Number(t.toFixed(2)) },
  }))
  return { id, title, reference, unit: 'compiles/s', rows, notes }
}

const scenario: Scenario = {
  id: '8',
  title: 'transform cost',
  async run() {
    const large = generateLargeFile(2000, 20)
    const plain = withoutMacro(large)
    // Validate before timing: the macro path really expands 20 wraps; the plain file has none.
    const babelOut = compile(large, filename).code!
    const swcOut = fncacheSwc(large, swcOptions).code
    for (const [name, out] of [['babel', babelOut], ['swc', swcOut]] as const) {
      const wraps = (out.match(/compiled: true/g) ?? []).length
      if (wraps !== 20) throw new Error(`${name} output has ${wraps} compiled wraps, expected 20`)
    }
    if (/compiled: true/.test(compile(plain, filename).code!)) throw new Error('the plain file was expanded')

    const a = measure([
      ['Babel, no macro work', () => compile(plain, filename)],
      ['Babel + fncache macro', () => compile(large, filename)],
    ])
    const b = measure([
      ['Babel + fncache macro', () => compile(large, filename)],
      ['SWC: expand + transform', () => fncacheSwc(large, swcOptions)],
    ])
    const c = measure([
      ['plain swc.transformSync', () => swcTransformSync(plain, swcOptions)],
      ['fncache transformSync', () => fncacheSwc(plain, swcOptions)],
    ])
    const d = measure([
      ['plain swc.transformSync', () => swcTransformSync(large, swcOptions)],
      ['SWC: expand + transform', () => fncacheSwc(large, swcOptions)],
    ])
    return [
      table('8a', 'transform cost: Babel with the macro vs without (target: macro ≤ 1.3x the time, ratio ≥ 0.77)', a, 'Babel, no macro work',
        ['2,000 lines, 20 wraps; ratio = reference time / time']),
      table('8b', 'transform cost: SWC path vs Babel macro path (target: SWC ratio ≥ 3)', b, 'Babel + fncache macro', []),
      table('8c', 'transform cost: a file without the macro (target: fncache ratio ≥ 0.95, i.e. ≤ 1.05x the time)', c, 'plain swc.transformSync', []),
      table('8d', 'transform cost: SWC path vs plain swc on the same file (target: ≤ 3x the time, ratio ≥ 0.33)', d, 'plain swc.transformSync', []),
    ]
  },
}
export default scenario
