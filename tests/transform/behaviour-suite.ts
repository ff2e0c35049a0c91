// The behaviour of compiled output, executed against the real runtime, for any compiler (klona's
// parameterised suites): hits, misses, tags from templates, key selection, recursion through the
// cache, stable and distinct ids, and source maps that point errors at the original lines.
// Compiled modules are written under .cache/ (gitignored) inside the repository, so
// 'fncache.macro/runtime' resolves to the package. Callers: behaviour.test.ts (Babel), parity.test.ts (SWC).
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { ROOT } from './compile.js'

/** One compiler: TypeScript in, ES module code out (with an inline source map when asked), plus its plans. */
export interface Compiler {
  name: string
  compile(code: string, filename: string, sourceMaps: boolean): string
  plans(code: string, filename: string): { id: string; version: string }[]
}

const TMP = join(ROOT, '.cache/fncache-tests')
let counter = 0
const written: string[] = []
process.on('exit', () => { for (const f of written) rmSync(f, { force: true }) })

/** Compiles `code` as if it were `<ROOT>/<file>`, writes it to a fresh .mjs and imports it. */
export async function loadWith(compiler: Compiler, file: string, code: string): Promise<any> {
  mkdirSync(TMP, { recursive: true })
  process.setSourceMapsEnabled(true)
  const out = join(TMP, `${process.pid}-${++counter}.mjs`)
  writeFileSync(out, compiler.compile(code, join(ROOT, file), true))
  written.push(out)
  return import(pathToFileURL(out).href)
}

