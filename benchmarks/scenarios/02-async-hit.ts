// Scenario 2: async hit, 1 number arg, 1,000 cached keys, measured as a loop of sequential awaits.
// Reference: `await map.get(k)` (a Map of resolved values, number keys).
import { LRUCache } from 'lru-cache'
import pMemoize from 'p-memoize'
import { createCache as createAcd } from 'async-cache-dedupe'
import { createCache as createCacheManager } from 'cache-manager'
import { createKeyv } from 'cacheable'
import { BentoCache, bentostore } from 'bentocache'
import { memoryDriver } from 'bentocache/drivers/memory'
import { type Contender, type Scenario, Skip, check, counter, same, throughput } from '../harness.js'
import { fid, loadFncache, statsOf, useMemory } from '../fncache.js'

const KEYS = 1_000
const MAX = 10_000

type User = { id: number }
type Get = (k: number) => Promise<User> | User

/** Fills the 1,000 keys through `fn`, then checks every read returns {id: k} without a call. */
function asyncHit(name: string, make: (f: (k: number) => Promise<User>) => Get | Promise<Get>, opts: { reference?: boolean; note?: string; teardown?: () => unknown } = {}): Contender<Get> {
  let u: ReturnType<typeof counter<[number], Promise<User>>>
  return {
    name, reference: opts.reference, note: opts.note, expectCalls: 'none',
    calls: () => u.calls,
    async setup() {
      u = counter(async (k: number) => ({ id: k }))
      const fn = await make(u.fn)
      for (let k = 0; k < KEYS; k++) await fn(k)
      return fn
    },
    async validate(fn) {
      check(u.calls === KEYS, `filling ${KEYS} keys made ${u.calls} underlying calls`)
      for (let k = 0; k < KEYS; k++) {
        const got = await fn(k)
        check(same(got, { id: k }), `wrong result for ${k}: ${JSON.stringify(got)}`)
      }
      check(u.calls === KEYS, `${u.calls - KEYS} of ${KEYS} reads of cached keys were misses`)
    },
    report: (fn, { total }) => {
      const s = statsOf(fn)
      if (s.hits === undefined) return {}
      const want = KEYS + total
      return { 'stats()': s.hits === want && s.misses === KEYS ? 'exact' : `hits ${s.hits} (want ${want}), misses ${s.misses} (want ${KEYS})` }
    },
    teardown: opts.teardown,
  }
}

const BODY = `
const len = data.length
let s = 0, j = st.j
for (let i = 0; i < n; i++) { s += (await fn(data[j])).id; if (++j === len) j = 0 }
st.j = j
return s`

const scenario: Scenario = {
  id: '2',
  title: 'async hit',
  async run() {
    const { api, missing } = await loadFncache()
    if (api) useMemory(api, { max: MAX, policy: 'lru' })
    const keys = Array.from({ length: KEYS }, (_, i) => (i * 613) % KEYS) // a fixed permutation
    const bentos: BentoCache<any>[] = []
    const contenders: Contender[] = [
      asyncHit('await map.get(k)', async (f) => {
        const m = new Map<number, User>()
        for (let k = 0; k < KEYS; k++) m.set(k, await f(k))
        return (k: number) => m.get(k)!
      }, { reference: true, note: 'a Map of resolved values, number keys, filled up front' }),
      asyncHit('lru-cache fetch', (f) => {
        const lru = new LRUCache<number, User>({ max: MAX, fetchMethod: (k) => f(k) })
        return (k: number) => lru.fetch(k) as Promise<User>
      }, { note: `fetchMethod, max ${MAX}` }),
      asyncHit('p-memoize', (f) => pMemoize(f), { note: 'defaults (Map cache)' }),
      asyncHit('async-cache-dedupe', (f) => {
        const cache: any = createAcd({ ttl: 3600, storage: { type: 'memory', options: { size: MAX } } })
        cache.define('getUser', f)
        return (k: number) => cache.getUser(k)
      }, { note: `memory storage size ${MAX}, ttl 3600 s` }),
      asyncHit('cache-manager wrap', (f) => {
        const cache = createCacheManager()
        return (k: number) => cache.wrap('' + k, () => f(k)) as Promise<User>
      }, { note: "createCache() defaults (Keyv over a Map, unbounded); key '' + k" }),
      asyncHit('cache-manager wrap, CacheableMemory', (f) => {
        const cache = createCacheManager({ stores: [createKeyv({ lruSize: MAX })] })
        return (k: number) => cache.wrap('' + k, () => f(k)) as Promise<User>
      }, { note: `createKeyv({ lruSize: ${MAX} }) (CacheableMemory); key '' + k` }),
      asyncHit('bentocache getOrSet', (f) => {
        const bento = new BentoCache({ default: 'memory', stores: { memory: bentostore().useL1Layer(memoryDriver({ maxItems: MAX })) } })
        bentos.push(bento)
        return (k: number) => bento.getOrSet({ key: '' + k, factory: () => f(k) })
      }, { note: `L1 memoryDriver({ maxItems: ${MAX} }) only; key '' + k`, teardown: () => Promise.all(bentos.map((b) => b.disconnectAll())) }),
      asyncHit('fncache cached(async)', (f) => {
        if (!api) throw new Skip(missing)
        return api.cached(f, { id: fid('getUser') })
      }, { note: 'runtime wrapper, generic key encoder' }),
      // The decorator form against the same function wrapped by cached(), as compiled code calls
      // each (same planned options), both called through a one-line closure: the method call
      // `svc.get(k)` against `get(k)`. Target: the decorated row at >= 0.9x the cached() row.
      asyncHit('fncache compiled cached(fn), get(k)', (f) => {
        if (!api) throw new Skip(missing)
        const get = (api.wrapCompiled ?? api.wrap)(async (k: number) => f(k), { id: fid('getUser'), version: 'bench', compiled: true, async: true, params: ['k'] })
        return Object.assign((k: number) => get(k), { stats: () => get.stats() })
      }, { note: 'wrap(fn, planned options), as the macro emits for cached(fn)' }),
      asyncHit('fncache decorated method hit, svc.get(k)', (f) => {
        const method = (api as { method?: (o: object) => (t: object, k: string, d: PropertyDescriptor) => PropertyDescriptor } | undefined)?.method
        if (!api || !method) throw new Skip(missing || 'runtime/internal.ts does not export method yet')
        class Svc { async get(k: number) { return f(k) } }
        const proto = Svc.prototype as object
        // What TypeScript's experimentalDecorators emit does with the compiled `@method(...)`.
        Object.defineProperty(proto, 'get', method({ id: fid('Svc.prototype.get'), compiled: true, async: true, params: ['k'] })(proto, 'get', Object.getOwnPropertyDescriptor(proto, 'get')!))
        const svc = new Svc()
        return Object.assign((k: number) => svc.get(k), { stats: () => (svc.get as unknown as { stats(): unknown }).stats() })
      }, { note: '@cached() on a class method, as compiled (method(planned options)); one cache shared by instances' }),
    ]
    return [await throughput({
      id: '2', title: 'async hit, 1 number arg, 1,000 keys (sequential awaits)', async: true, body: BODY, data: keys, contenders,
      notes: ['the underlying function is `async (k) => ({ id: k })`; each row is validated to return {id: k} for all 1,000 keys with no underlying call'],
    })]
  },
}
export default scenario
