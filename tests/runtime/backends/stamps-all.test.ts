// Stamps everywhere: on the file backend, a single Redis and a Redis Cluster, a write of a value
// whose computation started at or before an invalidation (tag, prefix, key, clear) is refused and
// reported (set resolves false); later computations are stored. On Cluster the stamps must be
// read on the node that holds the entry, for keys spread over every master.
// Then through the runtime: a computation overtaken by another process's invalidation is
// returned to its own caller, but callers who joined it start afresh.

import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { Cluster } from 'ioredis'
import type { Backend } from '../../../runtime/backends/backend.js'
import { file } from '../../../runtime/backends/file/index.js'
import { redis } from '../../../runtime/backends/redis/index.js'
import { keySlot } from '../../../runtime/backends/redis/slot.js'
import { cached, configure } from '../../../runtime/index.js'
import { fresh, gated } from '../../helpers/runtime.js'
import { redisOrSkip, startCluster, startRedis } from '../../helpers/redis-server.js'

const bytes = (s: string) => new TextEncoder().encode(s)
const text = (b: Uint8Array | undefined) => (b === undefined ? undefined : new TextDecoder().decode(b))

type Pair = { a: Backend; b: Backend; close(): Promise<void> }
const makers: [string, () => Promise<Pair>][] = []
const cleanups: (() => Promise<void>)[] = []

makers.push(['file', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'fncache-stamps-'))
  // Two instances on one directory: two processes as far as the backend can tell.
  const a = file({ dir, pruneInterval: 0 })
  const b = file({ dir, pruneInterval: 0 })
  return { a, b, close: async () => { await a.close(); await b.close(); rmSync(dir, { recursive: true, force: true }) } }
}])

const hasRedis = redisOrSkip('stamps on redis')
if (hasRedis) {
  const server = await startRedis()
  cleanups.push(() => server.stop())
  let n = 0
  makers.push(['redis', async () => {
    const namespace = `st${n++}`
    const a = redis({ url: server.url, namespace })
    const b = redis({ url: server.url, namespace })
    return { a, b, close: async () => { await a.close(); await b.close() } }
  }])
  const cluster = await startCluster()
  const clients: Cluster[] = []
  cleanups.push(async () => { for (const c of clients) await c.quit().catch(() => {}); await cluster.stop() })
  makers.push(['redis cluster', async () => {
    const namespace = `cst${n++}`
    const ca = new Cluster(cluster.startup, { redisOptions: { commandTimeout: 10_000 } })
    const cb = new Cluster(cluster.startup, { redisOptions: { commandTimeout: 10_000 } })
    clients.push(ca, cb)
    return { a: redis({ client: ca, namespace }), b: redis({ client: cb, namespace }), close: async () => {} }
  }])
}

const test = suite('stamps on every backend')
test.after(async () => { for (const c of cleanups) await c() })

// Keys spread over slots (on Cluster: over every master).
const KEYS = Array.from({ length: 12 }, (_, i) => `f:${i}`)

for (const [name, make] of makers) {
  test(`${name}: tag, prefix, key and clear stamps refuse older computations, report it, and keep newer ones`, async () => {
    const { a, b, close } = await make()
    try {
      if (name === 'redis cluster') assert.ok(new Set(KEYS.map((k) => keySlot(k))).size > 6)
      // Tag
      await b.invalidateTags(['t1'], { at: 1_000 })
      assert.is(await a.set('f:tag-old', bytes('x'), { tags: ['t1'], since: 1_000 }), false)
      assert.is(await a.set('f:tag-new', bytes('y'), { tags: ['t1'], since: 1_001 }), true)
      assert.is(text(await a.get('f:tag-old')), undefined)
      assert.is(text(await a.get('f:tag-new')), 'y')
      // Prefix, for keys on every node
      await b.invalidatePrefix(['f:'], { at: 2_000 })
      for (const k of KEYS) assert.is(await a.set(k, bytes('old'), { since: 1_999 }), false, `${k} refused`)
      for (const k of KEYS) assert.is(await a.get(k), undefined)
      assert.is(await a.set('g:1', bytes('other prefix'), { since: 1_999 }), true, 'another prefix is stored')
      for (const k of KEYS) assert.is(await a.set(k, bytes('new'), { since: 2_001 }), true)
      for (const k of KEYS) assert.is(text(await a.get(k)), 'new')
      // Key
      for (const k of KEYS) assert.is(await b.delete(k, { at: 3_000 }), true)
      for (const k of KEYS) assert.is(await a.set(k, bytes('old'), { since: 2_500 }), false)
      assert.is(await a.set('f:10x', bytes('z'), { since: 2_500 }), true, 'a key stamp is not a prefix stamp')
      for (const k of KEYS) assert.is(await a.get(k), undefined)
      // Clear
      await b.clear({ at: 4_000 })
      assert.is(await a.set('h:1', bytes('old'), { since: 3_999 }), false)
      assert.is(await a.set('h:1', bytes('new'), { since: 4_001 }), true)
      assert.is(text(await a.get('h:1')), 'new')
      // Writes without a start time are not checked (backends used directly).
      assert.is(await a.set('f:plain', bytes('p')) !== false, true)
    } finally {
      await close()
    }
  })

  test(`${name}: through the runtime, callers who joined a computation that another process's invalidation overtook start afresh`, async () => {
    const clock = fresh()
    const { a, b, close } = await make()
    try {
      configure({ backends: { shared: a } })
      const { s, get: f } = gated({ id: 'joined', backend: 'shared', tags: (_r: string, id: string) => [`user:${id}`] })
      const first = f('1')
      for (const end = Date.now() + 30_000; s.n === 0 && Date.now() < end;) await new Promise((r) => setTimeout(r, 10))
      assert.is(s.n, 1, 'the computation is running')
      s.db = 'v2'
      // "Another process" (the other backend instance) invalidates: this process hears nothing.
      // Clocks agree (the one assumption); time moves on after the invalidation.
      await b.invalidateTags(['user:1'], { at: clock.now() })
      clock.advance(1)
      const joined = f('1')
      s.release()
      assert.is(await first, '1=v1', 'its own caller gets its result')
      assert.is(await joined, '1=v2', 'a joiner starts afresh once the write was refused')
      assert.is(s.n, 2)
      assert.is(await f('1'), '1=v2')
      assert.is(s.n, 2, 'and the fresh value was stored')
    } finally {
      await close()
    }
  })
}

test.run()
