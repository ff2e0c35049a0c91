// Scenario 3: miss churn. 100,000 distinct keys cycle through a capacity of 10,000, so every call
// is a miss that runs the function, stores its result and evicts an entry.
// Reference: lru-cache (max 10,000) inside a hand-written memoizer, key '' + n.
import { LRUCache } from 'lru-cache'
import memoizee from 'memoizee'
import moize from 'moize'
import { type Contender, type Scenario, Skip, check, counter, throughput } from '../harness.js'
import { fid, loadFncache, statsOf } from '../fncache.js'

const KEYS = 100_000
const CAP = 10_000

type Fn = (n: number) => number

/**
 * Validates before timing: results are right, a repeated key is a hit, and the bound holds
 * (after 2 x CAP distinct keys, a second pass over them finds at most CAP hits).
 */
function churn(name: string, make: (f: Fn) => Fn, opts: { reference?: boolean; note?: string; lruExact?: boolean } = {}): Contender<Fn> {
  let u: ReturnType<typeof counter<[number], number>>
  return {
    name, reference: opts.reference, note: opts.note,
    calls: () => u.calls,
    setup() { u = counter((n: number) => n * 2); return make(u.fn) },
    validate(fn) {
      check(fn(KEYS + 1) === (KEYS + 1) * 2 && fn(KEYS + 1) === (KEYS + 1) * 2 && u.calls === 1, `a repeated key was not a hit (${u.calls} calls)`)
      for (let k = 0; k < 2 * CAP; k++) check(fn(k) === k * 2, `wrong result for ${k}`)
      const before = u.calls
      for (let k = 0; k < 2 * CAP; k++) fn(k)
      const hits = 2 * CAP - (u.calls - before)
      check(hits <= CAP, `${hits} hits on a second pass over ${2 * CAP} keys: the bound of ${CAP} does not hold`)
      if (opts.lruExact) check(hits === 0, `${hits} hits on a sequential rescan larger than the capacity: not LRU`)
    },
    report: (fn) => { const s = statsOf(fn); return s.evictions === undefined ? {} : { evictions: s.evictions } },
  }
}

const BODY = `
const len = data.length
let s = 0, j = st.j
for (let i = 0; i < n; i++) { s += fn(data[j]); if (++j === len) j = 0 }
st.j = j
return s`

const scenario: Scenario = {
  id: '3',
  title: 'miss churn',
  async run() {
    const { api, missing } = await loadFncache()
    if (api) api.configure({ backends: {
      default: api.memory({ max: CAP, policy: 'lru' }),
      lru: api.memory({ max: CAP, policy: 'lru' }),
      lfu: api.memory({ max: CAP, policy: 'lfu' }),
      tinylfu: api.memory({ max: CAP, policy: 'tinylfu' }),
    } })
    const keys = Array.from({ length: KEYS }, (_, i) => i)
    const fnc = (backend: 'lru' | 'lfu' | 'tinylfu') => (f: Fn) => {
      if (!api) throw new Skip(missing)
      return api.cached(f, { id: fid('churn-' + backend), backend })
    }
    const contenders: Contender[] = [
      churn('lru-cache', (f) => {
        const lru = new LRUCache<string, number>({ max: CAP })
        return (n) => { const k = '' + n; let v = lru.get(k); if (v === undefined) { v = f(n); lru.set(k, v) } return v }
      }, { reference: true, lruExact: true, note: `max ${CAP}; key '' + n` }),
      churn('fncache memory LRU', fnc('lru'), { lruExact: true, note: `memory({ max: ${CAP}, policy: 'lru' })` }),
      churn('fncache memory LFU', fnc('lfu'), { note: `memory({ max: ${CAP}, policy: 'lfu' })` }),
      churn('fncache memory tinylfu', fnc('tinylfu'), { note: `memory({ max: ${CAP}, policy: 'tinylfu' })` }),
      churn('memoizee', (f) => memoizee(f, { primitive: true, max: CAP }), { lruExact: true, note: `primitive: true, max ${CAP}` }),
      churn('moize', (f) => moize(f, { maxSize: CAP }), { lruExact: true, note: `maxSize ${CAP} (linear key scan)` }),
    ]
    return [await throughput({
      id: '3', title: `miss churn, ${KEYS.toLocaleString('en')} distinct keys through capacity ${CAP.toLocaleString('en')}`, body: BODY, data: keys, contenders,
      notes: ['calls/op = underlying calls per operation over the timed rounds: 1.000 means every call was a miss that stored and evicted'],
    })]
  },
}
export default scenario
