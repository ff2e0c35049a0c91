// Scenario 1: sync hit, 1,000 cached keys. (a) 1 number arg, (b) 3 args (string, number,
// boolean), (c) 1 plain object {id, page} passed as value-equal copies (never the same object).
// Reference: lru-cache with a hand-built string key inside a hand-written memoizer.
import { LRUCache } from 'lru-cache'
import memoizee from 'memoizee'
import moize from 'moize'
import { type Contender, type Scenario, type ScenarioResult, Skip, check, counter, throughput } from '../harness.js'
import { type FncacheApi, fid, loadFncache, statsOf, useMemory } from '../fncache.js'
import { compiled1Number, compiled3Args, compiledObject, compiledObjectTyped } from '../compiled.js'

const KEYS = 1_000
const MAX = 10_000 // every bounded contender gets the same bound; 1,000 keys never evict

/** A seeded shuffle, so the access order is fixed but not sequential. */
function shuffled<T>(xs: T[], seed = 7): T[] {
  let a = seed >>> 0
  const rnd = () => { a = (a + 0x6d2b79f5) >>> 0; let t = a; t = Math.imul(t ^ (t >>> 15), t | 1); t ^= t + Math.imul(t ^ (t >>> 7), t | 61); return ((t ^ (t >>> 14)) >>> 0) / 4294967296 }
  const out = [...xs]
  for (let i = out.length - 1; i > 0; i--) { const j = Math.floor(rnd() * (i + 1)); [out[i], out[j]] = [out[j], out[i]] }
  return out
}

interface Case {
  id: string
  title: string
  f: (...a: any[]) => number
  /** the 1,000 distinct argument lists */
  keys: unknown[][]
  /** what the timed loop feeds (equal copies for the object case) */
  pool: unknown[][]
  body: string
  data: unknown
}

type Make = (f: (...a: any[]) => number) => (...a: any[]) => number

/** A contender that memoizes `c.f` with `make`, filled with the 1,000 keys, validated on the whole pool. */
function hit(c: Case, name: string, make: Make | (() => Make), opts: { reference?: boolean; note?: string; lazy?: boolean } = {}): Contender {
  let u: ReturnType<typeof counter<any[], number>>
  return {
    name, reference: opts.reference, note: opts.note, expectCalls: 'none',
    calls: () => u.calls,
    setup() {
      u = counter(c.f)
      const mk = opts.lazy ? (make as () => Make)() : (make as Make)
      const fn = mk(u.fn)
      for (const a of c.keys) fn(...a)
      return fn
    },
    validate(fn) {
      check(u.calls === c.keys.length, `filling ${c.keys.length} keys made ${u.calls} underlying calls`)
      for (const a of c.pool) {
        const got = fn(...a), want = c.f(...a)
        check(got === want, `wrong result for ${JSON.stringify(a)}: ${got} (want ${want})`)
      }
      check(u.calls === c.keys.length, `${u.calls - c.keys.length} of ${c.pool.length} reads of cached keys were misses`)
    },
    // fn.stats() (fncache) must count every hit: the validation reads plus every loop operation
    report: (fn, { total }) => {
      const s = statsOf(fn)
      if (s.hits === undefined) return {}
      const want = c.pool.length + total
      return { 'stats()': s.hits === want && s.misses === c.keys.length ? 'exact' : `hits ${s.hits} (want ${want}), misses ${s.misses} (want ${c.keys.length})` }
    },
  }
}

