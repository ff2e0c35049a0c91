// wrapCompiled (runtime/wrap-compiled.ts): the entry compiled code calls when the build checked
// every option. It must build the same cache as wrap() (which normalises at run time) for each
// option core/print.ts emits for it: keys, tags, stale windows, cacheIf, prefix, namespace.
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { configure, invalidateTags, memory } from '../../runtime/index.js'
import { wrap, wrapCompiled } from '../../runtime/internal.js'
import { counting, fresh } from '../helpers/runtime.js'

const base = (id: string) => ({ id, version: 'v1', compiled: true as const, async: false })

const same = suite('wrapCompiled builds what wrap builds')
same.before.each(() => { fresh() })

same('key indices, key functions and keyOf give the keys wrap gives', () => {
  const keyOf = (a: unknown, b: unknown) => (typeof a === 'string' && typeof b === 'number' ? JSON.stringify(a) + ',' + b : undefined)
  const cases = [
    { params: ['a', 'b'], key: [1] },
    { params: ['a', 'b'], key: (a: unknown) => (a as { id: string }).id },
    { params: ['a', 'b'], keyOf },
    { params: ['a', 'b', 'c', 'd'] },
  ]
  cases.forEach((o, i) => {
    const viaWrap = wrap(counting((...args: unknown[]) => args.length), { ...base(`w${i}`), ...o } as never) as any
    const viaCompiled = wrapCompiled(counting((...args: unknown[]) => args.length), { ...base(`w${i}`), ...o } as never) as any
    for (const args of [['x', 1], [{ id: 'u1' }, 2], ['x', 1, true, null]]) {
      assert.is(viaCompiled.key(...args), viaWrap.key(...args), `case ${i}, ${JSON.stringify(args)}`)
    }
  })
})

same('a declared object shape keys value-equal copies as wrap() does', () => {
  const o = { ...base('shaped'), params: ['o'], shape: ['id', 'page'] }
  const viaWrap = wrap(counting((x: { id: number; page: number }) => x.id), { ...o, id: 'w-shaped' } as never) as any
  const impl = counting((x: { id: number; page: number }) => x.id)
  const viaCompiled = wrapCompiled(impl, o)
  viaCompiled({ id: 1, page: 2 }); viaCompiled({ page: 2, id: 1 }); viaCompiled({ id: 1, page: 3 })
  assert.is(impl.n, 2, 'value-equal copies share an entry')
  assert.is(viaCompiled.key({ id: 1, page: 2 }).slice('shaped:'.length), viaWrap.key({ id: 1, page: 2 }).slice('w-shaped:'.length))
})

same('literal tags and compiled tag functions are invalidated like wrap()\'s', async () => {
  const lit = counting((id: string) => id + '!')
  const fn = counting((id: string) => id + '?')
  const a = wrapCompiled(lit, { ...base('a'), params: ['id'], tags: ['users'] })
  const b = wrapCompiled(fn, { ...base('b'), params: ['id'], tags: (_r: unknown, id: unknown) => [`user:${id}`] })
  a('1'); a('1'); b('1'); b('2'); b('1')
  assert.equal([lit.n, fn.n], [1, 2])
  await invalidateTags(['user:1'])
  b('1'); b('2')
  assert.is(fn.n, 3, 'only user:1 was recomputed')
  await invalidateTags(['users'])
  a('1')
  assert.is(lit.n, 2)
})

same('prefix, namespace, dedupe, ttl and cacheIf are honoured', async () => {
  let now = 1_000
  configure({ now: () => now, backends: { default: memory({ max: 100 }) } })
  const impl = counting((n: number) => n)
  const f = wrapCompiled(impl, { ...base('f'), params: ['n'], prefix: 'p:', namespace: 'ns', ttl: 50, cacheIf: (r) => r !== 0 })
  assert.is(f.key(3), 'p:3')
  f(3); f(3); f(0); f(0)
  assert.is(impl.n, 3, 'one miss for 3, two for the uncacheable 0')
  now += 51
  f(3)
  assert.is(impl.n, 4, 'expired after its ttl')
  const g = wrapCompiled(counting(async (n: number) => n), { ...base('g'), async: true, params: ['n'], dedupe: false })
  await Promise.all([g(1), g(1)])
  assert.is(g.stats().misses, 2, 'dedupe: false shares no call in flight')
})

same('a cacheIf that is not a function is an E_OPTION naming the function', () => {
  assert.throws(() => wrapCompiled((n: number) => n, { ...base('src/a.ts#f'), params: ['n'], cacheIf: 'yes' as never }),
    (e: Error & { code?: string }) => e.code === 'E_OPTION' && /src\/a\.ts#f: option cacheIf must be a function; received "yes"/.test(e.message))
})

same.run()
