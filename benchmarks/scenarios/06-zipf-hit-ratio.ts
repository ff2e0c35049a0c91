// Scenario 6: hit ratio on a Zipf(0.9) trace: 1,000,000 requests over 100,000 keys, capacity
// 1,000. fncache LRU vs fncache LFU, lru-cache for reference. The trace is fixed: mulberry32 seeded
// PRNG, inverse-CDF sampling by binary search over a precomputed CDF; rank r maps to key r.
// Hit ratio = 1 - underlying calls / requests (cross-checked with fn.stats() when present).
import { LRUCache } from 'lru-cache'
import { type Row, type Scenario, Skip, counter, errText, fmtOps } from '../harness.js'
import { fid, loadFncache, statsOf } from '../fncache.js'

const REQUESTS = 1_000_000
const KEYS = 100_000
const CAP = 1_000
const S = 0.9
const SEED = 0x5eed

export function mulberry32(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

export function zipfTrace(requests: number, keys: number, s: number, seed: number): Int32Array {
  const cdf = new Float64Array(keys)
  let sum = 0
  for (let r = 0; r < keys; r++) { sum += 1 / Math.pow(r + 1, s); cdf[r] = sum }
  for (let r = 0; r < keys; r++) cdf[r] /= sum
  const rnd = mulberry32(seed)
  const out = new Int32Array(requests)
  for (let i = 0; i < requests; i++) {
    const u = rnd()
    let lo = 0, hi = keys - 1
    while (lo < hi) { const mid = (lo + hi) >>> 1; if (cdf[mid] < u) lo = mid + 1; else hi = mid }
    out[i] = lo
  }
  return out
}

type Fn = (n: number) => number

const scenario: Scenario = {
  id: '6',
  title: 'Zipf hit ratio',
  async run() {
    const { api, missing } = await loadFncache()
    const trace = zipfTrace(REQUESTS, KEYS, S, SEED)
    // the best any policy could do with no history: the CAP most popular keys' share of requests
    let topShare = 0
    for (let i = 0; i < REQUESTS; i++) if (trace[i] < CAP) topShare++
    topShare /= REQUESTS
    if (api) api.configure({ backends: {
      default: api.memory({ max: CAP, policy: 'lru' }),
      lru: api.memory({ max: CAP, policy: 'lru' }),
      lfu: api.memory({ max: CAP, policy: 'lfu' }),
    } })
    const list: [string, (f: Fn) => Fn, string][] = [
      ['lru-cache', (f) => {
        const lru = new LRUCache<string, number>({ max: CAP })
        return (n) => { const k = '' + n; let v = lru.get(k); if (v === undefined) { v = f(n); lru.set(k, v) } return v }
      }, `max ${CAP}`],
      ['fncache memory LRU', (f) => { if (!api) throw new Skip(missing); return api.cached(f, { id: fid('zipf-lru'), backend: 'lru' }) }, `memory({ max: ${CAP}, policy: 'lru' })`],
      ['fncache memory LFU', (f) => { if (!api) throw new Skip(missing); return api.cached(f, { id: fid('zipf-lfu'), backend: 'lfu' }) }, `memory({ max: ${CAP}, policy: 'lfu' })`],
    ]
    const rows: Row[] = []
    const ratio: Record<string, number> = {}
    for (const [name, make, note] of list) {
      try {
        const u = counter((n: number) => n * 3)
        const fn = make(u.fn)
        const t0 = performance.now()
        let bad = 0
        for (let i = 0; i < REQUESTS; i++) { const k = trace[i]; if (fn(k) !== k * 3) bad++ }
        const ms = performance.now() - t0
        if (bad) throw new Error(`${bad} wrong results`)
        const hr = 1 - u.calls / REQUESTS
        const st = statsOf(fn)
        if (st.hits !== undefined && st.hits !== REQUESTS - u.calls) throw new Error(`stats() says ${st.hits} hits, the call count says ${REQUESTS - u.calls}`)
        ratio[name] = hr
        rows.push({ name, reference: name === 'lru-cache', ops: Number((hr * 100).toFixed(2)), note, extra: { 'req/s (one pass)': fmtOps(REQUESTS / (ms / 1000)) } })
      } catch (e) {
        rows.push({ name, error: e instanceof Skip ? 'skipped: ' + e.message : errText(e), note })
      }
    }
    const notes = [
      `trace: ${REQUESTS.toLocaleString('en')} requests, Zipf(${S}) over ${KEYS.toLocaleString('en')} keys, mulberry32 seed 0x${SEED.toString(16)}; cold start included`,
      `the ${CAP.toLocaleString('en')} most popular keys draw ${(topShare * 100).toFixed(2)}% of requests (about what a perfect frequency policy can reach)`,
    ]
    const lru = ratio['fncache memory LRU'], lfu = ratio['fncache memory LFU']
    const ref = ratio['lru-cache']
    if (lru !== undefined && ref !== undefined) notes.unshift(lru === ref ? 'fncache LRU and lru-cache hit exactly as often (both exact LRU): as expected' : `CHECK: fncache LRU (${(lru * 100).toFixed(2)}%) and lru-cache (${(ref * 100).toFixed(2)}%) differ: one of them is not exact LRU at this capacity`)
    if (lru !== undefined && lfu !== undefined) notes.unshift(`LFU - LRU (fncache) = ${((lfu - lru) * 100).toFixed(2)} points (target: at least +5)`)
    return [{ id: '6', title: `hit ratio, Zipf(${S}) trace, capacity ${CAP.toLocaleString('en')}`, unit: 'hit %', rows, notes }]
  },
}
export default scenario
