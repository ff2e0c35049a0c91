// The wrapper of an async function always returns a promise: a key that cannot be encoded, a
// throwing key function or an unregistered backend is a rejection (f(x).catch(h) and
// Promise.allSettled see it). The wrapper of a sync function throws.

import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { cached } from '../../runtime/index.js'
import { wrap } from '../../runtime/internal.js'
import { fresh } from '../helpers/runtime.js'

const test = suite('async errors')
test.before.each(() => { fresh() })

const cyclic = () => { const o: Record<string, unknown> = {}; o.self = o; return o }
const getterThrows = () => ({ get boom() { throw new Error('getter threw') } })

const BAD_ARGS: [string, () => unknown, RegExp][] = [
  ['a symbol', () => Symbol('s'), /symbol/i],
  ['a cyclic object', cyclic, /cycl|circular/i],
  ['an object whose getter throws', getterThrows, /getter threw/],
]

/** Calls `f`; returns what it threw synchronously, or the promise it returned. */
function call(f: () => unknown): { threw?: unknown; returned?: unknown } {
  try {
    return { returned: f() }
  } catch (e) {
    return { threw: e }
  }
}

for (const [what, make, message] of BAD_ARGS) {
  for (const shape of ['one parameter', 'two parameters', 'generic (rest)'] as const) {
    test(`async, ${shape}: ${what} as argument is a rejection`, async () => {
      const fn = shape === 'one parameter' ? async (x: unknown) => x
        : shape === 'two parameters' ? async (x: unknown, _y: unknown) => x
          : async (...xs: unknown[]) => xs[0]
      const f = cached(fn as (...a: unknown[]) => Promise<unknown>, { id: `bad-${shape}` })
      const r = call(() => f(make(), 1))
      assert.is(r.threw, undefined, 'nothing thrown synchronously')
      assert.instance(r.returned, Promise)
      const settled = await Promise.allSettled([r.returned as Promise<unknown>])
      assert.is(settled[0]!.status, 'rejected')
      assert.match(String((settled[0] as PromiseRejectedResult).reason?.message), message)
    })

    test(`sync, ${shape}: ${what} as argument throws`, () => {
      const fn = shape === 'one parameter' ? (x: unknown) => x
        : shape === 'two parameters' ? (x: unknown, _y: unknown) => x
          : (...xs: unknown[]) => xs[0]
      const f = cached(fn as (...a: unknown[]) => unknown, { id: `bad-sync-${shape}` })
      assert.throws(() => f(make(), 1), message)
    })
  }
}

test('async: a throwing key function is a rejection, and it is called once', async () => {
  let n = 0
  const f = cached(async (id: string) => id, { id: 'keyfn', key: () => { n++; throw new Error('no key for you') } })
  const r = call(() => f('1'))
  assert.is(r.threw, undefined)
  await (r.returned as Promise<unknown>).then(() => assert.unreachable('resolved'), (e) => assert.match(e.message, /no key for you/))
  assert.is(n, 1)
})

test('sync: a throwing key function throws', () => {
  const f = cached((id: string) => id, { id: 'keyfn-sync', key: () => { throw new Error('no key for you') } })
  assert.throws(() => f('1'), /no key for you/)
})

test('async: an unregistered backend is a rejection naming it; sync throws', async () => {
  const f = cached(async (id: string) => id, { id: 'nobackend', backend: 'nope' })
  const r = call(() => f('1'))
  assert.is(r.threw, undefined)
  await (r.returned as Promise<unknown>).then(() => assert.unreachable('resolved'), (e) => assert.match(e.message, /backend "nope" is not registered/))
  const g = cached((id: string) => id, { id: 'nobackend-sync', backend: 'nope' })
  assert.throws(() => g('1'), /backend "nope" is not registered/)
})

test('compiled async wrap (three parameters): an un-keyable argument is a rejection', async () => {
  const f = wrap(async (a: unknown, b: number, c: number) => [a, b, c], { id: 'three', compiled: true, async: true, params: ['a', 'b', 'c'] } as never) as unknown as (...a: unknown[]) => Promise<unknown>
  const r = call(() => f(cyclic(), 1, 2))
  assert.is(r.threw, undefined)
  await (r.returned as Promise<unknown>).then(() => assert.unreachable('resolved'), (e) => assert.instance(e, TypeError))
  assert.equal(await f('x', 1, 2), ['x', 1, 2], 'still works for keyable arguments')
})

test('async: invalidate(), peek() and refresh() with an un-keyable argument reject', async () => {
  const f = cached(async (x: unknown) => x, { id: 'methods' })
  for (const m of ['invalidate', 'peek', 'refresh'] as const) {
    const r = call(() => (f[m] as (x: unknown) => unknown)(Symbol('s')))
    assert.is(r.threw, undefined, m)
    await (r.returned as Promise<unknown>).then(() => assert.unreachable(m), (e) => assert.match(e.message, /symbol/i))
  }
})

test.run()
