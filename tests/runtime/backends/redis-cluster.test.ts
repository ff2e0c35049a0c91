// The Redis backend on a real local 3-master Redis Cluster that this test starts: the shared
// contract, and tag/prefix invalidation over keys spread across every node.

import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { Cluster } from 'ioredis'
import { redis } from '../../../runtime/backends/redis/index.js'
import { keySlot } from '../../../runtime/backends/redis/slot.js'
import { backendSuite } from './suite.js'
import { redisOrSkip, startCluster } from '../../helpers/redis-server.js'

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))
const bytes = (s: string) => new TextEncoder().encode(s)
const text = (b: Uint8Array | undefined) => (b === undefined ? undefined : new TextDecoder().decode(b))

if (redisOrSkip('redis cluster backend')) {
  const cluster = await startCluster()
  // 10 s: the tests are not about timeouts, and a stall of the loaded machine can outrun 2 s.
  const client = new Cluster(cluster.startup, { enableAutoPipelining: true, redisOptions: { commandTimeout: 10_000 } })
  let n = 0
  const ns = () => `c${process.pid}-${n++}`

  backendSuite('redis cluster', () => ({ backend: redis({ client, namespace: ns() }), advance: (ms) => sleep(ms) }),
    // A Cluster stamps too: one stamp set per master, read by the conditional set on the entry's own node.
    { counters: ['errors'], entries: 'none', expirations: false, stamps: true })

  // ---

  const spread = suite('redis cluster: keys on every node')
  spread.after(async () => {
    await client.quit()
    await cluster.stop()
  })

  spread('tag invalidation reaches entries on all three masters, and only those still tagged', async () => {
    const b = redis({ client, namespace: ns() })
    const keys = Array.from({ length: 300 }, (_, i) => `f:${i}`)
    await Promise.all(keys.map((k, i) => b.set(k, bytes(k), { ttl: 60_000, tags: i % 3 === 0 ? ['hot'] : ['cold'] })))
    const nodes = new Set(keys.map((k) => client.slots[keySlot(b.entryKey(k))]![0]))
    assert.is(nodes.size, 3, 'the entries live on every master')
    await b.set('f:0', bytes('again'), { tags: ['cold'] })
    assert.is(await b.invalidateTags(['hot']), 99)
    for (const [i, k] of keys.entries()) {
      const v = text(await b.get(k))
      if (i === 0) assert.is(v, 'again')
      else assert.is(v, i % 3 === 0 ? undefined : k, k)
    }
    assert.is(await client.exists(b.tagKey('hot')), 0)
    await b.close()
  })

  spread('prefix invalidation scans every master; clear() empties the namespace', async () => {
    const b = redis({ client, namespace: ns() })
    await Promise.all(Array.from({ length: 200 }, (_, i) => b.set(`p*:${i}`, bytes('x'), { tags: ['t'] })))
    await Promise.all(Array.from({ length: 50 }, (_, i) => b.set(`q:${i}`, bytes('y'))))
    assert.is(await b.invalidatePrefix(['p*:']), 200)
    assert.is(text(await b.get('q:7')), 'y')
    await b.clear()
    assert.is(await b.get('q:7'), undefined)
    await b.close()
  })

  spread('the lease and the bus work through a cluster client', async () => {
    const b = redis({ client, namespace: ns(), lock: true })
    const lease = await b.acquire!('k', 5_000)
    assert.ok(lease)
    assert.is(await b.acquire!('k', 5_000), undefined)
    await lease!.release()
    const again = await b.acquire!('k', 5_000)
    assert.ok(again)
    await again!.release()
    const bus = b.createBus()
    const got: unknown[] = []
    await bus.subscribe((m) => got.push(m))
    await bus.publish({ origin: 'me', op: 'tags', tags: ['a'] })
    // Delivery by a real server: polled until it arrives, bounded generously for a loaded machine.
    for (const end = Date.now() + 30_000; got.length === 0 && Date.now() < end;) await sleep(10)
    assert.equal(got, [{ origin: 'me', op: 'tags', tags: ['a'] }])
    await bus.close()
    await b.close()
  })
  spread.run()
}
