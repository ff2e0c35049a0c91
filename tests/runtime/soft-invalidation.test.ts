// Soft invalidation on every backend: `invalidateTags(tags, { soft: true })` and
// `invalidatePrefix(prefixes, { soft: true })` make entries stale at once; callers inside the
// function's staleWhileRevalidate window get the stale value while one refresh per key runs;
// without a window, soft is hard. Judged by counts: computations per key, metrics, and how many
// calls settled while every refresh was held at a gate (a call still pending then waits on a
// computation). The clock is injected and never advances.

import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import type { Backend } from '../../runtime/backends/backend.js'
import { file } from '../../runtime/backends/file/index.js'
import { redis, tiered } from '../../runtime/backends/redis/index.js'
import { cached, configure, invalidatePrefix, invalidateTags, memory } from '../../runtime/index.js'
import { fresh, gated } from '../helpers/runtime.js'
import { Cluster } from 'ioredis'
import { redisOrSkip, startCluster, startRedis } from '../helpers/redis-server.js'

const test = suite('soft invalidation')
const cleanups: (() => Promise<void>)[] = []
test.after(async () => { for (const c of cleanups.reverse()) await c() })

/** A backend under test: `make(i)` gives the i-th "process"'s instance of one shared store. */
type Maker = { name: string; make(): Promise<{ one(): Backend; close(): Promise<void> }> }
const makers: Maker[] = []
let redisUrl: string | undefined

makers.push({ name: 'memory', make: async () => ({ one: () => memory({ max: 100_000 }), close: async () => {} }) })
makers.push({
  name: 'file',
  make: async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fncache-soft-'))
    const made: Backend[] = []
    return {
      one: () => { const b = file({ dir, pruneInterval: 0 }); made.push(b); return b },
      close: async () => { for (const b of made) await b.close(); rmSync(dir, { recursive: true, force: true }) },
    }
  },
})
if (process.env.SOFT_ONLY_MEMORY !== '1' && redisOrSkip('soft invalidation')) {
  const server = await startRedis()
  cleanups.push(() => server.stop())
  redisUrl = server.url
  let n = 0
  for (const kind of ['redis', 'tiered'] as const) {
    makers.push({
      name: kind,
      make: async () => {
        const namespace = `soft${n++}`
        const made: Backend[] = []
        return {
          one: () => {
            const l2 = redis({ url: server.url, namespace, lock: true })
            const b = kind === 'redis' ? l2 : tiered({ l1: memory({ max: 100_000 }), l2 })
            made.push(b)
            return b
          },
          close: async () => { for (const b of made) await b.close() },
        }
      },
    })
  }
  // Cluster: stamps per master, one mark script per entry (routed to its slot). Not the 1,000-key
  // load (the same code as a single server, per entry), the semantics.
  const cluster = await startCluster()
  const clients: Cluster[] = []
  cleanups.push(async () => { for (const c of clients) await c.quit().catch(() => {}); await cluster.stop() })
  makers.push({
    name: 'redis cluster',
    make: async () => {
      const namespace = `csoft${n++}`
      return {
        one: () => {
          const c = new Cluster(cluster.startup, { redisOptions: { commandTimeout: 10_000 } })
          clients.push(c)
          return redis({ client: c, namespace, lock: true })
        },
        close: async () => {},
      }
    },
  })
}

const tick = () => new Promise<void>((r) => setImmediate(r))

/** Lets replies to commands already sent arrive: one more read answers after them (per connection), then a few turns. */
async function settle(b: Backend): Promise<void> {
  for (let i = 0; i < 3; i++) {
    await tick()
    await b.get('settle-probe').catch(() => {})
  }
  for (let i = 0; i < 5; i++) await tick()
}

const IDS = Array.from({ length: 1_000 }, (_, i) => String(i))
const READERS = 64

/**
 * A hot function over `ids`: each computation reads `db.version` when it starts and, while `gate`
 * is set, waits for it. `runs` counts computations per id.
 */
function hot(backend: string, options: Record<string, unknown>, id = 'soft-hot') {
  const s = { version: 1, runs: new Map<string, number>(), gate: null as Promise<void> | null, open: () => {}, computing: [] as Promise<void>[] }
  const get = cached(async (key: string) => {
    s.runs.set(key, (s.runs.get(key) ?? 0) + 1)
    const v = s.version
    if (s.gate !== null) {
      const g = s.gate
      s.computing.push(g)
      await g
    }
    return `${key}=v${v}`
  }, { id, backend, ttl: '1h', tags: ['hot', 'item:{key}'], ...options } as never) as ((key: string) => Promise<string>) & { stats(): { hits: number; misses: number; staleHits: number; dedupedCalls: number } }
  const close = () => {
    s.gate = new Promise<void>((r) => { s.open = r })
  }
  return { s, get, close }
}

