// The shared harness: interleaved round-robin timing with a median, output validation before
// timing, hit accounting (underlying calls must not move while a hit benchmark is timed), tables.
// Each contender gets its own compiled copy of the loop so V8 feedback is never shared.

export interface Row {
  name: string
  reference?: boolean
  /** median operations per second */
  ops?: number
  /** ops / reference ops (or value / reference value for non-throughput rows) */
  ratio?: number
  /** best round's ops / the reference's best round's ops: steadier than the median on a loaded machine */
  best?: number
  /** (max - min) / median over the rounds, in percent */
  spread?: number
  /** ops/s of each round, in round order (JSON only) */
  samples?: number[]
  /** other raw measurements by name (JSON only) */
  raw?: Record<string, number[]>
  /** extra measured columns, by name (printed after the ratio) */
  extra?: Record<string, number | string>
  note?: string
  /** set when the contender failed validation or crashed; the row has no figures then */
  error?: string
}

export interface ScenarioResult {
  id: string
  title: string
  reference?: string
  /** what `ops` means when the scenario is not a throughput one */
  unit?: string
  rows: Row[]
  notes: string[]
}

export interface Scenario {
  id: string
  title: string
  run(): Promise<ScenarioResult[]>
}

/** Thrown by a contender's setup when it cannot run here (e.g. the fncache runtime lacks an export). */
export class Skip extends Error {}

/** A contender of a throughput scenario. */
export interface Contender<F = any> {
  name: string
  reference?: boolean
  note?: string
  /** Builds (and fills) the cache; returns the function the loop calls. */
  setup(): F | Promise<F>
  /** Throws when an output is wrong or a hit is not a hit. Runs before any timing. */
  validate?(fn: F): void | Promise<void>
  /** Calls of the underlying (uncached) function so far. */
  calls?(): number
  /**
   * What underlying calls a timed batch of `n` operations must cost: 'none' for hit benchmarks,
   * 'all' for miss benchmarks. A batch that breaks it fails the contender.
   */
  expectCalls?: 'none' | 'all'
  /** Extra columns read after timing; `total` = every operation the loop ran (calibration and warm-up included). */
  report?(fn: F, info: { total: number }): Record<string, number | string>
  teardown?(fn: F): void | Promise<void>
}

export interface ThroughputOptions {
  id: string
  title: string
  /**
   * The body of `(fn, data, n, st) => number`: run `n` operations, return a checksum so nothing
   * is dead code. `st` is a per-contender state object that survives between batches.
   */
  body: string
  async?: boolean
  data: unknown
  contenders: Contender[]
  rounds?: number
  roundMs?: number
  notes?: string[]
}

export const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 11)
export const ROUND_MS = Number(process.env.BENCH_ROUND_MS ?? 80)

const gc: () => void = (globalThis as any).gc ?? (() => {})
export const fullGc = () => { gc(); gc() }

let loopSerial = 0
type Loop = (fn: unknown, data: unknown, n: number, st: Record<string, number>) => number | Promise<number>
/** A fresh function per contender: distinct source text, so no shared feedback or cached compile. */
function compileLoop(body: string, isAsync: boolean, tag: string): Loop {
  const src = `${body}\n//# contender ${++loopSerial}: ${tag.replace(/[\r\n]/g, ' ')}`
  if (isAsync) return new Function(`return async function loop(fn, data, n, st) {\n${src}\n}`)() as Loop
  return new Function('fn', 'data', 'n', 'st', src) as Loop
}

const now = () => performance.now()

export const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b)
  const m = s.length >> 1
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2
}

interface Live {
  c: Contender
  fn: unknown
  loop: Loop
  st: Record<string, number>
  /** operations per chunk: a round runs whole chunks until roundMs has passed */
  chunk: number
  samples: number[]
  sink: number
  /** operations and underlying calls over the timed rounds */
  ops: number
  under: number
  /** every operation the loop ran, calibration and warm-up included */
  total: number
  error?: string
}

