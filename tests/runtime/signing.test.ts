import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { cached, configure, memory } from '../../runtime/index.js'
import { engineOf, type MemoryBackend } from '../../runtime/backends/memory.js'
import { encodeRecord } from '../../runtime/codec.js'
import { Signer } from '../../runtime/sign.js'
import { bytesBackend } from '../helpers/bytes-backend.js'
import { counting, fresh, captureWarnings } from '../helpers/runtime.js'

const SECRET = 'a'.repeat(32) + '-test-secret'
const OTHER = 'b'.repeat(40)

const sign = suite('configure({ sign })')
sign.before.each(() => { fresh() })

sign('signed records are read back; a forged record is a miss, counted, removed and warned once', async () => {
  const b = bytesBackend()
  configure({ backends: { shared: b }, sign: { secret: SECRET } })
  const impl = counting(async (id: string) => ({ id, role: 'user' }))
  const f = cached(impl, { id: 'getUser', backend: 'shared' })
  assert.equal(await f('1'), { id: '1', role: 'user' })
  assert.equal(await f('1'), { id: '1', role: 'user' })
  assert.is(impl.n, 1)
  // An attacker with write access to the store, but not the secret, plants a value.
  const forged = encodeRecord({ key: 'getUser:"2"', version: '', created: 0, fresh: Infinity, stale: Infinity, tags: [], value: { id: '2', role: 'admin' } })!
  await b.inner.set('getUser:"2"', forged)
  const resigned = new Signer({ secret: OTHER }).seal(forged)
  await b.inner.set('getUser:"3"', resigned)
  const warnings = await captureWarnings(async () => {
    assert.equal(await f('2'), { id: '2', role: 'user' })
    assert.equal(await f('3'), { id: '3', role: 'user' })
  })
  assert.is(f.stats().corrupt, 2)
  assert.is(warnings.filter((w) => w.code === 'FNCACHE_BAD_SIGNATURE').length, 1)
  assert.equal(await f('2'), { id: '2', role: 'user' })
  assert.is(impl.n, 3, 'the forged entries were replaced by signed ones')
})

sign('a previous secret still verifies during a rotation; new records use the new secret', async () => {
  const b = bytesBackend()
  configure({ backends: { shared: b }, sign: { secret: OTHER } })
  const impl = counting(async (n: number) => n * 2)
  const f = cached(impl, { id: 'rot', backend: 'shared' })
  await f(1)
  configure({ sign: { secret: SECRET, previous: [OTHER] } })
  await f(1)
  assert.is(impl.n, 1, 'the record signed with the previous secret verified')
  await f(2)
  configure({ sign: { secret: SECRET } })
  await f(2)
  assert.is(impl.n, 2, 'the new record is signed with the current secret')
})

sign('a short or missing secret is a TypeError that says how to make one', () => {
  assert.throws(() => configure({ sign: { secret: 'short' } }), /sign\.secret must be a string or Uint8Array of at least 32 bytes.*Try:/s)
  assert.throws(() => configure({ sign: { secret: SECRET, previous: ['x'] } }), /sign\.previous\[0\]/)
})

sign('signing off again reads signed records without checking them', async () => {
  const b = bytesBackend()
  configure({ backends: { shared: b }, sign: { secret: SECRET } })
  const impl = counting(async (n: number) => n)
  const f = cached(impl, { id: 'off', backend: 'shared' })
  await f(1)
  configure({ sign: null })
  await f(1)
  assert.is(impl.n, 1)
})
sign.run()

// ---

const limits = suite('size limits')
limits.before.each(() => { fresh() })

limits('maxEntrySize: a larger result is returned uncached with one warning (persistent and memory)', async () => {
  configure({ backends: { shared: bytesBackend(), default: memory() }, maxEntrySize: 1000 })
  const big = counting(async (n: number) => 'x'.repeat(n))
  const f = cached(big, { id: 'big', backend: 'shared' })
  const g = cached(counting((n: number) => 'y'.repeat(n)), { id: 'bigMem' })
  const warnings = await captureWarnings(async () => {
    await f(10); await f(10)
    await f(5000); await f(5000)
    g(5000); g(5000)
  })
  assert.is(big.n, 3)
  assert.is(f.stats().sets, 1)
  assert.is(g.stats().sets, 0)
  assert.is(warnings.filter((w) => w.code === 'FNCACHE_ENTRY_TOO_LARGE').length, 2, 'one per function')
  assert.throws(() => configure({ maxEntrySize: 0 }), /maxEntrySize must be a positive integer/)
})

limits('maxKeyLength bounds storage keys; different long keys stay distinct', async () => {
  const b = bytesBackend()
  configure({ backends: { shared: b }, maxKeyLength: 100 })
  const impl = counting(async (s: string) => s.length)
  const f = cached(impl, { id: 'long', backend: 'shared' })
  const a = 'a'.repeat(500)
  const c = 'a'.repeat(499) + 'b'
  assert.is(await f(a), 500)
  assert.is(await f(c), 500)
  assert.is(await f(a), 500)
  assert.is(impl.n, 2)
  const keys = [...engineOf(b.inner as MemoryBackend).store('\0generic', '', null).encoded.keys()] as string[]
  assert.ok(keys.every((k) => k.length <= 100), keys.map((k) => k.length).join(','))
  assert.throws(() => configure({ maxKeyLength: 10 }), /maxKeyLength/)
})
limits.run()
