// Every invalidation detaches the calls in flight it covers: their own callers get their result,
// a call made after the invalidation resolved starts afresh, and the detached result is not stored.
// Judged by counts and by the value each caller gets (never by timing).

import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { cached, configure, invalidatePrefix, invalidatePrefixSync, invalidateTags, invalidateTagsSync } from '../../runtime/index.js'
import { bytesBackend } from '../helpers/bytes-backend.js'
import { fresh, gated } from '../helpers/runtime.js'

const test = suite('in-flight detach')
test.before.each(() => { fresh() })

type Inv = { name: string; opts: Record<string, unknown>; run(get: { invalidate(...a: unknown[]): Promise<unknown>; clear(): Promise<void>; id: string }): Promise<unknown> | unknown }

const KINDS: Inv[] = [
  { name: 'fn.invalidate(key)', opts: {}, run: (g) => g.invalidate('1') },
  { name: 'fn.clear()', opts: {}, run: (g) => g.clear() },
  { name: 'invalidateTags (template tag)', opts: { tags: ['user:{id}'] }, run: () => invalidateTags(['user:1']) },
  { name: 'invalidateTags (fixed tag)', opts: { tags: ['users'] }, run: () => invalidateTags('users') },
  { name: 'invalidateTags (tags function of the result)', opts: { tags: (r: string) => [`user:${r.slice(0, 1)}`] }, run: () => invalidateTags(['user:1']) },
  { name: 'invalidatePrefix (function prefix)', opts: {}, run: (g) => invalidatePrefix([g.id + ':']) },
  { name: 'invalidateTagsSync', opts: { tags: ['user:{id}'] }, run: () => invalidateTagsSync(['user:1']) },
  { name: 'invalidatePrefixSync (everything)', opts: {}, run: () => invalidatePrefixSync(['']) },
]

for (const backend of ['memory', 'bytes'] as const) {
  for (const inv of KINDS) {
    if (backend === 'bytes' && inv.name.includes('Sync')) continue
    test(`${backend}: ${inv.name} detaches the call in flight`, async () => {
      if (backend === 'bytes') configure({ backends: { b: bytesBackend() } })
      const { s, get } = gated({ id: 'get', ...inv.opts, ...(backend === 'bytes' ? { backend: 'b' } : {}) })
      const a = get('1')
      await new Promise((r) => setTimeout(r, 1))
      assert.is(s.n, 1, 'the first call is running')
      s.db = 'v2'
      await inv.run(get as never)
      const b = get('1')
      s.release()
      assert.is(await a, '1=v1', 'the detached call still answers its own caller')
      assert.is(await b, '1=v2', 'a call made after the invalidation resolved starts afresh')
      assert.is(s.n, 2)
      assert.is(await get('1'), '1=v2', 'the detached result was not stored over the new one')
      assert.is(s.n, 2)
    })
  }
}

test('an invalidation detaches only what it covers', async () => {
  const { s, get } = gated({ id: 'get', tags: ['user:{id}'] })
  const a = get('1')
  await new Promise((r) => setTimeout(r, 1))
  await invalidateTags(['user:2'])
  await get.invalidate('10')
  await invalidatePrefix(['other:'])
  const b = get('1')
  s.release()
  assert.is(await a, '1=v1')
  assert.is(await b, '1=v1', 'shared: nothing covered it')
  assert.is(s.n, 1)
})

test('callers that joined before the invalidation keep sharing the detached call', async () => {
  const { s, get } = gated({ id: 'get' })
  const a = get('1')
  const a2 = get('1')
  await new Promise((r) => setTimeout(r, 1))
  s.db = 'v2'
  await get.invalidate('1')
  const b = get('1')
  const b2 = get('1')
  s.release()
  assert.equal(await Promise.all([a, a2, b, b2]), ['1=v1', '1=v1', '1=v2', '1=v2'])
  assert.is(s.n, 2, 'one call before, one after')
})

test('a stale-while-revalidate refresh in flight is detached too', async () => {
  const clock = fresh()
  let db = 'v1'
  let n = 0
  let release = () => {}
  const get = cached(async (id: string) => {
    n++
    const v = db
    if (n === 2) await new Promise<void>((r) => { release = r })
    return `${id}=${v}`
  }, { id: 'swr', ttl: 100, staleWhileRevalidate: 1_000 })
  assert.is(await get('1'), '1=v1')
  clock.advance(200)
  assert.is(await get('1'), '1=v1', 'stale, a refresh starts')
  await new Promise((r) => setTimeout(r, 5))
  assert.is(n, 2)
  db = 'v2'
  await get.invalidate('1')
  const b = get('1')
  release()
  assert.is(await b, '1=v2')
  assert.is(n, 3)
})

test('the invalidation log keeps only what calls still in flight can need (calls that never pause)', async () => {
  const { globalCache } = await import('../../runtime/global.js')
  const gates: (() => void)[] = []
  const f = cached(async (id: string) => { await new Promise<void>((r) => gates.push(r)); return id }, { id: 'log', tags: ['t:{id}'] })
  const a = f('a')
  await new Promise((r) => setTimeout(r, 1))
  for (let i = 0; i < 100; i++) await invalidateTags([`other:${i}`])
  assert.ok(globalCache.log.length >= 100, 'a call in flight since before them may need every entry')
  const b = f('b')
  await new Promise((r) => setTimeout(r, 1))
  await invalidateTags(['t:b'])
  gates[0]!()
  assert.is(await a, 'a')
  assert.ok(globalCache.log.length <= 1, `only what b may need is kept (${globalCache.log.length})`)
  gates[1]!()
  assert.is(await b, 'b')
  assert.is(globalCache.log.length, 0)
  // b was covered by t:b while in flight: not stored.
  const c = f('b')
  await new Promise((r) => setTimeout(r, 1))
  assert.is(gates.length, 3, 'b computes again')
  gates[2]!()
  await c
})

test.run()
