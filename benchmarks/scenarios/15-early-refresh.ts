// Scenario 13: the expiry stampede that earlyRefresh (XFetch) removes. 4 processes share a Redis
// backend (a local redis-server started here); each fills a quarter of 1,000 hot keys (one TTL, so all expire within the fill's few
// ms), then reads random hot keys past the shared expiry. Counted from each process's stats:
// misses (callers that found no fresh entry and ran or waited for the function) in the second
// centred on the expiry, without and with `earlyRefresh: true`. Target (issue 19): >= 10x fewer.
// BENCH_XFETCH_BETA=N runs the second mode with `earlyRefresh: { beta: N }` instead (default beta 1):
// the fewer reads each key gets per second, the larger the beta XFetch needs to refresh ahead.
import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { type Row, type Scenario, errText } from '../harness.js'
import { startRedis } from '../../tests/helpers/redis-server.js'
import { AFTER_MS, COST_MS, KEYS, PROCS, READERS, TTL_MS } from './early-refresh/params.js'

const CHILD = fileURLToPath(new URL('./early-refresh/child.ts', import.meta.url))
/** The beta of the earlyRefresh mode (BENCH_XFETCH_BETA; 1 is XFetch's and the option's default). */
const BETA = Number(process.env.BENCH_XFETCH_BETA ?? 1)
type Report = { filled: number; reads: number; fillMs: number; samples: [at: number, misses: number, early: number, computations: number][] }

/** The counter `col` at time `t` (its last sample at or before t). */
function at(r: Report, t: number, col: 1 | 2 | 3): number {
  let v = 0
  for (const s of r.samples) if (s[0] <= t) v = s[col]
  return v
}

/**
 * Both modes at once, each under its own key prefix, started by one signal: they share the machine's
 * load (the comparison stays fair on a busy machine) and the scenario takes half the time.
 */
async function run(): Promise<Record<'off' | 'on', Report[]>> {
  const server = process.env.REDIS_URL ? undefined : await startRedis()
  const url = process.env.REDIS_URL ?? server!.url
  try {
    const kids = (['off', 'on'] as const).flatMap((mode) => Array.from({ length: PROCS }, (_, i) => {
      const p = spawn(process.execPath, ['--conditions=fncache-source', '--import', 'tsx', CHILD, url, mode, String(i), String(PROCS)], { stdio: ['pipe', 'pipe', 'inherit'] })
      let out = ''
      const ready = new Promise<void>((r) => p.stdout.on('data', (d) => { out += d; if (out.startsWith('ready\n')) r() }))
      const done = new Promise<Report>((resolve, reject) => p.on('close', (code) => {
        if (code !== 0) return reject(new Error(`child ${i} exited with ${code}`))
        resolve(JSON.parse(out.slice('ready\n'.length)))
      }))
      return { p, ready, done }
    }))
    await Promise.all(kids.map((k) => k.ready))
    for (const k of kids) k.p.stdin.end('go\n')
    const reports = await Promise.all(kids.map((k) => k.done))
    return { off: reports.slice(0, PROCS), on: reports.slice(PROCS) }
  } finally {
    await server?.kill()
  }
}

const scenario: Scenario = {
  id: '15',
  title: 'early refresh',
  async run() {
    const rows: Row[] = []
    const figures: Record<string, number> = {}
    let both: Record<'off' | 'on', Report[]> | undefined
    let failure = ''
    try {
      both = await run()
    } catch (e) {
      failure = errText(e)
    }
    for (const mode of ['off', 'on'] as const) {
      const name = mode === 'off' ? 'fncache, no earlyRefresh' : BETA === 1 ? 'fncache, earlyRefresh: true' : `fncache, earlyRefresh: { beta: ${BETA} }`
      try {
        if (both === undefined) throw new Error(failure)
        const reports = both[mode]
        let misses = 0
        let computations = 0
        let early = 0
        let reads = 0
        let fillMs = 0
        // The busiest second (sliding by 50 ms) from a second before the first expiry on: on a
        // loaded machine the fill, and so the expiries, spread out, and a fixed window would miss it.
        const from = Math.min(...reports.map((r) => r.filled)) + TTL_MS - 1000
        const to = Math.max(...reports.map((r) => r.samples[r.samples.length - 1]![0])) - 1000
        const sum = (t: number, col: 1 | 2 | 3) => reports.reduce((a, r) => a + at(r, t + 1000, col) - at(r, t, col), 0)
        let peak = from
        for (let t = from; t <= to; t += 50) if (sum(t, 1) > sum(peak, 1)) peak = t
        misses = sum(peak, 1)
        computations = sum(peak, 3)
        early = reports.reduce((a, r) => a + at(r, Infinity, 2), 0)
        for (const r of reports) {
          reads += r.reads
          fillMs = Math.max(fillMs, r.fillMs)
        }
        figures[mode] = misses
        rows.push({
          name, reference: mode === 'off', ops: misses,
          extra: { 'function runs': computations, 'early refreshes': early, 'reads/s per process': Math.round(reads / PROCS / ((TTL_MS + AFTER_MS) / 1000)), 'fill ms': fillMs },
          note: mode === 'off' ? 'every process misses each key at its expiry (leases make the others wait)' : `XFetch, beta ${BETA}, each process weighing its own miss latency`,
        })
      } catch (e) {
        rows.push({ name, error: errText(e) })
      }
    }
    const ratio = figures.on === undefined || figures.off === undefined ? 'n/a' : figures.on === 0 ? `${figures.off}x+ (0 misses)` : `${(figures.off / figures.on).toFixed(1)}x`
    return [{
      id: '15', title: `early refresh: ${PROCS} processes, ${KEYS.toLocaleString('en')} hot keys with one TTL (${TTL_MS / 1000} s) on one Redis, ${COST_MS} ms function`,
      unit: 'misses', rows,
      notes: [
        `"ops" is the number of misses (summed over the processes) in the busiest second around the shared expiry; fewer is better. Fewer misses with earlyRefresh: ${ratio} (target >= 10x)`,
        `${READERS} reader loops per process, random hot keys; "function runs" counts computations in that second, early refreshes included; "early refreshes": the whole run`,
        'both modes run at once (8 processes) so they share the machine; XFetch needs reads of each key to be frequent next to the miss latency: on a loaded machine (few reads/s per process) the ratio drops',
      ],
    }]
  },
}
export default scenario
