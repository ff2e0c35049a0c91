// The `validate` option: a value read back that fails a Standard Schema (zod 4, a real one) or a
// predicate is a miss: counted (`invalid`), removed from the backend, recomputed. Checked once per
// read from a byte backend (the real file backend, sync and async; an async-only byte backend),
// never on memory hits unless `onMemory: true`.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { z } from 'zod'
import { cached, configure, metrics } from '../../runtime/index.js'
import { wrap } from '../../runtime/internal.js'
import { file } from '../../runtime/backends/file/index.js'
import { bytesBackend } from '../helpers/bytes-backend.js'
import { captureWarnings, counting, fresh, tick, type FakeClock } from '../helpers/runtime.js'

const User = z.object({ id: z.string(), name: z.string() })
type Shape = { id: string; name?: string; fullName?: string }

const dirs: string[] = []
let clock: FakeClock
function disk() {
  const dir = mkdtempSync(join(tmpdir(), 'fncache-validate-'))
  dirs.push(dir)
  configure({ backends: { disk: file({ dir, now: clock.now }) } })
}

/** Two deploys of one function (same id and version): the old one wrote another shape. */
function deploys(validate: unknown, options: Record<string, unknown> = {}) {
  const old = wrap((id: string): Shape => ({ id, fullName: 'Ann Lee' }), { id: 'src/users.ts#user', version: 'v1', backend: 'disk', compiled: true, async: false })
  const impl = counting((id: string): Shape => ({ id, name: 'Ann' }))
  const now = wrap(impl, { id: 'src/users.ts#user', version: 'v1', backend: 'disk', compiled: true, async: false, validate, ...options } as never)
  return { old, impl, now }
}

const api = suite('validate: options')
api.before.each(() => { clock = fresh() })
api('accepts a Standard Schema, a predicate, and { schema, onMemory }', () => {
  cached((id: string) => ({ id, name: '' }), { id: 'a', validate: User })
  cached((id: string) => ({ id, name: '' }), { id: 'b', validate: (u) => typeof u.name === 'string' })
  cached((id: string) => ({ id, name: '' }), { id: 'c', validate: { schema: User, onMemory: true } })
})
api('rejects anything else, naming the function and the option', () => {
  assert.throws(() => cached((id: string) => id, { id: 'bad', validate: 5 as never }), /\[E_OPTION\] bad: option validate must be a Standard Schema/)
  assert.throws(() => cached((id: string) => id, { id: 'bad2', validate: { schema: 'x' } as never }), /option validate must be a Standard Schema/)
  assert.throws(() => cached((id: string) => id, { id: 'bad3', validate: { schema: User, onMemory: 'yes' } as never }), /validate\.onMemory must be true or false/)
  assert.throws(() => cached((id: string) => id, { id: 'bad4', validate: { schema: User, memory: true } as never }), /unknown key "memory"/)
})
api.run()

// ---

const bytes = suite('validate: byte backends')
bytes.before.each(() => { clock = fresh(); disk() })
bytes.after(() => { for (const d of dirs) rmSync(d, { recursive: true, force: true }) })

bytes('zod: a value of an older shape is a miss, counted, recomputed; the new value is then a hit', () => {
  const { old, impl, now } = deploys(User)
  old('1')
  assert.equal(now('1'), { id: '1', name: 'Ann' })
  assert.is(impl.n, 1)
  assert.equal(now('1'), { id: '1', name: 'Ann' })
  assert.is(impl.n, 1, 'the recomputed value was stored and passes')
  const s = now.stats()
  assert.is(s.invalid, 1)
  assert.is(s.misses, 1)
  assert.is(s.hits, 1)
})

bytes('the failing record is removed from the backend (nothing stored in its place here)', () => {
  const { old, now } = deploys(User, { cacheIf: () => false })
  old('1')
  assert.equal(old.peek('1'), { id: '1', fullName: 'Ann Lee' })
  now('1')
  assert.is(old.peek('1'), undefined, 'the old record is gone')
})