/** Runs one chunk of `n` operations; checks the underlying calls it made. Returns its ms. */
async function runChunk(l: Live, n: number, timed: boolean): Promise<number> {
  const before = l.c.calls?.()
  const t0 = now()
  const r = l.loop(l.fn, undefined as never, n, l.st)
  const s = typeof r === 'number' ? r : await r
  const ms = now() - t0
  l.sink += s
  l.total += n
  if (before !== undefined) {
    const d = l.c.calls!() - before
    if (timed) { l.ops += n; l.under += d }
    if (l.c.expectCalls === 'none' && d !== 0) throw new Error(`${d} underlying calls during a timed chunk of ${n} hits: not all hits were hits`)
    if (l.c.expectCalls === 'all' && d !== n) throw new Error(`${d} underlying calls during a timed chunk of ${n} misses: ${n - d} calls were hits`)
  }
  return ms
}

/** Runs whole chunks until `ms` have passed; returns ops/s. Time-bounded, so a mis-sized chunk cannot skew it. */
async function runFor(l: Live, ms: number, timed: boolean): Promise<number> {
  let ops = 0, spent = 0
  do { spent += await runChunk(l, l.chunk, timed); ops += l.chunk } while (spent < ms)
  return ops / (spent / 1000)
}

/** Times every contender round-robin (rotating who goes first) and reports median ops/s. */
export async function throughput(o: ThroughputOptions): Promise<ScenarioResult> {
  const rounds = o.rounds ?? ROUNDS
  const roundMs = o.roundMs ?? ROUND_MS
  const chunkMs = Math.max(1, roundMs / 25)
  const lives: Live[] = []
  const rows: Row[] = []
  for (const c of o.contenders) {
    const live: Live = { c, fn: undefined, loop: undefined as never, st: { j: 0 }, chunk: 0, samples: [], sink: 0, ops: 0, under: 0, total: 0 }
    try {
      live.fn = await c.setup()
      if (c.validate) await c.validate(live.fn)
      const loop = compileLoop(o.body, !!o.async, c.name)
      live.loop = (fn, _d, n, st) => loop(fn, o.data, n, st)
      // calibrate the chunk to about chunkMs: grow until a chunk takes >= chunkMs, twice in a row
      // at the final size (the first runs may include compilation or a preemption)
      let n = 16
      for (let ok = 0; ok < 2 && n < 1 << 28;) {
        const ms = await runChunk(live, n, false)
        if (ms >= chunkMs) ok++
        else { ok = 0; n *= ms < chunkMs / 8 ? 8 : 2 }
      }
      live.chunk = n
      await runFor(live, 2 * roundMs, false) // warm-up
      lives.push(live)
    } catch (e) {
      live.error = e instanceof Skip ? 'skipped: ' + e.message : errText(e)
      rows.push({ name: c.name, reference: c.reference, error: live.error, note: c.note })
    }
  }
  for (let r = 0; r < rounds; r++) {
    for (let k = 0; k < lives.length; k++) {
      const l = lives[(k + r) % lives.length]
      if (l.error) continue
      fullGc()
      try { l.samples.push(await runFor(l, roundMs, true)) } catch (e) { l.error = errText(e) }
    }
  }
  const ref = lives.find((l) => l.c.reference && !l.error)
  const refOps = ref ? median(ref.samples) : NaN
  const refBest = ref ? Math.max(...ref.samples) : NaN
  for (const l of lives) {
    let extra: Record<string, number | string> | undefined
    try { extra = l.c.report?.(l.fn, { total: l.total }) } catch (e) { extra = { report: errText(e) } }
    if (l.c.calls && l.c.expectCalls !== 'none' && l.ops) extra = { 'calls/op': Number((l.under / l.ops).toFixed(3)), ...extra }
    try { await l.c.teardown?.(l.fn) } catch { /* ignore */ }
    if (l.error) { rows.push({ name: l.c.name, reference: l.c.reference, error: l.error, note: l.c.note }); continue }
    const m = median(l.samples), best = Math.max(...l.samples)
    rows.push({
      name: l.c.name, reference: l.c.reference, ops: m, ratio: m / refOps, best: best / refBest,
      spread: (best - Math.min(...l.samples)) / m * 100, extra, note: l.c.note,
      samples: l.samples.map((x) => Math.round(x)),
    })
  }
  // keep the contenders' declared order
  const order = new Map(o.contenders.map((c, i) => [c.name, i]))
  rows.sort((a, b) => order.get(a.name)! - order.get(b.name)!)
  return { id: o.id, title: o.title, reference: ref?.c.name ?? o.contenders.find((c) => c.reference)?.name, rows, notes: o.notes ?? [] }
}