/** 64 readers, each reading every id once from its own offset, without waiting on any call; resolves with the calls. */
async function readAll(get: (k: string) => Promise<string>): Promise<{ p: Promise<string>; done: boolean; v?: string }[]> {
  const calls: { p: Promise<string>; done: boolean; v?: string }[] = []
  await Promise.all(Array.from({ length: READERS }, async (_, r) => {
    for (let i = 0; i < IDS.length; i++) {
      const c = { p: get(IDS[(i + r * 16) % IDS.length]!), done: false } as { p: Promise<string>; done: boolean; v?: string }
      c.p.then((v) => { c.done = true; c.v = v }, () => { c.done = true })
      calls.push(c)
      if (i % 50 === 49) await tick()
    }
  }))
  return calls
}

for (const m of makers) {
  for (const how of m.name === 'redis cluster' ? [] : ['tag', 'prefix'] as const) {
    test(`${m.name}: soft ${how} invalidation of 1,000 hot entries under ${READERS} readers: stale served at once, one refresh per key`, async () => {
      fresh()
      const store = await m.make()
      try {
        const b = store.one()
        configure({ backends: { s: b } })
        const { s, get, close } = hot('s', { staleWhileRevalidate: '1h' })
        await Promise.all(IDS.map((k) => get(k)))
        assert.is(s.runs.size, 1_000)
        s.runs.clear()
        s.version = 2
        close()
        const before = get.stats()
        const n = how === 'tag' ? await invalidateTags('hot', { soft: true }) : await invalidatePrefix('soft-hot:', { soft: true })
        if (m.name !== 'file' || how === 'tag') assert.ok(n >= 1_000, `covered ${n}`)
        const calls = await readAll(get)
        await settle(b)
        const pending = calls.filter((c) => !c.done).length
        assert.is(pending, 0, 'no caller waits on a computation inside the window')
        assert.ok(calls.every((c) => c.v!.endsWith('=v1')), 'every caller got the stale value')
        const during = get.stats()
        assert.is(during.misses - before.misses, 0, 'no misses')
        // On byte backends, concurrent callers of one key share its read (counted as deduped): one
        // read of the stale record, never a computation (every computation is held at the gate).
        assert.is(during.staleHits - before.staleHits + during.dedupedCalls - before.dedupedCalls, READERS * IDS.length)
        if (m.name === 'memory' || m.name === 'tiered') assert.is(during.dedupedCalls - before.dedupedCalls, 0)
        assert.is(s.runs.size, 1_000, 'every key is being refreshed')
        assert.ok([...s.runs.values()].every((x) => x === 1), 'one refresh per key')
        // Let the refreshes finish and land: then every key is fresh again, with no further computation.
        s.gate = null
        s.open()
        await Promise.all(s.computing)
        await settle(b)
        const after = await Promise.all(IDS.map((k) => get(k)))
        assert.ok(after.every((v) => v.endsWith('=v2')), 'the refreshed values are served')
        assert.ok([...s.runs.values()].every((x) => x === 1), 'still one computation per key')
      } finally {
        await store.close()
      }
    })
  }

  test(`${m.name}: without a stale window, soft is hard (callers wait for the new value)`, async () => {
    fresh()
    const store = await m.make()
    try {
      configure({ backends: { s: store.one() } })
      const { s, get } = hot('s', {}, 'soft-nowindow')
      assert.is(await get('1'), '1=v1')
      s.version = 2
      await invalidateTags('item:1', { soft: true })
      assert.is(await get('1'), '1=v2')
      assert.is(s.runs.get('1'), 2)
    } finally {
      await store.close()
    }
  })

  test(`${m.name}: a computation in flight across a soft invalidation is stored stale, and the next reader refreshes`, async () => {
    fresh()
    const store = await m.make()
    try {
      configure({ backends: { s: store.one() } })
      const { s, get } = gated({ id: 'soft-inflight', backend: 's', ttl: '1h', staleWhileRevalidate: '1h', tags: ['user:{id}'] })
      const a = get('1')
      for (let i = 0; i < 100 && s.n < 1; i++) await new Promise((r) => setTimeout(r, 1))
      assert.is(s.n, 1)
      s.db = 'v2'
      await invalidateTags('user:1', { soft: true })
      const joined = get('1')
      s.release()
      assert.is(await a, '1=v1')
      assert.is(await joined, '1=v1', 'a caller after the soft invalidation may share the call in flight')
      assert.is(s.n, 1)
      // Stored stale: served at once, and one refresh brings the new value.
      assert.is(await get('1'), '1=v1')
      for (let i = 0; i < 20 && s.n < 2; i++) await new Promise((r) => setTimeout(r, 5))
      assert.is(s.n, 2, 'one refresh')
      let v = ''
      for (let i = 0; i < 50 && v !== '1=v2'; i++) { await new Promise((r) => setTimeout(r, 5)); v = await get('1') }
      assert.is(v, '1=v2')
      assert.is(s.n, 2)
    } finally {
      await store.close()
    }
  })

  test(`${m.name}: a hard invalidation after a soft one still removes (read-your-writes)`, async () => {
    fresh()
    const store = await m.make()
    try {
      configure({ backends: { s: store.one() } })
      const { s, get } = hot('s', { staleWhileRevalidate: '1h' }, 'soft-then-hard')
      assert.is(await get('1'), '1=v1')
      s.version = 2
      await invalidateTags('hot', { soft: true })
      s.version = 3
      await invalidateTags('hot')
      assert.is(await get('1'), '1=v3', 'nothing stale after a hard invalidation')
      assert.is(s.runs.get('1'), 2)
    } finally {
      await store.close()
    }
  })
}

