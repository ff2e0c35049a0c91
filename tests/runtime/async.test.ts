import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { cached } from '../../runtime/index.js'
import { counting, fresh } from '../helpers/runtime.js'

/** A promise whose resolution the test controls. */
function deferred<T>() {
  let resolve!: (v: T) => void
  let reject!: (e: unknown) => void
  const promise = new Promise<T>((res, rej) => { resolve = res; reject = rej })
  return { promise, resolve, reject }
}

const hits = suite('async hits')
hits.before.each(() => { fresh() })

hits('an async function is a miss, then a hit that still returns a promise', async () => {
  const impl = counting(async (id: string) => ({ id }))
  const f = cached(impl, { id: 'getUser' })
  const a = await f('1')
  const p = f('1')
  assert.instance(p, Promise)
  assert.is(await p, a)
  assert.is(impl.n, 1)
})

hits('a function returning a promise without `async` is cached by its resolved value', async () => {
  const impl = counting((n: number) => Promise.resolve(n * 2))
  const f = cached(impl, { id: 'promiseReturning' })
  assert.is(await f(2), 4)
  const second = f(2)
  assert.instance(second, Promise)
  assert.is(await second, 4)
  assert.is(impl.n, 1)
})

hits('a rejection is not stored', async () => {
  let fail = true
  const impl = counting(async (n: number) => { if (fail) throw new Error('nope'); return n })
  const f = cached(impl, { id: 'rejects' })
  await f(1).then(() => assert.unreachable(), (e) => assert.match(e.message, 'nope'))
  fail = false
  assert.is(await f(1), 1)
  assert.is(impl.n, 2)
})
hits.run()

// ---

const peek = suite('peek() of promise-returning functions')
peek.before.each(() => { fresh() })

peek('an async function: a promise of undefined before the first call, then of the value', async () => {
  const impl = counting(async (id: string) => `v${id}`)
  const f = cached(impl, { id: 'peekAsync' })
  const cold = f.peek('1')
  assert.instance(cold, Promise)
  assert.is(await cold, undefined)
  await f('1')
  const warm = f.peek('1')
  assert.instance(warm, Promise)
  assert.is(await warm, 'v1')
  assert.is(impl.n, 1, 'peek never calls')
})

peek('a plain function returning promises: promises of the value once it has returned one', async () => {
  const impl = counting((id: string) => Promise.resolve(`p${id}`))
  const f = cached(impl, { id: 'peekThenable' })
  // Before its first call nothing says it returns promises, and nothing can be cached yet.
  assert.is(f.peek('1'), undefined)
  assert.is(await f('1'), 'p1')
  const p1 = f.peek('1')
  const p2 = f.peek('2')
  assert.instance(p1, Promise)
  assert.instance(p2, Promise)
  assert.equal(await Promise.all([p1, p2]), ['p1', undefined])
  assert.is(impl.n, 1)
})

peek.run()

// ---

const dedupe = suite('dedupe')
dedupe.before.each(() => { fresh() })

dedupe('concurrent misses of one key make one call', async () => {
  const d = deferred<number>()
  const impl = counting((_k: string) => d.promise)
  const f = cached(impl, { id: 'stampede' })
  const calls = Array.from({ length: 1000 }, () => f('k'))
  d.resolve(7)
  const results = await Promise.all(calls)
  assert.is(impl.n, 1)
  assert.ok(results.every((r) => r === 7))
  assert.is(f.stats().dedupedCalls, 999)
})

dedupe('a rejection reaches every waiter and nothing is stored', async () => {
  const d = deferred<number>()
  const impl = counting((_k: string) => d.promise)
  const f = cached(impl, { id: 'rejectAll' })
  const calls = Array.from({ length: 5 }, () => f('k').then(() => 'ok', (e: Error) => e.message))
  d.reject(new Error('down'))
  assert.equal(await Promise.all(calls), ['down', 'down', 'down', 'down', 'down'])
  // The function has returned a promise, so peek() answers with one: of undefined, nothing stored.
  const peeked = f.peek('k')
  assert.instance(peeked, Promise)
  assert.is(await peeked, undefined)
  assert.is(impl.n, 1)
})

dedupe('dedupe: false lets concurrent callers each call', async () => {
  const impl = counting(async (_k: string) => 1)
  const f = cached(impl, { id: 'noDedupe', dedupe: false })
  await Promise.all([f('k'), f('k'), f('k')])
  assert.is(impl.n, 3)
})
dedupe.run()

// ---

const warm = suite('warm()')
warm.before.each(() => { fresh() })

warm('fills the cache with bounded concurrency and counts failures', async () => {
  let running = 0
  let peak = 0
  const impl = counting(async (n: number) => {
    running++; peak = Math.max(peak, running)
    await new Promise((r) => setTimeout(r, 0))
    running--
    if (n === 3) throw new Error('three')
    return n
  })
  const f = cached(impl, { id: 'warmed' })
  const before = process.listenerCount('warning')
  const r = await f.warm([[1], [2], [3], [4], [5], [6]], { concurrency: 2 })
  assert.equal(r, { stored: 5, failed: 1 })
  assert.ok(peak <= 2, `peak concurrency ${peak}`)
  await f(1); await f(6)
  assert.is(impl.n, 6)
  assert.is(process.listenerCount('warning'), before)
})

warm('rejects a bad concurrency with a TypeError naming the option', async () => {
  const f = cached(async (n: number) => n, { id: 'warmBad' })
  try {
    await f.warm([[1]], { concurrency: 0 })
    assert.unreachable()
  } catch (e) {
    assert.instance(e, TypeError)
    assert.match((e as Error).message, 'concurrency')
  }
})
warm.run()
