// Issue 16's targets, read from the tables the scenarios just printed: one summary at the end of
// `npm run bench` (row, figure, target, met/missed). Each target names the table and the row it
// reads, so a scenario that changes its rows shows up here as "not measured" rather than as a
// stale figure; a table that was not run (a filter) is "not run".
import type { Row, ScenarioResult } from './harness.js'
import { fmtRatio } from './harness.js'

interface Target {
  /** what the issue calls the row */
  row: string
  /** the target, in words */
  target: string
  /** the figure, or a string saying why there is none */
  figure(find: Finder): { value: number; text: string } | string
  ok(value: number): boolean
}

type Finder = (table: (r: ScenarioResult) => boolean, row: string) => Row | string

const byId = (id: string) => (r: ScenarioResult) => r.id === id

/** A throughput ratio against the table's reference. */
function ratioOf(table: (r: ScenarioResult) => boolean, row: string) {
  return (find: Finder) => {
    const r = find(table, row)
    if (typeof r === 'string') return r
    return r.ratio === undefined ? 'no ratio' : { value: r.ratio, text: fmtRatio(r.ratio) }
  }
}

/** Milliseconds per compile, read from a table of scenario 8. */
function msOf(find: Finder, id: string, row: string): number | string {
  const r = find(byId(id), row)
  if (typeof r === 'string') return r
  const ms = r.extra?.['ms/compile']
  return typeof ms === 'number' ? ms : r.ops ? 1000 / r.ops : 'no time'
}

/** tinylfu's hit % on a trace of scenario 11 against another policy's, in points. */
function pointsOver(trace: string, of: 'LRU' | 'LFU') {
  return (find: Finder) => {
    const r = find(byId('11'), trace)
    if (typeof r === 'string') return r
    const other = r.extra?.[`${of} %`]
    if (typeof r.ops !== 'number' || typeof other !== 'number') return 'no hit ratios'
    const d = r.ops - other
    return { value: d, text: `${r.ops.toFixed(2)} % (${d >= 0 ? '+' : ''}${d.toFixed(2)} vs ${of})` }
  }
}

const fileHit = (inflight: string) => (r: ScenarioResult) => r.id === 'file-hit' && r.title.includes(inflight)