// Hand-written memoizers: one function literal per store and arity, so V8 never shares their
// feedback (a shared literal would turn `store.get` polymorphic and slow the reference down).
const lruNum: Make = (f) => { const lru = new LRUCache<number, number>({ max: MAX }); return (n: number) => { let v = lru.get(n); if (v === undefined) { v = f(n); lru.set(n, v) } return v } }
const lru1: Make = (f) => { const lru = new LRUCache<string, number>({ max: MAX }); return (n: number) => { const k = '' + n; let v = lru.get(k); if (v === undefined) { v = f(n); lru.set(k, v) } return v } }
const map1: Make = (f) => { const m = new Map<string, number>(); return (n: number) => { const k = '' + n; let v = m.get(k); if (v === undefined) { v = f(n); m.set(k, v) } return v } }
const lru3: Make = (f) => { const lru = new LRUCache<string, number>({ max: MAX }); return (s: string, n: number, b: boolean) => { const k = s + '|' + n + '|' + b; let v = lru.get(k); if (v === undefined) { v = f(s, n, b); lru.set(k, v) } return v } }
const map3: Make = (f) => { const m = new Map<string, number>(); return (s: string, n: number, b: boolean) => { const k = s + '|' + n + '|' + b; let v = m.get(k); if (v === undefined) { v = f(s, n, b); m.set(k, v) } return v } }
type O = { id: number; page: number }
const lruObj: Make = (f) => { const lru = new LRUCache<string, number>({ max: MAX }); return (o: O) => { const k = o.id + '|' + o.page; let v = lru.get(k); if (v === undefined) { v = f(o); lru.set(k, v) } return v } }
const mapObj: Make = (f) => { const m = new Map<string, number>(); return (o: O) => { const k = o.id + '|' + o.page; let v = m.get(k); if (v === undefined) { v = f(o); m.set(k, v) } return v } }

function fncacheMake(api: FncacheApi | undefined, missing: string, build: (api: FncacheApi, f: any) => any): () => Make {
  return () => { if (!api) throw new Skip(missing); return (f) => build(api, f) }
}

const SYNC_BODY = (call: string, prelude = '') => `
${prelude}
let s = 0, j = st.j
for (let i = 0; i < n; i++) { s += ${call}; if (++j === len) j = 0 }
st.j = j
return s`

function cases(): Case[] {
  const nums = shuffled(Array.from({ length: KEYS }, (_, i) => i))
  const a: Case = {
    id: '1a', title: 'sync hit, 1 number arg, 1,000 keys',
    f: (n: number) => n * 2,
    keys: nums.map((n) => [n]), pool: nums.map((n) => [n]),
    data: nums, body: SYNC_BODY('fn(data[j])', 'const len = data.length'),
  }
  const words = ['alpha', 'beta', 'gamma', 'delta', 'epsilon', 'zeta', 'eta', 'theta', 'iota', 'kappa']
  const triples = shuffled(Array.from({ length: KEYS }, (_, i) => [words[i % 10], i >> 1, (i & 1) === 0] as [string, number, boolean]))
  const b: Case = {
    id: '1b', title: 'sync hit, 3 args (string, number, boolean), 1,000 keys',
    f: (s: string, n: number, b: boolean) => s.length * 100_000 + n * 2 + (b ? 1 : 0),
    keys: triples, pool: triples,
    data: { s: triples.map((t) => t[0]), n: triples.map((t) => t[1]), b: triples.map((t) => t[2]) },
    body: SYNC_BODY('fn(S[j], N[j], B[j])', 'const S = data.s, N = data.n, B = data.b, len = S.length'),
  }
  // 4 value-equal copies of each of the 1,000 objects, laid out so that consecutive reads hit
  // different keys and no object is seen twice in a row.
  const ids = shuffled(Array.from({ length: KEYS }, (_, i) => i))
  const copies = 4
  const pool: { id: number; page: number }[] = []
  for (let c = 0; c < copies; c++) for (const i of ids) pool.push({ id: i, page: i % 7 })
  const c: Case = {
    id: '1c', title: 'sync hit, 1 plain object {id, page} (value-equal copies), 1,000 keys',
    f: (o: { id: number; page: number }) => o.id * 2 + o.page,
    keys: pool.slice(0, KEYS).map((o) => [{ ...o }]), pool: pool.map((o) => [o]),
    data: pool, body: SYNC_BODY('fn(data[j])', 'const len = data.length'),
  }
  return [a, b, c]
}

