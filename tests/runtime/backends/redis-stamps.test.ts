// Tag invalidation stamps on a real redis-server: a value whose computation started before an
// invalidation of one of its tags is refused when written after it (another process's late
// write cannot bring an invalidated value back), while later computations are stored as usual.

import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { redis } from '../../../runtime/backends/redis/index.js'
import { cached, configure } from '../../../runtime/index.js'
import { fresh, counting } from '../../helpers/runtime.js'
import { redisOrSkip, startRedis, type RedisServer } from '../../helpers/redis-server.js'

const bytes = (s: string) => new TextEncoder().encode(s)
const text = (b: Uint8Array | undefined) => (b === undefined ? undefined : new TextDecoder().decode(b))

if (redisOrSkip('redis stamps')) {
  const server: RedisServer = await startRedis()
  let n = 0
  const ns = () => `s${process.pid}-${n++}`

  const stamps = suite('redis tag stamps')
  stamps.after(async () => { await server.stop() })

  stamps('a write of a value computed before an invalidation of its tag is refused; later ones are stored', async () => {
    const b = redis({ url: server.url, namespace: ns() })
    try {
      await b.invalidateTags(['user:1'], { at: 1_000 })
      await b.set('late', bytes('old'), { tags: ['user:1'], since: 999 })
      assert.is(await b.get('late'), undefined, 'computed before the invalidation: refused')
      await b.set('same', bytes('old'), { tags: ['user:1'], since: 1_000 })
      assert.is(await b.get('same'), undefined, 'started at the very moment: refused too')
      await b.set('new', bytes('new'), { tags: ['user:1'], since: 1_001 })
      assert.is(text(await b.get('new')), 'new')
      await b.set('other', bytes('x'), { tags: ['user:2'], since: 1 })
      assert.is(text(await b.get('other')), 'x', 'a tag never invalidated does not block writes')
      await b.set('untimed', bytes('y'), { tags: ['user:1'] })
      assert.is(text(await b.get('untimed')), 'y', 'writes without a start time are not checked')
      await b.invalidateTags(['user:1'], { at: 500 })
      await b.set('after-older-stamp', bytes('z'), { tags: ['user:1'], since: 900 })
      assert.is(await b.get('after-older-stamp'), undefined, 'an older stamp never lowers a newer one')
    } finally {
      await b.close()
    }
  })

  stamps('through the runtime: a computation overtaken by an invalidation is returned but not stored', async () => {
    const clock = fresh()
    const b = redis({ url: server.url, namespace: ns() })
    configure({ backends: { shared: b } })
    try {
      let release!: () => void
      let version = 'v1'
      const impl = counting(async (id: string) => {
        const v = version
        if (v === 'v1') await new Promise<void>((r) => { release = r })
        return `${id}:${v}`
      })
      const f = cached(impl, { id: 'stamped', backend: 'shared', tags: (_r: string, id: string) => [`user:${id}`] })
      const p = f('1')
      // Another process invalidates while this computation runs: only the backend knows (the
      // stamp), this process's own in-flight log does not, so write it as that process would.
      clock.advance(10)
      await b.invalidateTags(['user:1'], { at: clock.now() })
      version = 'v2'
      clock.advance(1) // a computation starting in the invalidation's own millisecond is refused too
      release()
      assert.is(await p, '1:v1', 'the caller still gets its result')
      assert.is(await f('1'), '1:v2', 'the overtaken value was not stored')
      assert.is(await f('1'), '1:v2')
      assert.is(impl.n, 2)
    } finally {
      await b.close()
    }
  })

  stamps.run()
}
