// Scenario 10: the Redis backend against a local redis-server (started here on a free loopback
// port, or REDIS_URL). Reference: raw ioredis GET + cbor-x decode, sequential (one connection,
// no auto-pipelining). Tables:
//   10a sequential hits, 1,000 keys;  10b 64 hits in flight (Promise.all of 64);
//   10c tag invalidation: 1,000 of 100,000 entries, SLOWLOG maximum, reads of other entries after/before.
// Peers: async-cache-dedupe (redis storage), bentocache (L2 redis driver only). cache-manager with
// @keyv/redis is not installed in benchmarks/ (no row).
import { Redis } from 'ioredis'
import { encode, decode } from 'cbor-x'
import { createCache as createAcd } from 'async-cache-dedupe'
import { BentoCache, bentostore } from 'bentocache'
import { redisDriver } from 'bentocache/drivers/redis'
import { type Contender, type Row, type Scenario, Skip, check, counter, same, throughput, median } from '../harness.js'
import { fid, loadFncache } from '../fncache.js'
import { startRedis } from '../../tests/helpers/redis-server.js'

const KEYS = 1_000
type User = { id: number }
type Get = (k: number) => Promise<User>

const SEQ = `
const len = data.length
let s = 0, j = st.j
for (let i = 0; i < n; i++) { s += (await fn(data[j])).id; if (++j === len) j = 0 }
st.j = j
return s`

const INFLIGHT = `
const len = data.length
let s = 0, j = st.j
const batch = new Array(64)
for (let i = 0; i < n; i += 64) {
  for (let b = 0; b < 64; b++) { batch[b] = fn(data[j]); if (++j === len) j = 0 }
  const r = await Promise.all(batch)
  for (let b = 0; b < 64; b++) s += r[b].id
}
st.j = j
return s`

const scenario: Scenario = {
  id: '10',
  title: 'redis',
  async run() {
    const server = process.env.REDIS_URL ? undefined : await startRedis()
    const url = process.env.REDIS_URL ?? server!.url
    const { api, missing } = await loadFncache()
    const redisMod: any = api ? await import('../../runtime/backends/redis/index.js') : undefined
    const closers: (() => unknown)[] = []
    const client = (auto: boolean) => { const c = new Redis(url, { enableAutoPipelining: auto }); closers.push(() => c.quit()); return c }
    const keys = Array.from({ length: KEYS }, (_, i) => (i * 613) % KEYS)

    const hit = (name: string, make: (f: (k: number) => Promise<User>) => Promise<Get> | Get, note: string, reference = false): Contender<Get> => {
      let u: ReturnType<typeof counter<[number], Promise<User>>>
      return {
        name, note, reference, expectCalls: 'none', calls: () => u.calls,
        async setup() {
          u = counter(async (k: number) => ({ id: k }))
          const fn = await make(u.fn)
          for (let k = 0; k < KEYS; k++) await fn(k)
          return fn
        },
        async validate(fn) {
          const before = u.calls
          for (let k = 0; k < KEYS; k++) check(same(await fn(k), { id: k }), `wrong result for ${k}`)
          check(u.calls === before, `${u.calls - before} of ${KEYS} reads were misses`)
        },
      }
    }
    const raw = (auto: boolean) => async (f: (k: number) => Promise<User>) => {
      const c = client(auto)
      const ns = `raw${auto ? 'a' : ''}:`
      for (let k = 0; k < KEYS; k++) await c.set(ns + k, encode(await f(k)))
      return async (k: number) => decode((await c.getBuffer(ns + k))!) as User
    }
    const contenders = (): Contender[] => [
      hit('raw ioredis GET + cbor-x decode', raw(false), 'one connection, no auto-pipelining', true),
      hit('raw ioredis, auto-pipelining', raw(true), 'enableAutoPipelining: true'),
      hit('fncache redis()', (f) => {
        if (!api) throw new Skip(missing)
        api.configure({ backends: { default: redisMod.redis({ url, namespace: 'bench' + Math.random().toString(36).slice(2, 8) }) } })
        return api.cached(f, { id: fid('getUser'), ttl: 3_600_000 })
      }, 'redis({ url }): auto-pipelining, 1 s command timeout'),
      hit('async-cache-dedupe', (f) => {
        const cache: any = createAcd({ ttl: 3600, storage: { type: 'redis', options: { client: client(false) } } })
        cache.define('getUser', f)
        return (k: number) => cache.getUser(k)
      }, 'redis storage, ttl 3600 s'),
      hit('bentocache (L2 only)', (f) => {
        const bento = new BentoCache({ default: 'r', stores: { r: bentostore().useL2Layer(redisDriver({ connection: client(false) })) } })
        closers.push(() => bento.disconnectAll())
        return (k: number) => bento.getOrSet({ key: 'u' + k, factory: () => f(k), ttl: '1h' })
      }, 'bentostore().useL2Layer(redisDriver)'),
    ]
    try {
      const results = [
        await throughput({ id: '10a', title: 'redis hit, sequential awaits, 1,000 keys', async: true, body: SEQ, data: keys, contenders: contenders() }),
        await throughput({ id: '10b', title: 'redis hit, 64 in flight (Promise.all), 1,000 keys', async: true, body: INFLIGHT, data: keys, contenders: contenders() }),
      ]
      if (api) results.push(await tagInvalidation(api, redisMod, url))
      return results
    } finally {
      for (const c of closers) { try { await c() } catch {} }
      await server?.stop()
    }
  },
}

