// cached.batch: per-id callers, one call of the batch function per window (split by maxBatch),
// each element stored under the key a plain per-id cached function uses, tags filled from the id,
// per-id failure, dedupe and read-your-writes. Judged by counts, ids seen and values (no timing).

import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { cached, configure, invalidateTags } from '../../runtime/index.js'
import { file } from '../../runtime/backends/file/index.js'
import batchedUncompiled from '../../browser.js'
import { bytesBackend } from '../helpers/bytes-backend.js'
import { captureWarnings, fresh, tick } from '../helpers/runtime.js'

interface User { id: string; name: string }

/** A users table and a batch loader over it that records every call's ids. */
function table(n = 1000) {
  const db = new Map<string, User>()
  for (let i = 0; i < n; i++) db.set(String(i), { id: String(i), name: `user ${i}` })
  const calls: string[][] = []
  const findMany = async (ids: readonly string[]) => {
    calls.push([...ids])
    return ids.map((id) => db.get(id))
  }
  return { db, calls, findMany }
}

const test = suite('cached.batch')
test.before.each(() => { fresh() })

test('1,000 concurrent misses over 1,000 ids with maxBatch 100: 10 calls, each element stored under its own id', async () => {
  const t = table()
  const getUser = cached.batch(async function getUsers(ids: readonly string[]) { return t.findMany(ids) }, { id: 'users', maxBatch: 100 })
  const ids = [...Array(1000).keys()].map(String)
  const users = await Promise.all(ids.map((id) => getUser(id)))
  assert.is(t.calls.length, 10)
  assert.ok(t.calls.every((c) => c.length === 100))
  assert.equal(new Set(t.calls.flat()).size, 1000, 'every id asked once')
  users.forEach((u, i) => assert.is(u?.id, String(i), 'each caller gets its own element'))
  // Stored per id: a second round is all hits.
  await Promise.all(ids.map((id) => getUser(id)))
  assert.is(t.calls.length, 10)
  assert.is(getUser.stats().hits, 1000)
  assert.is(getUser.stats().misses, 1000)
})

test('misses of one turn go to one call; without maxBatch there is no split', async () => {
  const t = table()
  const getUser = cached.batch(t.findMany, { id: 'users' })
  await Promise.all(['1', '2', '3'].map((id) => getUser(id)))
  assert.equal(t.calls, [['1', '2', '3']])
  await getUser('4')
  assert.equal(t.calls, [['1', '2', '3'], ['4']])
})

test('the key is the one a plain cached per-id function of the same id uses', async () => {
  const t = table()
  const getUser = cached.batch(t.findMany, { id: 'users' })
  const plain = cached(async (id: string) => t.db.get(id), { id: 'users-plain', prefix: 'users:' })
  assert.is(getUser.key('7'), plain.key('7'))
  assert.is(getUser.key('7'), 'users:"7"')
  // peek and invalidate address the same entry.
  await getUser('7')
  assert.is((await getUser.peek('7'))?.name, 'user 7')
  assert.is(await getUser.invalidate('7'), true)
  assert.is(await getUser.peek('7'), undefined)
})

test('a Map result is read by id; a missing id resolves undefined and only its own callers', async () => {
  const calls: string[][] = []
  const getUser = cached.batch(async (ids: readonly string[]) => {
    calls.push([...ids])
    return new Map(ids.filter((id) => id !== 'ghost').map((id) => [id, { id }]))
  }, { id: 'users' })
  const [a, ghost, b] = await Promise.all([getUser('a'), getUser('ghost'), getUser('b')])
  assert.equal([a, ghost, b], [{ id: 'a' }, undefined, { id: 'b' }])
  assert.is(calls.length, 1)
})

test('an Error element rejects only its id\'s callers; a failed call rejects only its own batch', async () => {
  const calls: string[][] = []
  const getUser = cached.batch(async (ids: readonly string[]) => {
    calls.push([...ids])
    if (ids.includes('boom')) throw new Error('db down for this batch')
    return ids.map((id) => (id === 'bad' ? new Error(`no access to ${id}`) : { id }))
  }, { id: 'users', maxBatch: 2 })
  const settled = await Promise.allSettled([getUser('a'), getUser('bad'), getUser('boom'), getUser('c')])
  assert.equal(calls, [['a', 'bad'], ['boom', 'c']])
  assert.equal(settled.map((s) => s.status), ['fulfilled', 'rejected', 'rejected', 'rejected'])
  assert.match((settled[1] as PromiseRejectedResult).reason.message, 'no access to bad')
  assert.match((settled[2] as PromiseRejectedResult).reason.message, 'db down')
  // Failures are not stored: the next call asks again; the success was stored.
  assert.equal(await getUser('a'), { id: 'a' })
  assert.equal(await getUser('bad').catch((e: Error) => e.message), 'no access to bad')
  assert.equal(calls.length, 3)
})

test('a result that is neither one element per id nor a Map rejects its callers with a clear error', async () => {
  const short = cached.batch(async (ids: readonly string[]) => ids.slice(1), { id: 'short' })
  const [x] = await Promise.allSettled([short('1'), short('2')])
  assert.match((x as PromiseRejectedResult).reason.message, /short returned 1 results for 2 ids/)
  const obj = cached.batch(async () => ({}) as never, { id: 'obj' })
  await obj('1').then(() => assert.unreachable(), (e: Error) => assert.match(e.message, /obj must return an array in the order of ids or a Map keyed by id/))
})

test('concurrent callers of one id share one element; duplicates never reach the batch function', async () => {
  for (const dedupe of [true, false]) {
    const t = table()
    const getUser = cached.batch(t.findMany, { id: `users-${dedupe}`, dedupe })
    const got = await Promise.all(['1', '1', '2', '1'].map((id) => getUser(id)))
    assert.equal(got.map((u) => u?.id), ['1', '1', '2', '1'])
    assert.equal(t.calls, [['1', '2']], `dedupe: ${dedupe}`)
  }
})