export const TARGETS: Target[] = [
  { row: '1c sync hit, one plain object, cached()', target: '≥ 0.5x lru-cache, hand-built key', figure: ratioOf(byId('1c'), 'fncache cached()'), ok: (x) => x >= 0.5 },
  { row: '1c sync hit, one plain object, compiled', target: '≥ 0.5x lru-cache, hand-built key', figure: ratioOf(byId('1c'), 'fncache compiled'), ok: (x) => x >= 0.5 },
  { row: '1c sync hit, one plain object, compiled with its type', target: '≥ 0.5x lru-cache, hand-built key', figure: ratioOf(byId('1c'), 'fncache compiled, typed'), ok: (x) => x >= 0.5 },
  { row: '10b Redis hit, 64 in flight', target: '≥ 1.0x raw ioredis GET+decode', figure: ratioOf(byId('10b'), 'fncache redis()'), ok: (x) => x >= 1.0 },
  { row: '10a Redis hit, sequential', target: '≥ 0.95x raw ioredis GET+decode', figure: ratioOf(byId('10a'), 'fncache redis()'), ok: (x) => x >= 0.95 },
  { row: '9 file hit, 16 in flight', target: '≥ 10x raw readFile+decode', figure: ratioOf(fileHit('16 in flight'), 'fncache cached(async), file()'), ok: (x) => x >= 10 },
  { row: '9 file set with 2 tags', target: '≥ 0.8x raw writeFile', figure: ratioOf(byId('file-set'), 'file().set with 2 tags'), ok: (x) => x >= 0.8 },
  { row: '9 file set with 2 tags, conditional (as cached calls store)', target: '≥ 0.8x raw writeFile', figure: ratioOf(byId('file-set'), 'file().set with 2 tags, since'), ok: (x) => x >= 0.8 },
  {
    row: '8 Babel macro transform, 2,000 lines / 20 wraps', target: '≤ 1.3x plain Babel + preset-typescript',
    figure: (find) => {
      const macro = msOf(find, '8a', 'Babel + fncache macro'), plain = msOf(find, '8a', 'Babel, no macro work')
      if (typeof macro === 'string') return macro
      if (typeof plain === 'string') return plain
      return { value: macro / plain, text: `${(macro / plain).toFixed(2)}x (${macro.toFixed(1)} vs ${plain.toFixed(1)} ms)` }
    },
    ok: (x) => x <= 1.3,
  },
  {
    row: '8 SWC path, same file', target: '≤ 3x plain swc.transformSync',
    figure: (find) => {
      // 8d times both on the same file, interleaved; without it, 8b's SWC time over 8c's plain one.
      const same = typeof find(byId('8d'), 'plain swc.transformSync') !== 'string'
      const swc = msOf(find, same ? '8d' : '8b', 'SWC: expand + transform'), plain = msOf(find, same ? '8d' : '8c', 'plain swc.transformSync')
      if (typeof swc === 'string') return swc
      if (typeof plain === 'string') return plain
      return { value: swc / plain, text: `${(swc / plain).toFixed(2)}x (${swc.toFixed(1)} vs ${plain.toFixed(1)} ms)` }
    },
    ok: (x) => x <= 3,
  },
  { row: '11 tinylfu, Zipf 0.7', target: '≥ LFU − 1 point', figure: pointsOver('Zipf 0.7', 'LFU'), ok: (d) => d >= -1 },
  { row: '11 tinylfu, Zipf 0.9', target: '≥ LFU − 1 point', figure: pointsOver('Zipf 0.9', 'LFU'), ok: (d) => d >= -1 },
  { row: '11 tinylfu, Zipf 1.1', target: '≥ LFU − 1 point', figure: pointsOver('Zipf 1.1', 'LFU'), ok: (d) => d >= -1 },
  { row: '11 tinylfu, recency (moving working set)', target: '≥ LRU − 1 point', figure: pointsOver('moving working set (800 keys, skewed)', 'LRU'), ok: (d) => d >= -1 },
  { row: '11 tinylfu, Zipf 0.9 + full scan', target: '≥ LRU + 10 points', figure: pointsOver('Zipf 0.9 + full scan in the middle', 'LRU'), ok: (d) => d >= 10 },
]

export interface TargetLine { row: string; figure: string; target: string; verdict: 'met' | 'MISSED' | 'not run' | 'not measured' }

/** Every target against `results` (the tables of this run). */
export function judge(results: readonly ScenarioResult[]): TargetLine[] {
  const find: Finder = (table, name) => {
    const t = results.find(table)
    if (t === undefined) return 'not run'
    const r = t.rows.find((x) => x.name === name)
    if (r === undefined) return `no row "${name}"`
    if (r.error) return r.error.startsWith('skipped') ? r.error : `failed: ${r.error}`
    return r
  }
  return TARGETS.map((t) => {
    const f = t.figure(find)
    if (typeof f === 'string') return { row: t.row, figure: f, target: t.target, verdict: f === 'not run' ? 'not run' : 'not measured' }
    return { row: t.row, figure: f.text, target: t.target, verdict: t.ok(f.value) ? 'met' : 'MISSED' }
  })
}

export function printTargets(lines: readonly TargetLine[]): void {
  const head = ['issue 16 row', 'figure', 'target', '']
  const body = lines.map((l) => [l.row, l.figure, l.target, l.verdict])
  const w = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)))
  const line = (c: string[]) => c.map((x, i) => x.padEnd(w[i]!)).join('  ').trimEnd()
  const ran = lines.filter((l) => l.verdict === 'met' || l.verdict === 'MISSED')
  console.log(`\n## targets (issue 16): ${ran.filter((l) => l.verdict === 'met').length} of ${ran.length} measured rows met`)
  console.log(line(head))
  console.log(w.map((x) => '-'.repeat(Math.min(x, 60))).join('  '))
  for (const b of body) console.log(line(b))
}