if (redisUrl !== undefined) {
  test('redis with lock, two processes: one refresh per key across both, and both serve stale meanwhile', async () => {
    fresh()
    const namespace = 'soft-lock'
    // Two backends on one namespace, two functions with one key prefix: two processes as far as Redis can tell.
    const a = redis({ url: redisUrl!, namespace, lock: true })
    const b = redis({ url: redisUrl!, namespace, lock: true })
    try {
      configure({ backends: { a, b } })
      const pa = hot('a', { staleWhileRevalidate: '1h', prefix: 'soft-lock:' }, 'soft-lock-a')
      const pb = hot('b', { staleWhileRevalidate: '1h', prefix: 'soft-lock:' }, 'soft-lock-b')
      const ids = IDS.slice(0, 100)
      await Promise.all(ids.map((k) => pa.get(k)))
      assert.is(await pb.get('1'), '1=v1', 'b reads what a stored')
      assert.is(pb.s.runs.size, 0)
      pa.s.runs.clear()
      pa.s.version = pb.s.version = 2
      pa.close()
      pb.close()
      await invalidateTags('hot', { soft: true })
      const [ra, rb] = await Promise.all([Promise.all(ids.map((k) => pa.get(k))), Promise.all(ids.map((k) => pb.get(k)))])
      assert.ok([...ra, ...rb].every((v) => v.endsWith('=v1')), 'both served stale at once')
      // Every refresh has either taken its lease (and waits at the gate) or found it held and stopped.
      for (let i = 0; i < 400; i++) {
        let started = 0
        for (const k of ids) started += (pa.s.runs.get(k) ?? 0) + (pb.s.runs.get(k) ?? 0)
        if (started === ids.length) break
        await new Promise((r) => setTimeout(r, 5))
      }
      await settle(a)
      await settle(b)
      for (const k of ids) assert.is((pa.s.runs.get(k) ?? 0) + (pb.s.runs.get(k) ?? 0), 1, `one refresh of ${k} across both`)
      pa.s.gate = pb.s.gate = null
      pa.s.open()
      pb.s.open()
      await Promise.all([...pa.s.computing, ...pb.s.computing])
    } finally {
      await a.close()
      await b.close()
    }
  })
}

test('bad options name the function, the option and the fix', async () => {
  fresh()
  const message = (p: Promise<unknown>) => p.then(() => 'resolved', (e: Error) => e.message)
  assert.match(await message(invalidateTags('x', { sfot: true } as never)), /invalidateTags\(\) has no option "sfot"; the only option is soft/)
  assert.match(await message(invalidatePrefix('x', { soft: 'yes' } as never)), /invalidatePrefix\(\) option soft must be true or false; received "yes"/)
  assert.match(await message(invalidateTags('x', true as never)), /invalidateTags\(\) expects its second argument to be an options object such as \{ soft: true \}/)
})

test.run()
