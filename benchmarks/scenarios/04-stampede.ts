// Scenario 4: stampede. 1,000 concurrent calls of one missing key; the function takes 20 ms.
// Counts underlying calls per contender (fncache must make exactly 1) and the wall time until
// all 1,000 callers have their value. Reference: a hand-written Map memoizer without dedupe.
import { LRUCache } from 'lru-cache'
import memoizee from 'memoizee'
import moize from 'moize'
import pMemoize from 'p-memoize'
import { createCache as createAcd } from 'async-cache-dedupe'
import { createCache as createCacheManager } from 'cache-manager'
import { createKeyv } from 'cacheable'
import { BentoCache, bentostore } from 'bentocache'
import { memoryDriver } from 'bentocache/drivers/memory'
import { type Row, type Scenario, Skip, counter, errText, same } from '../harness.js'
import { fid, loadFncache, useMemory } from '../fncache.js'

const CALLERS = 1_000
const DELAY_MS = 20
const KEY = 42

type User = { id: number }
type Get = (k: number) => Promise<User>
type Make = (f: Get) => Get | Promise<Get>

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

const scenario: Scenario = {
  id: '4',
  title: 'stampede',
  async run() {
    const { api, missing } = await loadFncache()
    if (api) useMemory(api, { max: 10_000, policy: 'lru' })
    const bentos: BentoCache<any>[] = []
    const list: [string, Make, string][] = [
      ['Map, no dedupe', (f) => {
        const m = new Map<number, User>()
        return async (k) => { let v = m.get(k); if (v === undefined) { v = await f(k); m.set(k, v) } return v }
      }, 'hand-written get-or-compute: what a cache without dedupe does'],
      ['lru-cache fetch', (f) => {
        const lru = new LRUCache<number, User>({ max: 10_000, fetchMethod: (k) => f(k) })
        return (k) => lru.fetch(k) as Promise<User>
      }, 'fetchMethod'],
      ['p-memoize', (f) => pMemoize(f), 'defaults'],
      ['async-cache-dedupe', (f) => {
        const cache: any = createAcd({ ttl: 3600, storage: { type: 'memory', options: { size: 10_000 } } })
        cache.define('getUser', f)
        return (k) => cache.getUser(k)
      }, 'memory storage, ttl 3600 s'],
      ['cache-manager wrap', (f) => {
        const cache = createCacheManager()
        return (k) => cache.wrap('' + k, () => f(k)) as Promise<User>
      }, 'createCache() defaults'],
      ['cache-manager wrap, CacheableMemory', (f) => {
        const cache = createCacheManager({ stores: [createKeyv({ lruSize: 10_000 })] })
        return (k) => cache.wrap('' + k, () => f(k)) as Promise<User>
      }, 'createKeyv({ lruSize: 10000 })'],
      ['bentocache getOrSet', (f) => {
        const bento = new BentoCache({ default: 'memory', stores: { memory: bentostore().useL1Layer(memoryDriver({ maxItems: 10_000 })) } })
        bentos.push(bento)
        return (k) => bento.getOrSet({ key: '' + k, factory: () => f(k) })
      }, 'L1 memory driver'],
      ['memoizee', (f) => memoizee(f, { promise: true, primitive: true, max: 10_000 }), 'promise: true'],
      ['moize', (f) => moize(f, { isPromise: true, maxSize: 10_000 }), 'isPromise: true'],
      ['fncache cached(async)', (f) => { if (!api) throw new Skip(missing); return api.cached(f, { id: fid('stampede') }) }, 'defaults (dedupe on)'],
    ]
    const rows: Row[] = []
    for (const [name, make, note] of list) {
      try {
        const u = counter(async (k: number) => { await sleep(DELAY_MS); return { id: k } })
        const fn = await make(u.fn)
        const t0 = performance.now()
        const results = await Promise.all(Array.from({ length: CALLERS }, () => fn(KEY)))
        const ms = performance.now() - t0
        const wrong = results.filter((r) => !same(r, { id: KEY })).length
        if (wrong) throw new Error(`${wrong} of ${CALLERS} callers got a wrong value`)
        const stampedeCalls = u.calls
        // afterwards the key must be a hit
        const again = await fn(KEY)
        if (!same(again, { id: KEY })) throw new Error('wrong value after the stampede')
        rows.push({
          name, reference: name === 'Map, no dedupe', ops: stampedeCalls, note,
          extra: { 'wall ms': Number(ms.toFixed(1)), 'then a hit': u.calls === stampedeCalls ? 'yes' : 'no' },
        })
      } catch (e) {
        rows.push({ name, error: e instanceof Skip ? 'skipped: ' + e.message : errText(e), note })
      }
    }
    await Promise.all(bentos.map((b) => b.disconnectAll()))
    return [{
      id: '4', title: `stampede: ${CALLERS.toLocaleString('en')} concurrent calls of one missing key, ${DELAY_MS} ms function`,
      unit: 'calls', rows,
      notes: ['the "ops" column is the number of underlying calls (1 is the goal); ratio is not meaningful here', 'wall ms: from the first call until all callers resolved'],
    }]
  },
}
export default scenario
