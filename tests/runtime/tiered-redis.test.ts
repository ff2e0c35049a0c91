// tiered({ l1: memory(), l2: redis() }) on a real redis-server, several "processes" (tiered
// instances with their own L1 and bus, as another process has):
// - an invalidation resolves only after every other L1 has dropped the entries (acknowledged bus);
// - a computation whose L2 write was refused (another process invalidated meanwhile) is not kept
//   in this process's L1 either;
// - (plain Redis) a `lock: true` waiter whose holder was overtaken by an invalidation computes afresh.

import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { memory } from '../../runtime/backends/memory.js'
import { redis, tiered, type TieredBackend } from '../../runtime/backends/redis/index.js'
import { cached, configure } from '../../runtime/index.js'
import { writeRecord } from '../../runtime/record.js'
import { fresh, gated } from '../helpers/runtime.js'
import { redisOrSkip, startRedis } from '../helpers/redis-server.js'

if (redisOrSkip('tiered over redis')) {
  const server = await startRedis()
  let n = 0
  const open: TieredBackend[] = []
  const tier = (namespace: string) => {
    const t = tiered({ l1: memory(), l2: redis({ url: server.url, namespace }) })
    open.push(t)
    return t
  }

  const test = suite('tiered over redis')
  test.after.each(async () => { for (const t of open.splice(0)) await t.close() })
  test.after(async () => { await server.stop() })

  test('an invalidation resolves after the other processes\' L1s dropped the entries (acknowledged)', async () => {
    fresh()
    const ns = `ack${n++}`
    const readers = Array.from({ length: 3 }, () => tier(ns))
    const writer = tier(ns)
    await Promise.all([...readers, writer].map((t) => t.ready))
    configure({ backends: Object.fromEntries(readers.map((r, i) => [`r${i}`, r])) })
    // One function per reader "process", each with its own L1.
    const fns = readers.map((_, i) => cached(async (id: string) => `${i}:${id}`, { id: `acc${i}`, backend: `r${i}`, tags: (_r: string, id: string) => [`user:${id}`] }))
    const load = async () => { for (const f of fns) await f('1'); for (const f of fns) assert.is(await f.peek('1'), `${fns.indexOf(f)}:1`, 'in L1') }
    for (let round = 0; round < 10; round++) {
      await load()
      await writer.invalidateTags(['user:1'], { at: 1 })
      // Resolved: no reader may still hold it, whatever the pub/sub delivery order.
      for (const [i, f] of fns.entries()) assert.is(await f.peek('1'), undefined, `tags, round ${round}, reader ${i}`)
      await load()
      await writer.invalidatePrefix(['acc'], { at: 1 })
      for (const [i, f] of fns.entries()) assert.is(await f.peek('1'), undefined, `prefix, round ${round}, reader ${i}`)
      await load()
      for (const f of fns) await writer.delete(f.key('1'), { at: 1 })
      for (const [i, f] of fns.entries()) assert.is(await f.peek('1'), undefined, `key, round ${round}, reader ${i}`)
    }
  })

  test('a write L2 refused is not kept in L1; callers who joined start afresh', async () => {
    const clock = fresh()
    const ns = `ref${n++}`
    const here = tier(ns)
    const there = tier(ns)
    await Promise.all([here.ready, there.ready])
    configure({ backends: { t: here } })
    const { s, get: f } = gated({ id: 'tiered-refused', backend: 't', tags: (_r: string, id: string) => [`user:${id}`] })
    const first = f('1')
    for (let i = 0; i < 500 && s.n === 0; i++) await new Promise((r) => setTimeout(r, 10))
    assert.is(s.n, 1)
    s.db = 'v2'
    // Another process invalidates through its own tiered backend (stamp in Redis + bus).
    await there.invalidateTags(['user:1'], { at: clock.now() })
    clock.advance(1)
    const joined = f('1')
    s.release()
    assert.is(await first, '1=v1')
    assert.is(await joined, '1=v2')
    assert.is(s.n, 2)
    assert.is(await f('1'), '1=v2', 'served from L1: the fresh value, never the refused one')
    assert.is(s.n, 2)
  })

  test('lock: true: a waiter whose holder (another process) was overtaken by a key invalidation computes afresh', async () => {
    const clock = fresh()
    const ns = `lock${n++}`
    const here = redis({ url: server.url, namespace: ns, lock: { leaseMs: 5_000, waitMs: 5_000 } })
    const there = redis({ url: server.url, namespace: ns, lock: true })
    configure({ backends: { l: here } })
    let runs = 0
    const f = cached(async (id: string) => { runs++; return `${id}=v2` }, { id: 'locked', backend: 'l' })
    const sk = f.key('1')
    // The other process holds the lease and computes v1 from before the invalidation.
    const lease = await there.acquire!(sk, 5_000)
    assert.ok(lease)
    const since = clock.now()
    const waiting = f('1')
    await new Promise((r) => setTimeout(r, 50))
    assert.is(runs, 0, 'this process waits for the holder')
    // The update, then the key's invalidation (another process: a stamped delete).
    clock.advance(1)
    await there.delete(sk, { at: clock.now() })
    clock.advance(1)
    const old = writeRecord({ key: sk, version: '', created: since, fresh: Infinity, stale: Infinity, tags: [], value: '1=v1' })!
    assert.is(await there.set(sk, old, { since }), false, 'the holder\'s late write is refused')
    await lease!.release()
    assert.is(await waiting, '1=v2', 'the waiter computes afresh instead of serving v1')
    assert.is(runs, 1)
    assert.is(await f('1'), '1=v2')
    assert.is(runs, 1)
    await here.close()
    await there.close()
  })

  test.run()
}