export default function behaviourSuites(compiler: Compiler): void {
const load = (file: string, code: string) => loadWith(compiler, file, code)
const plansOf = (file: string, code: string) => compiler.plans(code, join(ROOT, file))

const USERS = `import cached, { invalidateTags } from 'fncache.macro'
export const calls = { getUser: 0, search: 0, byId: 0, fib: 0, named: 0 }
export const getUser = cached(async function getUser(id: string) {
  calls.getUser++
  return { id, name: 'user ' + id }
}, { ttl: '5m', tags: ['users', 'user:{id}'] })
export const search = cached((name: string, page: number, draft: boolean) => {
  calls.search++
  return [name, page, draft].join('|')
})
export const byId = cached((id: number, trace: string) => {
  calls.byId++
  return id * 2
}, { key: ['id'] })
export const fib = cached((n: number): number => {
  calls.fib++
  return n < 2 ? n : fib(n - 1) + fib(n - 2)
})
export const named = cached(function named(n: number): number {
  calls.named++
  return n < 2 ? n : named(n - 1) + named(n - 2)
})
export { invalidateTags }
`

const behaviour = suite(`${compiler.name}: compiled output, executed`)
behaviour.before(async (context) => {
  context.m = await load('src/behaviour/users.ts', USERS)
})
behaviour('a call misses, then hits', async ({ m }) => {
  const a = await m.getUser('42')
  const b = await m.getUser('42')
  assert.equal(a, { id: '42', name: 'user 42' })
  assert.equal(b, a)
  assert.is(m.calls.getUser, 1)
  assert.is(m.getUser.id, 'src/behaviour/users.ts#getUser')
  const stats = m.getUser.stats()
  assert.equal([stats.hits, stats.misses], [1, 1])
})
behaviour('tags compiled from templates are invalidated by invalidateTags()', async ({ m }) => {
  await m.getUser('7')
  await m.getUser('8')
  const before = m.calls.getUser
  await m.invalidateTags(['user:7'])
  await m.getUser('7')
  await m.getUser('8')
  assert.is(m.calls.getUser, before + 1)
  await m.invalidateTags(['users'])
  await m.getUser('8')
  assert.is(m.calls.getUser, before + 2)
})
behaviour('three primitive arguments hit through the compiled keyOf', ({ m }) => {
  assert.is(m.search('a,b', 1, true), 'a,b|1|true')
  assert.is(m.search('a,b', 1, true), 'a,b|1|true')
  assert.is(m.search('a', -0, true), 'a|0|true')
  assert.is(m.search('a', 0, true), 'a|0|true')
  assert.is(m.calls.search, 3)
  assert.ok(m.search.key('a', 1, false).endsWith('"a",1,false'), m.search.key('a', 1, false))
})
behaviour('key: ["id"] keys on the named argument only', ({ m }) => {
  assert.is(m.byId(2, 'trace-1'), 4)
  assert.is(m.byId(2, 'trace-2'), 4)
  assert.is(m.byId(3, 'trace-1'), 6)
  assert.is(m.calls.byId, 2)
})
behaviour('recursion goes through the cache (binding and named function expression)', ({ m }) => {
  assert.is(m.fib(40), 102334155)
  assert.is(m.calls.fib, 41)
  assert.is(m.named(40), 102334155)
  assert.is(m.calls.named, 41)
})
behaviour.run()

// ---

const identity = suite(`${compiler.name}: ids and versions across compiles`)
identity('the same file compiles to the same ids and versions twice', () => {
  assert.equal(plansOf('src/users.ts', USERS), plansOf('src/users.ts', USERS))
})
identity('two files that both define getUser get different ids, and separate caches', async () => {
  const source = (label: string) => `import cached from 'fncache.macro'\nexport const getUser = cached((id: string) => '${label}:' + id)\n`
  const a = await load('src/a/users.ts', source('a'))
  const b = await load('src/b/users.ts', source('b'))
  assert.is(a.getUser.id, 'src/a/users.ts#getUser')
  assert.is(b.getUser.id, 'src/b/users.ts#getUser')
  assert.is(a.getUser('1'), 'a:1')
  assert.is(b.getUser('1'), 'b:1')
})
identity('editing one function changes its version only', () => {
  const edited = USERS.replace('return id * 2', 'return id * 3')
  const before = plansOf('src/users.ts', USERS)
  const after = plansOf('src/users.ts', edited)
  for (let i = 0; i < before.length; i++) {
    assert.is(after[i]!.id, before[i]!.id)
    if (before[i]!.id.endsWith('#byId')) assert.is.not(after[i]!.version, before[i]!.version)
    else assert.is(after[i]!.version, before[i]!.version)
  }
})
identity.run()

// ---

const maps = suite(`${compiler.name}: source maps`)
maps('an error thrown inside a cached function points at its original line', async () => {
  const code = `import cached from 'fncache.macro'

type Id = string

export const fail = cached(async (id: Id, attempt: number) => {
  const message: string = 'boom ' + id
  throw new Error(message)
}, { ttl: '1m', tags: ['x:{id}'] })
`
  const m = await load('src/maps/fail.ts', code)
  try {
    await m.fail('1', 1)
    assert.unreachable('should have thrown')
  } catch (error) {
    const frame = (error as Error).stack!.split('\n').find((l) => l.includes('fail.ts'))
    assert.ok(frame, (error as Error).stack)
    assert.match(frame!, /fail\.ts:7:\d+/)
  }
})
maps.run()

// ---

const BATCH = `import cached, { invalidateTags } from 'fncache.macro'
export const calls: string[][] = []
export const getUser = cached.batch(async function getUsers(ids: readonly string[]) {
  calls.push([...ids])
  return ids.map((id) => (id === 'ghost' ? undefined : { id, name: 'user ' + id }))
}, { ttl: '5m', tags: ['user:{id}'], maxBatch: 100 })
export const plain = cached(async (id: string) => ({ id }), { id: 'plain', prefix: 'src/behaviour/batch.ts#getUser:' })
export { invalidateTags }
`

const batch = suite(`${compiler.name}: compiled cached.batch, executed`)
batch.before(async (context) => {
  context.m = await load('src/behaviour/batch.ts', BATCH)
})
batch('1,000 concurrent misses with maxBatch 100: 10 batch calls; then hits', async ({ m }) => {
  const ids = [...Array(1000).keys()].map(String)
  const users = await Promise.all(ids.map((id) => m.getUser(id)))
  assert.is(m.calls.length, 10)
  users.forEach((u: { id: string }, i: number) => assert.is(u.id, String(i)))
  await Promise.all(ids.map((id) => m.getUser(id)))
  assert.is(m.calls.length, 10)
  assert.is(m.getUser.id, 'src/behaviour/batch.ts#getUser')
})
batch('each id is keyed as a plain per-id function would be, and tagged from its id', async ({ m }) => {
  assert.is(m.getUser.key('5'), m.plain.key('5'))
  const before = m.calls.length
  assert.is(await m.getUser('ghost'), undefined)
  await m.invalidateTags(['user:5'])
  await Promise.all(['5', '6'].map((id) => m.getUser(id)))
  assert.equal(m.calls.slice(before), [['ghost'], ['5']])
})
batch.run()
}
