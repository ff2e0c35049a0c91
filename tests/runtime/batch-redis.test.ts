// cached.batch on a real redis-server: each element is its own Redis record (read back by a
// second backend instance, as another process would), tags filled from the id reach Redis, and an
// invalidation while a batch is in flight keeps its stale element out of Redis.

import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { redis, type RedisBackend } from '../../runtime/backends/redis/index.js'
import { cached, configure, invalidateTags } from '../../runtime/index.js'
import { fresh, tick } from '../helpers/runtime.js'
import { redisOrSkip, startRedis } from '../helpers/redis-server.js'

if (redisOrSkip('cached.batch over redis')) {
  const server = await startRedis()
  const open: RedisBackend[] = []
  let n = 0
  const backend = (namespace: string) => {
    const b = redis({ url: server.url, namespace })
    open.push(b)
    return b
  }

  const test = suite('cached.batch over redis')
  test.before.each(() => { fresh() })
  test.after.each(async () => { for (const b of open.splice(0)) await b.close() })
  test.after(async () => { await server.stop() })

  test('300 misses with maxBatch 100: 3 calls; every element a record another process reads', async () => {
    const ns = `batch${n++}`
    configure({ backends: { r: backend(ns) } })
    const calls: string[][] = []
    const getUser = cached.batch(async (ids: readonly string[]) => {
      calls.push([...ids])
      return ids.map((id) => ({ id }))
    }, { id: 'users', backend: 'r', maxBatch: 100, version: '1', tags: ['user:{id}'] })
    const ids = [...Array(300).keys()].map(String)
    const got = await Promise.all(ids.map((id) => getUser(id)))
    got.forEach((u, i) => assert.is(u?.id, String(i)))
    assert.ok(calls.length >= 3 && calls.length <= 6, `${calls.length} calls`)
    assert.is(calls.flat().length, 300, 'each id asked once')
    const asked = calls.length
    await Promise.all(ids.map((id) => getUser(id)))
    assert.is(calls.length, asked, 'all hits')
    // "Another process": its own Redis connection, a plain per-id function of the same id and version.
    configure({ backends: { other: backend(ns) } })
    const plain = cached(async (id: string) => ({ id, never: true }), { id: 'users', backend: 'other', version: '1', compiled: true } as never) as (id: string) => Promise<unknown>
    assert.equal(await plain('42'), { id: '42' })
    await invalidateTags(['user:42'])
    assert.equal(await plain('42'), { id: '42', never: true }, 'the tag filled from the id reached Redis')
  })

  test('an invalidation while a batch is in flight keeps its stale element out of Redis', async () => {
    configure({ backends: { r: backend(`batch${n++}`) } })
    const db = new Map([['1', 'v1'], ['2', 'v1']])
    const calls: string[][] = []
    let release = () => {}
    const getUser = cached.batch(async (ids: readonly string[]) => {
      calls.push([...ids])
      const read = ids.map((id) => `${id}=${db.get(id)}`)
      if (calls.length === 1) await new Promise<void>((r) => { release = r })
      return read
    }, { id: 'users', backend: 'r', tags: ['user:{id}'] })
    const a = getUser('1')
    const b = getUser('2')
    while (calls.length === 0) await tick()
    db.set('1', 'v2')
    await invalidateTags(['user:1'])
    release()
    assert.is(await a, '1=v1', 'its own caller gets the element')
    assert.is(await b, '2=v1')
    assert.is(await getUser('1'), '1=v2', 'the stale element was not stored')
    assert.is(await getUser('2'), '2=v1')
    assert.equal(calls, [['1', '2'], ['1']])
  })

  test.run()
}