const scenario: Scenario = {
  id: '1',
  title: 'sync hit',
  async run() {
    const { api, missing } = await loadFncache()
    const [a, b, c] = cases()
    const results: ScenarioResult[] = []
    const fnc = (name: string, build: (api: FncacheApi, f: any) => any, note?: string) => ({ name, build, note })
    const common = (k: Case, lru: Make, map: Make, refKeyText: string, peers: Contender[], fncs: ReturnType<typeof fnc>[]) => [
      hit(k, 'lru-cache, hand-built key', lru, { reference: true, note: `max ${MAX}; key ${refKeyText}` }),
      ...peers,
      hit(k, 'Map, hand-built key', map, { note: `unbounded; key ${refKeyText}` }),
      ...fncs.map((x) => hit(k, x.name, fncacheMake(api, missing, x.build), { lazy: true, note: x.note })),
    ]

    if (api) useMemory(api, { max: MAX, policy: 'lru' })
    results.push(await throughput({
      id: a.id, title: a.title, body: a.body, data: a.data,
      contenders: common(a, lru1, map1, "'' + n", [
        hit(a, 'lru-cache, number key', lruNum, { note: 'key n itself (no key build)' }),
        hit(a, 'memoizee', (f) => memoizee(f, { primitive: true, max: MAX }), { note: `primitive: true, max ${MAX}` }),
        hit(a, 'moize', (f) => moize(f, { maxSize: MAX }), { note: `maxSize ${MAX}` }),
      ], [
        fnc('fncache cached()', (api, f) => api.cached(f, { id: fid('sync1') }), 'runtime wrapper, generic key encoder'),
        fnc('fncache compiled', (api, f) => compiled1Number(api, f, fid('sync1c')), "wrap(compiled, params ['n'])"),
      ]),
    }))

    if (api) useMemory(api, { max: MAX, policy: 'lru' })
    results.push(await throughput({
      id: b.id, title: b.title, body: b.body, data: b.data,
      contenders: common(b, lru3, map3, "s + '|' + n + '|' + b", [
        hit(b, 'memoizee', (f) => memoizee(f, { primitive: true, max: MAX }), { note: `primitive: true, max ${MAX}` }),
        hit(b, 'moize', (f) => moize(f, { maxSize: MAX }), { note: `maxSize ${MAX}` }),
      ], [
        fnc('fncache cached()', (api, f) => api.cached(f, { id: fid('sync3') }), 'runtime wrapper, generic key encoder'),
        fnc('fncache compiled', (api, f) => compiled3Args(api, f, fid('sync3c')), 'wrap(compiled, keyOf)'),
      ]),
    }))

    if (api) useMemory(api, { max: MAX, policy: 'lru' })
    results.push(await throughput({
      id: c.id, title: c.title, body: c.body, data: c.data,
      contenders: common(c, lruObj, mapObj, "o.id + '|' + o.page", [
        hit(c, 'memoizee', (f) => memoizee(f, { normalizer: (args: any) => JSON.stringify(args[0]), max: MAX }), { note: 'normalizer JSON.stringify(args[0]) (its docs)' }),
        hit(c, 'moize', (f) => moize(f, { isDeepEqual: true, maxSize: MAX }), { note: `isDeepEqual, maxSize ${MAX}` }),
      ], [
        fnc('fncache cached()', (api, f) => api.cached(f, { id: fid('syncObj') }), 'runtime wrapper, generic key encoder'),
        fnc('fncache compiled', (api, f) => compiledObject(api, f, fid('syncObjc')), "wrap(compiled, params ['o']): no keyOf"),
        fnc('fncache compiled, typed', (api, f) => compiledObjectTyped(api, f, fid('syncObjt')), "wrap(compiled, params ['o'], shape ['id', 'page']): o typed { id: number; page: number }"),
      ]),
      notes: ['the loop reads 4 value-equal copies of each of the 1,000 objects (4,000 objects, never the same object twice in a row); the fill used a 5th copy'],
    }))
    for (const r of results) r.notes.push(`every contender is filled with the 1,000 keys first; a timed batch that calls the underlying function fails the contender (hits must be hits)`)
    return results
  },
}
export default scenario
