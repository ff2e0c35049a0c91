// Scenario 11: hit ratios of the memory policies on generated traces, capacity 1,000: fncache
// `memory({ policy })` with 'lru', 'lfu' and 'tinylfu' (through `cached()`, the real store), and
// lru-cache beside them. One row per trace, each checked against its target (issue 16):
//   Zipf 0.7 / 0.9 / 1.1 (1,000,000 requests over 100,000 keys): tinylfu ≥ LFU − 1 point
//   moving working set (recency-heavy): tinylfu ≥ LRU − 1 point
//   Zipf 0.9 with one full scan of the 100,000 keys in the middle: tinylfu ≥ LRU + 10 points
//   a loop of 1,200 keys (larger than the cache): no target; LRU and LFU hit nothing there
//   a sliding working set of 1,500 keys (larger than the cache): no target, shown because it is
//     LRU's best case and tinylfu's worst among these
// Every trace is seeded (mulberry32 of scenario 6) and starts cold. Hit ratio = 1 − underlying
// calls / requests, cross-checked with fn.stats().
import { LRUCache } from 'lru-cache'
import { type Row, type Scenario, Skip, counter, errText } from '../harness.js'
import { fid, loadFncache, statsOf } from '../fncache.js'
import { mulberry32, zipfTrace } from './06-zipf-hit-ratio.js'

const CAP = 1_000
const KEYS = 100_000
const SEED = 0x5eed

interface Trace {
  name: string
  trace: Int32Array
  target?: { of: 'LRU' | 'LFU'; points: number }
}

/** Key `base + x`: the base moves one key every `step` requests; x drawn in [0, width) with skew `power`. */
function sliding(requests: number, width: number, step: number, power: number, seed: number): Int32Array {
  const rnd = mulberry32(seed)
  const out = new Int32Array(requests)
  for (let i = 0; i < requests; i++) out[i] = Math.floor(i / step) + Math.floor(Math.pow(rnd(), power) * width)
  return out
}

function traces(): Trace[] {
  const zipf = (s: number) => zipfTrace(1_000_000, KEYS, s, SEED)
  const z9 = zipf(0.9)
  const scan = new Int32Array(1_100_000)
  scan.set(z9.subarray(0, 500_000))
  for (let k = 0; k < KEYS; k++) scan[500_000 + k] = k
  scan.set(z9.subarray(500_000), 600_000)
  return [
    { name: 'Zipf 0.7', trace: zipf(0.7), target: { of: 'LFU', points: -1 } },
    { name: 'Zipf 0.9', trace: z9, target: { of: 'LFU', points: -1 } },
    { name: 'Zipf 1.1', trace: zipf(1.1), target: { of: 'LFU', points: -1 } },
    { name: 'moving working set (800 keys, skewed)', trace: sliding(1_000_000, 800, 100, 2, 7), target: { of: 'LRU', points: -1 } },
    { name: 'Zipf 0.9 + full scan in the middle', trace: scan, target: { of: 'LRU', points: 10 } },
    { name: 'loop of 1,200 keys', trace: new Int32Array(500_000).map((_, i) => i % 1_200) },
    { name: 'sliding 1,500 keys (> cache)', trace: sliding(1_000_000, 1_500, 10, 1, 7) },
  ]
}

type Fn = (n: number) => number

const scenario: Scenario = {
  id: '11',
  title: 'policy hit ratios on generated traces',
  async run() {
    const { api, missing } = await loadFncache()
    const rows: Row[] = []
    const notes: string[] = []
    let met = 0
    let targets = 0
    for (const { name, trace, target } of traces()) {
      try {
        if (!api) throw new Skip(missing)
        api.configure({ backends: {
          default: api.memory({ max: CAP }),
          lru: api.memory({ max: CAP, policy: 'lru' }),
          lfu: api.memory({ max: CAP, policy: 'lfu' }),
          tinylfu: api.memory({ max: CAP, policy: 'tinylfu' }),
        } })
        const contenders: [string, (f: Fn) => Fn][] = [
          ['lru-cache', (f) => {
            const lru = new LRUCache<number, number>({ max: CAP })
            return (n) => { let v = lru.get(n); if (v === undefined) { v = f(n); lru.set(n, v) } return v }
          }],
          ['LRU', (f) => api.cached(f, { id: fid('trace-lru'), backend: 'lru' })],
          ['LFU', (f) => api.cached(f, { id: fid('trace-lfu'), backend: 'lfu' })],
          ['tinylfu', (f) => api.cached(f, { id: fid('trace-tinylfu'), backend: 'tinylfu' })],
        ]
        const hit: Record<string, number> = {}
        for (const [who, make] of contenders) {
          const u = counter((n: number) => n * 3)
          const fn = make(u.fn)
          let bad = 0
          for (let i = 0; i < trace.length; i++) { const k = trace[i]!; if (fn(k) !== k * 3) bad++ }
          if (bad) throw new Error(`${who}: ${bad} wrong results`)
          const hits = trace.length - u.calls
          const st = statsOf(fn)
          if (st.hits !== undefined && st.hits !== hits) throw new Error(`${who}: stats() says ${st.hits} hits, the call count says ${hits}`)
          hit[who] = (hits / trace.length) * 100
        }
        const t = hit.tinylfu!
        let verdict = '-'
        if (target) {
          targets++
          const goal = hit[target.of]! + target.points
          const ok = t >= goal
          if (ok) met++
          verdict = `${ok ? 'met' : 'MISSED'} (≥ ${target.of} ${target.points >= 0 ? '+' : '−'} ${Math.abs(target.points)})`
        }
        rows.push({
          name,
          ops: Number(t.toFixed(2)),
          extra: {
            'LRU %': Number(hit.LRU!.toFixed(2)),
            'LFU %': Number(hit.LFU!.toFixed(2)),
            'lru-cache %': Number(hit['lru-cache']!.toFixed(2)),
            'tiny − LRU': (t - hit.LRU! >= 0 ? '+' : '') + (t - hit.LRU!).toFixed(2),
            'tiny − LFU': (t - hit.LFU! >= 0 ? '+' : '') + (t - hit.LFU!).toFixed(2),
            target: verdict,
          },
          note: `${trace.length.toLocaleString('en')} requests`,
        })
      } catch (e) {
        rows.push({ name, error: e instanceof Skip ? 'skipped: ' + e.message : errText(e) })
      }
    }
    notes.push(`tinylfu targets met: ${met} of ${targets}`)
    notes.push(`capacity ${CAP.toLocaleString('en')}; every trace starts cold; seeds: mulberry32 0x${SEED.toString(16)} (Zipf), 7 (sliding)`)
    notes.push('moving working set: key = ⌊i/100⌋ + ⌊u² × 800⌋ (fits the cache); sliding: key = ⌊i/10⌋ + ⌊u × 1,500⌋ (does not)')
    notes.push('fncache LRU and lru-cache should hit exactly as often (both exact LRU)')
    return [{ id: '11', title: `hit ratio by policy, capacity ${CAP.toLocaleString('en')}`, unit: 'tinylfu %', rows, notes }]
  },
}
export default scenario