export function errText(e: unknown): string {
  return e instanceof Error ? `${e.name === 'Error' ? '' : e.name + ': '}${e.message}` : String(e)
}

/** Throws unless `cond`. */
export function check(cond: unknown, message: string): asserts cond {
  if (!cond) throw new Error(message)
}

/** Structural equality of plain data (enough to validate outputs). */
export function same(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true
  if (typeof a !== 'object' || typeof b !== 'object' || !a || !b) return false
  const ka = Object.keys(a), kb = Object.keys(b)
  return ka.length === kb.length && ka.every((k) => same((a as any)[k], (b as any)[k]))
}

/** A counting wrapper: `counted.fn` is the underlying function, `counted.calls` how often it ran. */
export function counter<A extends unknown[], R>(f: (...a: A) => R) {
  const c = { calls: 0, fn: undefined as unknown as (...a: A) => R }
  c.fn = function (this: unknown, ...a: A) { c.calls++; return f.apply(this, a) }
  // memoizee and moize read fn.length to decide how many arguments form the key
  Object.defineProperty(c.fn, 'length', { value: f.length })
  return c
}

// ---------------------------------------------------------------- formatting

export function fmtOps(x: number | undefined): string {
  if (x === undefined || !Number.isFinite(x)) return '-'
  if (x >= 1e6) return (x / 1e6).toFixed(2) + ' M'
  if (x >= 1e3) return (x / 1e3).toFixed(1) + ' k'
  return x.toFixed(0)
}
export function fmtRatio(x: number | undefined): string {
  if (x === undefined || !Number.isFinite(x)) return '-'
  return x >= 0.1 ? x.toFixed(2) + 'x' : x >= 0.01 ? x.toFixed(3) + 'x' : x.toFixed(4) + 'x'
}

export function printTable(res: ScenarioResult, opsHeader = res.unit ?? 'ops/s'): void {
  const extraKeys = [...new Set(res.rows.flatMap((r) => Object.keys(r.extra ?? {})))]
  const hasRatio = res.rows.some((r) => r.ratio !== undefined)
  const hasSpread = res.rows.some((r) => r.spread !== undefined)
  const cols: { h: string; cell: (r: Row) => string }[] = [
    { h: 'contender', cell: (r) => r.name + (r.reference ? ' (ref)' : '') },
    { h: opsHeader, cell: (r) => r.error ? (r.error.startsWith('skipped') ? 'skipped' : 'FAILED') : res.unit ? fmtNum(r.ops) : fmtOps(r.ops) },
    ...(hasRatio ? [{ h: 'ratio', cell: (r: Row) => r.error ? '-' : fmtRatio(r.ratio) }] : []),
    ...(res.rows.some((r) => r.best !== undefined) ? [{ h: 'best', cell: (r: Row) => r.error ? '-' : fmtRatio(r.best) }] : []),
    ...(hasSpread ? [{ h: '±%', cell: (r: Row) => r.error || r.spread === undefined ? '-' : r.spread.toFixed(0) }] : []),
    ...extraKeys.map((k) => ({ h: k, cell: (r: Row) => { const v = r.extra?.[k]; return r.error ? '-' : typeof v === 'number' ? fmtNum(v) : v ?? '-' } })),
    { h: 'note', cell: (r) => r.error ?? r.note ?? '' },
  ]
  const body = res.rows.map((r) => cols.map((c) => String(c.cell(r))))
  const head = cols.map((c) => c.h)
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)))
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 || i === cells.length - 1 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ').trimEnd()
  console.log(`\n## ${res.id}: ${res.title}` + (res.reference ? `   (reference: ${res.reference})` : ''))
  console.log(line(head))
  console.log(widths.map((w) => '-'.repeat(Math.min(w, 60))).join('  '))
  for (const b of body) console.log(line(b))
  for (const n of res.notes) console.log('  * ' + n)
}

export function fmtNum(x: number | undefined): string {
  if (x === undefined || !Number.isFinite(x)) return '-'
  if (Number.isInteger(x)) return String(x)
  return Math.abs(x) >= 100 ? x.toFixed(0) : Math.abs(x) >= 1 ? x.toFixed(2) : x.toFixed(3)
}
