// Tiered L1 fills from L2 reads, racing an invalidation (issue 11's read-your-writes guarantee;
// the soak's one tiered "late write"). An L1 miss reads L2; when that read was answered before an
// invalidation removed the entry from L2, the caller may return the old value (its call started
// before the invalidation resolved), but the old value must not be kept in L1, or every later call
// in this process serves it after the invalidation resolved (until its TTL).
// - this process invalidates: its L1 drop ran before the L2 removal, so a read answered in between
//   refilled L1 (read sent just before the invalidation, or just after it started);
// - another process invalidates, and this process applies the bus message before it handles the
//   reply of a read answered before the removal (two connections: no order between them).
// Forced by the order of commands on one connection, and by holding one read's reply; no timing.

import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { memory } from '../../runtime/backends/memory.js'
import { redis, tiered, type TieredBackend } from '../../runtime/backends/redis/index.js'
import { cached, configure, invalidateTags } from '../../runtime/index.js'
import { fresh } from '../helpers/runtime.js'
import { redisOrSkip, startRedis } from '../helpers/redis-server.js'

if (redisOrSkip('tiered L1 fills')) {
  const server = await startRedis()
  let n = 0
  const open: TieredBackend[] = []
  const tier = (namespace: string) => {
    const t = tiered({ l1: memory(), l2: redis({ url: server.url, namespace }) })
    open.push(t)
    return t
  }

  /** One "process" with a tagged function over its tiered backend; v1 is in L2 only (this L1 lost its copy). */
  async function setup(id: string) {
    const clock = fresh()
    const ns = `fill${n++}`
    const here = tier(ns)
    const there = tier(ns)
    await Promise.all([here.ready, there.ready])
    configure({ backends: { t: here } })
    const s = { db: 'v1', runs: 0 }
    const f = cached(async (key: string) => { s.runs++; return `${key}=${s.db}` }, { id, backend: 't', tags: (_r: string, key: string) => [`user:${key}`] })
    assert.is(await f('1'), '1=v1')
    // As after an eviction or another process's write notice: the next call reads L2.
    here.l1.clearSync()
    s.db = 'v2'
    clock.advance(1)
    return { clock, here, there, f, s }
  }

  const test = suite('tiered L1 fills vs invalidations')
  test.after.each(async () => { for (const t of open.splice(0)) await t.close() })
  test.after(async () => { await server.stop() })

  test('this process invalidates while an L1 miss reads L2 (read sent first): the old value is not kept in L1', async () => {
    const { f, s } = await setup('fill-before')
    const read = f('1') // its GET leaves now, before the invalidation's commands (one connection: answered first)
    const inv = invalidateTags(['user:1'])
    assert.is(await read, '1=v1', 'started before the invalidation resolved: the old value is allowed')
    await inv
    assert.is(await f('1'), '1=v2', 'after the invalidation resolved: never the old value')
    assert.is(s.runs, 2)
  })

  test('this process invalidates, then an L1 miss reads L2 before the removal reached it: not kept in L1', async () => {
    const { f, s } = await setup('fill-after')
    const inv = invalidateTags(['user:1']) // L1 dropped now; the stamp and the removal leave a few microtasks later
    const read = f('1') // its GET leaves at once, so Redis answers it with v1
    assert.is(await read, '1=v1', 'started before the invalidation resolved: the old value is allowed')
    await inv
    assert.is(await f('1'), '1=v2', 'after the invalidation resolved: never the old value')
    assert.is(s.runs, 2)
  })

  test('another process invalidates; its bus message is applied here before the reply of a read it overtook: not kept in L1', async () => {
    const { clock, here, there, f, s } = await setup('fill-bus')
    const l2 = here.l2 as { get(key: string): Promise<Uint8Array | undefined> }
    const get = l2.get.bind(l2)
    let answered!: () => void
    let release!: () => void
    const wasAnswered = new Promise<void>((r) => { answered = r })
    const gate = new Promise<void>((r) => { release = r })
    // The next L2 read is answered by Redis now, but this process handles the reply only after the gate.
    l2.get = (key) => {
      l2.get = get
      return get(key).then((v) => { answered(); return gate.then(() => v) })
    }
    const read = f('1')
    await wasAnswered
    assert.ok(v1InL2(await get(f.key('1'))), 'Redis answered the read with v1, before the invalidation')
    const before = here.received
    await there.invalidateTags(['user:1'], { at: clock.now() }) // stamp, removal, bus: resolved once this process applied it
    assert.is(here.received, before + 1, 'the bus message was applied here before the invalidation resolved')
    release()
    assert.is(await read, '1=v1', 'started before the invalidation resolved: the old value is allowed')
    assert.is(await f('1'), '1=v2', 'after the invalidation resolved: never the old value')
    assert.is(s.runs, 2)
  })

  test.run()
}

/** Whether L2's bytes hold the v1 record (by its text). */
function v1InL2(bytes: Uint8Array | undefined): boolean {
  return bytes === undefined ? false : Buffer.from(bytes).includes('1=v1')
}