bytes('a predicate: validated once per read, not on the write', () => {
  let checks = 0
  const { old, impl, now } = deploys((u: Shape) => { checks++; return typeof u.name === 'string' })
  old('1')
  now('1')
  assert.is(checks, 1, 'the old value, read once')
  now('1'); now('1')
  assert.is(checks, 3, 'one check per read')
  assert.is(impl.n, 1)
  assert.is(now.stats().invalid, 1)
})

bytes('peek() does not serve a value that fails, and removes it', () => {
  const { old, now } = deploys(User)
  old('1')
  assert.is(now.peek('1'), undefined)
  assert.is(old.peek('1'), undefined)
  assert.is(now.stats().invalid, 1)
})

bytes('async functions on an async byte backend: the one-read hit path validates too', async () => {
  configure({ backends: { bytes: bytesBackend() } })
  const old = wrap(async (id: string): Promise<Shape> => ({ id, fullName: 'x' }), { id: 'src/u.ts#u', version: 'v', backend: 'bytes', compiled: true, async: true })
  const impl = counting(async (id: string): Promise<Shape> => ({ id, name: 'Ann' }))
  const now = wrap(impl, { id: 'src/u.ts#u', version: 'v', backend: 'bytes', compiled: true, async: true, validate: User } as never)
  await old('1')
  assert.equal(await now('1'), { id: '1', name: 'Ann' })
  assert.equal(await now('1'), { id: '1', name: 'Ann' })
  assert.is(impl.n, 1)
  assert.is(now.stats().invalid, 1)
  assert.is(now.stats().hits, 1)
  assert.is(metrics().functions['src/u.ts#u']!.invalid, 1)
  assert.match(await metrics.prometheus(), /\nfncache_invalid_total\{function="src\/u\.ts#u",backend="bytes"\} 1\n/)
})

bytes('a check that throws fails the read (counted as invalid and as an error), never the call', () => {
  const { old, impl, now } = deploys(() => { throw new Error('boom') })
  old('1')
  assert.equal(now('1'), { id: '1', name: 'Ann' })
  assert.is(impl.n, 1)
  assert.is(now.stats().invalid, 1)
  assert.is(now.stats().errors, 1)
})

bytes('an asynchronous check fails closed and warns once (FNCACHE_ASYNC_VALIDATE)', async () => {
  const { old, impl, now } = deploys(async () => true)
  old('1')
  const seen = await captureWarnings(() => { now('1'); now('1') })
  assert.is(impl.n, 2, 'never served unchecked')
  assert.is(now.stats().invalid, 2)
  assert.equal(seen.filter((w) => w.code === 'FNCACHE_ASYNC_VALIDATE').length, 1)
  await tick()
})
bytes.run()

// ---

const mem = suite('validate: memory')
mem.before.each(() => { clock = fresh() })

mem('memory hits are not validated unless asked', () => {
  let checks = 0
  const impl = counting((id: string) => ({ id, name: 'Ann' }))
  const f = cached(impl, { id: 'm', validate: () => { checks++; return true } })
  f('1'); f('1'); f('1')
  assert.is(checks, 0)
  assert.is(f.stats().hits, 2)
})

mem('onMemory: every hit is checked; a value mutated in place fails, is dropped and recomputed', () => {
  const impl = counting((id: string) => ({ id, name: 'Ann' }))
  const f = cached(impl, { id: 'm2', validate: { schema: User, onMemory: true } })
  const first = f('1')
  assert.is(f('1'), first)
  ;(first as { name: unknown }).name = 42 // a caller corrupts the shared cached object
  const again = f('1')
  assert.equal(again, { id: '1', name: 'Ann' })
  assert.is.not(again, first)
  assert.is(impl.n, 2)
  const s = f.stats()
  assert.is(s.invalid, 1)
  assert.is(s.hits, 1)
  assert.is(s.misses, 2)
})
mem.run()
