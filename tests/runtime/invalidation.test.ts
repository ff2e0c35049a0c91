import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { cached, configure, invalidateTags, invalidatePrefix, invalidateTagsSync, invalidatePrefixSync, memory } from '../../runtime/index.js'
import { counting, fresh } from '../helpers/runtime.js'

const tags = suite('invalidateTags')
tags.before.each(() => { fresh() })

tags('removes the entries filed under a templated tag, and only those', async () => {
  const impl = { n: 0 }
  const getUser = cached(async (id: string) => { impl.n++; return { id } }, { id: 'getUser', tags: ['users', 'user:{id}'] })
  await getUser('1'); await getUser('2')
  assert.is(await invalidateTags(['user:1']), 1)
  await getUser('1'); await getUser('2')
  assert.is(impl.n, 3)
  assert.is(getUser.stats().invalidations, 1)
  await invalidateTags('users')
  await getUser('1'); await getUser('2')
  assert.is(impl.n, 5)
})

tags('path templates read nested fields of an argument', () => {
  const impl = { n: 0 }
  const f = cached((q: { org: { id: number } }, page: number) => { impl.n++; return page }, { id: 'list', tags: ['org:{q.org.id}'] })
  f({ org: { id: 7 } }, 1); f({ org: { id: 8 } }, 1)
  assert.is(invalidateTagsSync(['org:7']), 1)
  f({ org: { id: 7 } }, 1); f({ org: { id: 8 } }, 1)
  assert.is(impl.n, 3)
})

tags('a tags function receives the result and the arguments', () => {
  const impl = counting((id: number) => ({ id, team: id % 2 ? 'odd' : 'even' }))
  const f = cached(impl, { id: 'team', tags: (r, id) => [`team:${r.team}`, `n:${id}`] })
  f(1); f(2); f(3)
  assert.is(invalidateTagsSync('team:odd'), 2)
  f(1); f(2); f(3)
  assert.is(impl.n, 5)
})

tags('uncompiled, a template naming no parameter runs the function uncached (tests/runtime/uncompiled.test.ts)', () => {
  const impl = counting((id: string) => id)
  const f = cached(impl, { id: 'bad', tags: ['user:{userId}'] })
  f('1'); f('1')
  assert.is(impl.n, 2)
})

tags('a call in flight when its tag is invalidated does not store its result', async () => {
  let release!: () => void
  let version = 1
  const f = cached(async (id: string) => {
    const v = version
    await new Promise<void>((r) => { release = r })
    return v
  }, { id: 'race', tags: ['user:{id}'] })
  const p = f('1')
  await invalidateTags(['user:1'])
  version = 2
  release()
  assert.is(await p, 1, 'the caller still gets its result')
  const q = f('1')
  release()
  assert.is(await q, 2, 'but it was not stored')
})

tags('invalidating 1,000 of 100,000 tagged entries touches only those', () => {
  const impl = (n: number) => n
  const f = cached(impl, { id: 'big', tags: (_r, n) => (n % 100 === 0 ? ['hot'] : [`cold:${n % 7}`]) })
  configure({ backends: { default: memory({ max: 200_000 }) } })
  for (let i = 0; i < 100_000; i++) f(i)
  assert.is(invalidateTagsSync(['hot']), 1000)
  assert.is(f.stats().invalidations, 1000)
  const before = f.stats().misses
  for (let i = 1; i < 100; i++) f(i)
  assert.is(f.stats().misses, before, 'other entries still hit')
})
tags.run()

// ---

const prefix = suite('invalidatePrefix')
prefix.before.each(() => { fresh() })

prefix('removes the entries whose logical key starts with the prefix', async () => {
  const impl = counting((id: string) => id)
  const f = cached(impl, { id: 'src/users.ts#getUser' })
  const g = cached(counting((id: string) => id), { id: 'src/posts.ts#getPost' })
  f('10'); f('11'); f('20'); g('10')
  assert.is(await invalidatePrefix('src/users.ts#getUser:"1'), 2)
  f('10'); f('11'); f('20')
  assert.is(impl.n, 5)
  assert.is(invalidatePrefixSync('src/users.ts#'), 3)
  assert.is(g.stats().invalidations, 0)
})

prefix('a custom prefix option is what prefix invalidation sees', () => {
  const impl = counting((id: number) => id)
  const f = cached(impl, { id: 'x', prefix: 'user:' })
  f(1); f(2)
  assert.is(invalidatePrefixSync('user:1'), 1)
})
prefix.run()

// ---

const sync = suite('sync forms')
sync.before.each(() => { fresh() })

sync('reject bad input with a TypeError naming the function', () => {
  assert.throws(() => invalidateTagsSync(42 as never), /invalidateTagsSync\(\) expects tags/)
  assert.throws(() => invalidatePrefixSync([1] as never), /invalidatePrefixSync\(\) expects prefixes/)
})

sync('refuse, without invalidating anything, when a backend has no sync access', () => {
  const bytesOnly = memory()
  const asyncOnly = {
    kind: 'remote', get: bytesOnly.get.bind(bytesOnly), set: bytesOnly.set.bind(bytesOnly), delete: bytesOnly.delete.bind(bytesOnly),
    invalidateTags: bytesOnly.invalidateTags.bind(bytesOnly), invalidatePrefix: bytesOnly.invalidatePrefix.bind(bytesOnly),
    clear: bytesOnly.clear.bind(bytesOnly), close: bytesOnly.close.bind(bytesOnly), stats: bytesOnly.stats.bind(bytesOnly),
  }
  configure({ backends: { remote: asyncOnly } })
  const impl = counting((n: number) => n)
  const f = cached(impl, { id: 'local', tags: ['t'] })
  f(1)
  assert.throws(() => invalidateTagsSync(['t']), /cannot reach backend "remote" synchronously/)
  f(1)
  assert.is(impl.n, 1)
})
sync.run()
