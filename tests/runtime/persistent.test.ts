import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { cached, configure, invalidateTags, invalidatePrefix, metrics } from '../../runtime/index.js'
import { wrap } from '../../runtime/internal.js'
import { encodeRecord } from '../../runtime/codec.js'
import { bytesBackend } from '../helpers/bytes-backend.js'
import { counting, fresh, tick, captureWarnings, type FakeClock } from '../helpers/runtime.js'

let clock: FakeClock

const bytes = suite('byte backends')
bytes.before.each(() => { clock = fresh() })

bytes('an async function is stored as a record and read back by a second wrapper with the same id', async () => {
  const b = bytesBackend({ now: clock.now })
  configure({ backends: { shared: b }, namespace: 'app' })
  const impl = counting(async (id: string) => ({ id, at: new Date(0), tags: new Set(['a']) }))
  const f = wrap(impl, { id: 'src/u.ts#getUser', backend: 'shared', version: 'v1', compiled: true })
  const first = await f('1')
  assert.equal(await f('1'), first)
  assert.is(impl.n, 1)
  assert.ok(b.inner.getSync('app:src/u.ts#getUser:"1"') !== undefined, 'stored under namespace + logical key')
  // Another process built from the same code: same id and version reads the entry.
  const other = wrap(counting(async (id: string) => ({ id: 'other' })), { id: 'src/u.ts#getUser', backend: 'shared', version: 'v1', compiled: true })
  assert.equal(await other('1'), first)
})

bytes('an entry of another version is never served', async () => {
  configure({ backends: { shared: bytesBackend({ now: clock.now }) } })
  const v1 = wrap(async (n: number) => 'v1:' + n, { id: 'f', backend: 'shared', version: 'aaa', compiled: true })
  await v1(1)
  const v2impl = counting(async (n: number) => 'v2:' + n)
  const v2 = wrap(v2impl, { id: 'f', backend: 'shared', version: 'bbb', compiled: true })
  assert.is(await v2(1), 'v2:1')
  assert.is(v2impl.n, 1)
})

bytes('ttl, tags and prefixes work through the backend', async () => {
  configure({ backends: { shared: bytesBackend({ now: clock.now }) }, now: clock.now })
  const impl = counting(async (id: string) => id)
  const f = wrap(impl, { id: 'g', backend: 'shared', ttl: 1000, tags: ['user:{id}'], params: ['id'] })
  await f('1'); await f('1')
  assert.is(impl.n, 1)
  clock.advance(1001)
  await f('1')
  assert.is(impl.n, 2)
  await invalidateTags(['user:1'])
  await f('1')
  assert.is(impl.n, 3)
  await invalidatePrefix(['g:'])
  await f('1')
  assert.is(impl.n, 4)
})

bytes('a sync function on a backend with sync twins stays sync', () => {
  configure({ backends: { disk: bytesBackend({ sync: true, now: clock.now }) } })
  const impl = counting((n: number) => n * 2)
  const f = cached(impl, { id: 'syncDisk', backend: 'disk' })
  assert.is(f(2), 4)
  assert.is(f(2), 4)
  assert.is(impl.n, 1)
})

bytes('a sync function on a backend without sync access is a TypeError saying what to do', () => {
  configure({ backends: { remote: bytesBackend() } })
  const f = cached((n: number) => n, { id: 'src/a.ts#syncOnRemote', backend: 'remote' })
  assert.throws(() => f(1), /syncOnRemote is synchronous, but backend "remote".*Try: make syncOnRemote async/s)
})

bytes('a promise-returning function on an async-only backend is learnt on its first call', async () => {
  configure({ backends: { remote: bytesBackend() } })
  const impl = counting((n: number) => Promise.resolve(n))
  const f = cached(impl, { id: 'learnt', backend: 'remote' })
  assert.is(await f(1), 1)
  assert.is(await f(1), 1)
  assert.is(impl.n, 1)
})