test('tag templates are filled from each id', async () => {
  const t = table()
  const getUser = cached.batch(t.findMany, { id: 'users', tags: ['users', 'user:{id}'] })
  await Promise.all(['1', '2', '3'].map((id) => getUser(id)))
  await invalidateTags(['user:2'])
  await Promise.all(['1', '2', '3'].map((id) => getUser(id)))
  assert.equal(t.calls, [['1', '2', '3'], ['2']])
  await invalidateTags('users')
  await Promise.all(['1', '3'].map((id) => getUser(id)))
  assert.equal(t.calls.at(-1), ['1', '3'])
})

// A batch goes out on setImmediate, whose order against tick()'s setTimeout(0) is not fixed: wait
// for the batch itself (bounded).
const batchesStarted = async (calls: unknown[], n: number) => {
  for (let i = 0; i < 1_000 && calls.length < n; i++) await new Promise<void>((r) => setImmediate(r))
}

test('a batch in flight when its id is invalidated does not store its stale element', async () => {
  const db = new Map([['1', 'v1'], ['2', 'v1']])
  const calls: string[][] = []
  let release = () => {}
  const getUser = cached.batch(async (ids: readonly string[]) => {
    calls.push([...ids])
    const read = ids.map((id) => `${id}=${db.get(id)}`)
    if (calls.length === 1) await new Promise<void>((r) => { release = r })
    return read
  }, { id: 'users', tags: ['user:{id}'] })
  const a = getUser('1')
  const b = getUser('2')
  await batchesStarted(calls, 1)
  assert.equal(calls, [['1', '2']], 'the batch is running')
  db.set('1', 'v2')
  await invalidateTags(['user:1'])
  const c = getUser('1')
  await batchesStarted(calls, 2)
  assert.equal(calls, [['1', '2'], ['1']], 'a caller after the invalidation starts afresh')
  release()
  assert.is(await a, '1=v1', 'the detached call still answers its own caller')
  assert.is(await b, '2=v1')
  assert.is(await c, '1=v2')
  assert.is(await getUser('1'), '1=v2', 'the stale element was not stored over the new one')
  assert.is(await getUser('2'), '2=v1', 'the uncovered id was stored')
  assert.is(calls.length, 2)
})

test('a byte backend: misses whose reads resolve together join one batch; elements are stored as records', async () => {
  const b = bytesBackend()
  configure({ backends: { b } })
  const t = table()
  const getUser = cached.batch(t.findMany, { id: 'users', backend: 'b', maxBatch: 100 })
  const ids = [...Array(250).keys()].map(String)
  const users = await Promise.all(ids.map((id) => getUser(id)))
  users.forEach((u, i) => assert.is(u?.id, String(i)))
  assert.is(t.calls.length, 3)
  assert.is(b.sets, 250)
  await Promise.all(ids.map((id) => getUser(id)))
  assert.is(t.calls.length, 3, 'all hits')
})

test('the file backend: each element is its own record, read back by a second function of the same id', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'fncache-batch-'))
  try {
    configure({ backends: { f: file({ dir }) } })
    const t = table(50)
    const getUser = cached.batch(t.findMany, { id: 'users', backend: 'f', version: '1' })
    const ids = [...Array(50).keys()].map(String)
    await Promise.all(ids.map((id) => getUser(id)))
    const asked = t.calls.flat().length
    assert.is(asked, 50)
    // A plain per-id function under the same id and version reads the batch's records.
    const plain = cached(async (id: string) => ({ id, name: 'never called' }), { id: 'users', backend: 'f', version: '1', compiled: true } as never) as (id: string) => Promise<User>
    assert.equal(await plain('7'), { id: '7', name: 'user 7' })
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
})

test('batchWindow collects misses across turns of the event loop', async () => {
  const t = table()
  const getUser = cached.batch(t.findMany, { id: 'users', batchWindow: 200 })
  const a = getUser('1')
  await tick()
  const b = getUser('2')
  await Promise.all([a, b])
  assert.equal(t.calls, [['1', '2']])
})

test('bad options name the function, the option and the fix', () => {
  const f = async (ids: readonly string[]) => ids
  const cases: [Record<string, unknown>, RegExp][] = [
    [{ maxBatch: 0 }, /users: option maxBatch must be a positive integer.*received 0/],
    [{ maxBatch: 1.5 }, /option maxBatch/],
    [{ batchWindow: 'soon' }, /users: option batchWindow must be a finite duration/],
    [{ key: ['id'] }, /users: cached.batch takes no key option/],
    [{ tags: ['user:{ids}'] }, /users: tag "user:\{ids\}" names \{ids\}; in cached.batch a template names the element as \{id\}/],
    [{ tll: '5m' }, /unknown option "tll"; did you mean "ttl"/],
  ]
  for (const [options, message] of cases) {
    assert.throws(() => cached.batch(f, { id: 'users', ...options } as never), message, JSON.stringify(options))
  }
  assert.throws(() => cached.batch('getUsers' as never), /cached.batch\(\) expects a function of an array of ids/)
})

test('uncompiled from the package root: the one-time warning, then batching as usual', async () => {
  const t = table()
  let getUser!: (id: string) => Promise<User | undefined>
  const warnings = await captureWarnings(() => {
    getUser = batchedUncompiled.batch(t.findMany, { id: 'users' })
  })
  assert.ok(warnings.some((w) => w.code === 'FNCACHE_UNCOMPILED'))
  await Promise.all(['1', '2'].map((id) => getUser(id)))
  assert.equal(t.calls, [['1', '2']])
})

test.run()
