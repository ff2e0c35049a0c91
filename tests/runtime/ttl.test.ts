import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { cached, configure } from '../../runtime/index.js'
import { counting, fresh, tick, type FakeClock } from '../helpers/runtime.js'

const ttl = suite('ttl')
let clock: FakeClock
ttl.before.each(() => { clock = fresh() })

ttl('an entry is fresh until its ttl passes, then a miss', () => {
  const impl = counting((n: number) => n)
  const f = cached(impl, { id: 't', ttl: '5m' })
  f(1)
  clock.advance(5 * 60_000 - 1)
  f(1)
  assert.is(impl.n, 1)
  clock.advance(1)
  f(1)
  assert.is(impl.n, 2)
  assert.is(f.stats().expirations, 1)
})

ttl('configure({ ttl }) is the default for functions without one', () => {
  configure({ ttl: 1000 })
  const impl = counting((n: number) => n)
  const f = cached(impl, { id: 'defaultTtl' })
  f(1); clock.advance(999); f(1)
  assert.is(impl.n, 1)
  clock.advance(1); f(1)
  assert.is(impl.n, 2)
})

ttl('ttl 0 means no expiry', () => {
  const impl = counting((n: number) => n)
  const f = cached(impl, { id: 'forever', ttl: 0 })
  f(1); clock.advance(1e12); f(1)
  assert.is(impl.n, 1)
})
ttl.run()

// ---

const swr = suite('staleWhileRevalidate')
swr.before.each(() => { clock = fresh() })

swr('serves the stale value and refreshes once in the background', async () => {
  let version = 1
  const impl = counting(async (_k: string) => version)
  const f = cached(impl, { id: 'swr', ttl: 1000, staleWhileRevalidate: 5000 })
  assert.is(await f('k'), 1)
  version = 2
  clock.advance(1500)
  assert.is(await f('k'), 1, 'stale value served')
  assert.is(await f('k'), 1, 'still stale while the refresh is pending')
  await tick(); await tick()
  assert.is(impl.n, 2, 'exactly one background refresh')
  assert.is(await f('k'), 2)
  assert.is(f.stats().staleHits, 2)
})

swr('past the stale window it is an ordinary miss', async () => {
  const impl = counting(async (_k: string) => 1)
  const f = cached(impl, { id: 'swrGone', ttl: 1000, staleWhileRevalidate: 1000 })
  await f('k')
  clock.advance(2000)
  await f('k')
  assert.is(impl.n, 2)
  assert.is(f.stats().staleHits, 0)
})

swr('a failing background refresh keeps the stale value and is counted', async () => {
  let fail = false
  const errors: unknown[] = []
  configure({ onError: (e) => errors.push(e) })
  const f = cached(async (_k: string) => { if (fail) throw new Error('refresh failed'); return 1 }, { id: 'swrFail', ttl: 1000, staleWhileRevalidate: 5000 })
  await f('k')
  fail = true
  clock.advance(1500)
  assert.is(await f('k'), 1)
  await tick(); await tick()
  assert.is(errors.length, 1)
  assert.is(await f('k'), 1)
})
swr.run()

// ---

const sie = suite('staleIfError')
sie.before.each(() => { clock = fresh() })

sie('serves the stale value instead of the error within the window', async () => {
  let fail = false
  const f = cached(async (_k: string) => { if (fail) throw new Error('db down'); return 'v1' }, { id: 'sie', ttl: 1000, staleIfError: 10_000 })
  assert.is(await f('k'), 'v1')
  fail = true
  clock.advance(2000)
  assert.is(await f('k'), 'v1')
  clock.advance(10_000)
  await f('k').then(() => assert.unreachable(), (e: Error) => assert.match(e.message, 'db down'))
})

sie('works for sync functions too', () => {
  let fail = false
  const f = cached((_k: string) => { if (fail) throw new Error('x'); return 1 }, { id: 'sieSync', ttl: 10, staleIfError: 100 })
  f('k')
  fail = true
  clock.advance(50)
  assert.is(f('k'), 1)
})
sie.run()