bytes('a value the codec cannot store is returned uncached with one warning', async () => {
  configure({ backends: { shared: bytesBackend() } })
  class Point { constructor(public x: number) {} }
  const impl = counting(async (n: number) => new Point(n))
  const f = cached(impl, { id: 'points', backend: 'shared' })
  const warnings = await captureWarnings(async () => {
    assert.instance(await f(1), Point)
    assert.instance(await f(1), Point)
  })
  assert.is(impl.n, 2)
  assert.is(warnings.filter((w) => w.code === 'FNCACHE_UNENCODABLE').length, 1)
})
bytes.run()

// ---

const faults = suite('faults')
faults.before.each(() => { clock = fresh() })

faults('a corrupt or foreign record is a miss, removed and counted', async () => {
  const b = bytesBackend()
  configure({ backends: { shared: b } })
  const impl = counting(async (n: number) => n)
  const f = cached(impl, { id: 'c', backend: 'shared' })
  await b.inner.set('c:1', new Uint8Array([0xde, 0xad, 0xbe, 0xef]))
  const foreign = encodeRecord({ key: 'someone-else', version: '', created: 0, fresh: Infinity, stale: Infinity, tags: [], value: 666 })!
  await b.inner.set('c:2', foreign)
  await captureWarnings(async () => {
    assert.is(await f(1), 1)
    assert.is(await f(2), 2)
  })
  assert.is(impl.n, 2)
  assert.is(f.stats().corrupt, 1)
  assert.is(await f(1), 1)
  assert.is(impl.n, 2, 'the corrupt record was replaced')
})

faults('a dead backend never breaks the caller; errors are counted and reported once', async () => {
  const b = bytesBackend()
  const reported: unknown[] = []
  configure({ backends: { shared: b }, onError: (e) => reported.push(e) })
  const impl = counting(async (n: number) => n * 10)
  const f = cached(impl, { id: 'dead', backend: 'shared' })
  b.down = true
  assert.is(await f(1), 10)
  assert.is(await f(1), 10)
  assert.is(impl.n, 2)
  assert.ok(f.stats().errors >= 2)
  assert.ok(reported.length >= 1)
})

faults('after a failed read the result is returned without waiting on a write', async () => {
  const b = bytesBackend()
  configure({ backends: { shared: b }, onError: () => {} })
  const impl = counting(async (n: number) => n + 1)
  const f = cached(impl, { id: 'halfBroken', backend: 'shared' })
  b.failGets = true
  assert.is(await f(1), 2)
  assert.is(b.sets, 0)
  b.failGets = false
  assert.is(await f(1), 2)
  assert.is(b.sets, 1)
  assert.is(await f(1), 2)
  assert.is(impl.n, 2)
})

faults('the circuit breaker stops calling a dead backend, then recovers by itself', async () => {
  const b = bytesBackend()
  configure({ backends: { shared: b }, onError: () => {} })
  const f = cached(async (n: number) => n, { id: 'breaker', backend: 'shared' })
  b.down = true
  for (let i = 0; i < 20; i++) await f(i)
  const callsWhileOpen = b.calls
  for (let i = 0; i < 20; i++) await f(i)
  assert.is(b.calls, callsWhileOpen, 'no calls reach the dead backend while the breaker is open')
  b.down = false
  clock.advance(1_001)
  await f(100) // the cool-down is over: a background probe goes out, this call runs uncached
  await tick() // the probe settles: the breaker closes
  await f(100)
  await f(100)
  assert.ok(b.calls > callsWhileOpen, 'a probe went through after the cool-down')
  assert.is(metrics().functions.breaker!.hits, 1, 'and the backend serves hits again')
})

faults('invalidation that cannot reach a backend rejects: it was not applied', async () => {
  const b = bytesBackend()
  configure({ backends: { shared: b } })
  b.down = true
  await invalidateTags(['x']).then(() => assert.unreachable(), (e: Error & { code?: string }) => assert.is(e.code, 'E_BACKEND_UNAVAILABLE'))
  await tick()
})
faults.run()