/** 10c: 100,000 entries through the runtime, 1,000 tagged `hot`; invalidate the tag. */
async function tagInvalidation(api: any, redisMod: any, url: string) {
  const N = 100_000
  const HOT = 1_000
  const admin = new Redis(url)
  const namespace = 'benchtag' + Math.random().toString(36).slice(2, 8)
  const backend = redisMod.redis({ url, namespace })
  api.configure({ backends: { default: backend } })
  let calls = 0
  const f = api.cached(async (n: number) => { calls++; return { n } }, { id: fid('tagged'), ttl: 3_600_000, tags: (_: unknown, n: number) => (n < HOT ? ['hot'] : [`g${n % 10}`]) })
  for (let i = 0; i < N; i += 2_000) {
    const batch = []
    for (let n = i; n < i + 2_000; n++) batch.push(f(n))
    await Promise.all(batch)
  }
  check(calls === N, `fill made ${calls} calls`)
  const reads = async () => {
    const t0 = performance.now()
    for (let i = 0; i < 4_000; i++) await f(HOT + ((i * 7919) % (N - HOT)))
    return 4_000 / ((performance.now() - t0) / 1000)
  }
  const rows: Row[] = []
  const times: number[] = []
  const worst: number[] = []
  const ratios: number[] = []
  for (let round = 0; round < 5; round++) {
    await reads()
    const before = median([await reads(), await reads(), await reads()])
    await admin.config('SET', 'slowlog-log-slower-than', '0')
    await admin.slowlog('RESET')
    const t0 = performance.now()
    await api.invalidateTags(['hot'])
    times.push(performance.now() - t0)
    const log = (await admin.slowlog('GET', 10_000)) as [number, number, number, string[]][]
    await admin.config('SET', 'slowlog-log-slower-than', '10000')
    worst.push(Math.max(0, ...log.filter((e) => String(e[3][0]).toLowerCase() !== 'slowlog').map((e) => e[2])) / 1000)
    const callsBefore = calls
    const after = median([await reads(), await reads(), await reads()])
    check(calls === callsBefore, 'reads of other entries stayed hits')
    ratios.push(before / after)
    for (let n = 0; n < HOT; n++) await f(n) // refill the hot entries
    check(calls === callsBefore + HOT, `after the invalidation, ${calls - callsBefore} of ${HOT} hot keys missed`)
  }
  rows.push({ name: 'fncache redis(): invalidateTags(["hot"])', ops: median(times), extra: { 'first ms': times[0]!.toFixed(2), 'slowest cmd ms': Math.max(...worst).toFixed(2), 'reads before/after': median(ratios).toFixed(2) } })
  await backend.clear()
  await admin.quit()
  return { id: '10c', title: 'redis tag invalidation, 1,000 of 100,000 entries (median of 5; ms)', unit: 'ms', rows, notes: ['slowest cmd: SLOWLOG maximum during the invalidation; reads before/after: ops/s of 4,000 sequential reads of other entries before vs right after (target <= 1.2)'] }
}
export default scenario
