import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { cached, metrics } from '../../runtime/index.js'
import { wrap } from '../../runtime/internal.js'
import { counting, fresh, captureWarnings } from '../helpers/runtime.js'

const API = suite('API')
API('a cached function carries its methods and id', () => {
  fresh()
  const f = cached(function double(n: number) { return n * 2 })
  for (const m of ['invalidate', 'peek', 'refresh', 'warm', 'key', 'clear', 'stats']) assert.type((f as any)[m], 'function', m)
  assert.is(f.id, 'double')
  assert.is(f.name, 'double')
  assert.is(f.length, 1)
})
API.run()

// ---

const sync = suite('sync functions')
sync.before.each(() => { fresh() })

sync('a second call with the same argument is a hit', () => {
  const impl = counting((n: number) => n * 2)
  const f = cached(impl, { id: 'double' })
  assert.is(f(21), 42)
  assert.is(f(21), 42)
  assert.is(impl.n, 1)
  assert.equal({ hits: f.stats().hits, misses: f.stats().misses, sets: f.stats().sets }, { hits: 1, misses: 1, sets: 1 })
})

sync('arguments of different types never share an entry', () => {
  const impl = counting((...args: unknown[]) => JSON.stringify(args.map((a) => typeof a)))
  const f = cached(impl, { id: 'types' })
  const calls: unknown[][] = [[1], ['1'], [1n], [true], ['true'], [null], [undefined], [], [0], [-0], [NaN], ['a,b'], ['a', 'b'], [[1], [2]], [[1, 2]], [{ a: 1 }]]
  const first = calls.map((args) => f(...args))
  assert.is(impl.n, calls.length)
  const second = calls.map((args) => f(...args))
  assert.equal(second, first)
  assert.is(impl.n, calls.length, 'every repeated call hits')
})

sync('plain objects are keyed by value, not identity or key order', () => {
  const impl = counting((o: { id: number; page: number }) => o.id * 100 + o.page)
  const f = cached(impl, { id: 'obj' })
  assert.is(f({ id: 1, page: 2 }), 102)
  assert.is(f({ page: 2, id: 1 }), 102)
  assert.is(impl.n, 1)
})

sync('this is preserved', () => {
  const obj = { factor: 3, times: cached(function (this: { factor: number }, n: number) { return n * this.factor }, { id: 'times' }) }
  assert.is(obj.times(2), 6)
})

sync('a thrown error is not stored and reaches the caller each time', () => {
  let fail = true
  const impl = counting((n: number) => { if (fail) throw new Error('boom ' + n); return n })
  const f = cached(impl, { id: 'thrower' })
  assert.throws(() => f(1), /boom 1/)
  assert.throws(() => f(1), /boom 1/)
  fail = false
  assert.is(f(1), 1)
  assert.is(impl.n, 3)
})

sync('cacheIf decides what is stored', () => {
  const impl = counting((n: number) => (n > 0 ? n : null))
  const f = cached(impl, { id: 'cacheIf', cacheIf: (r) => r !== null })
  f(-1); f(-1); f(5); f(5)
  assert.is(impl.n, 3)
})

sync('key: [name] keys by the named parameters only', () => {
  let calls = 0
  const f = cached((id: number, _trace: string) => { calls++; return id * 10 }, { id: 'byId', key: ['id'] })
  assert.is(f(1, 'a'), 10)
  assert.is(f(1, 'b'), 10)
  assert.is(calls, 1)
  assert.is(f.key(1, 'zzz'), 'byId:1')
})

sync('key: function keys by its result', () => {
  const impl = counting((req: { user: string; at: number }) => req.user.toUpperCase())
  const f = cached(impl, { id: 'byUser', key: (req) => req.user })
  f({ user: 'ada', at: 1 }); f({ user: 'ada', at: 2 })
  assert.is(impl.n, 1)
  assert.is(f.key({ user: 'ada', at: 3 }), 'byUser:"ada"')
})

sync('key() is readable: prefix plus encoded arguments', () => {
  const f = cached((a: unknown, b?: unknown) => a, { id: 'src/users.ts#getUser' })
  assert.is(f.key(42), 'src/users.ts#getUser:42')
  assert.is(f.key('42'), 'src/users.ts#getUser:"42"')
  assert.is(f.key('a', 2), 'src/users.ts#getUser:"a",2')
  const p = cached((a: number) => a, { id: 'x', prefix: 'user:' })
  assert.is(p.key(7), 'user:7')
})

sync('an argument that cannot be a key is a TypeError naming the function and the parameter', () => {
  const f = cached((x: unknown) => x, { id: 'src/a.ts#f', params: ['filter'] })
  try {
    f({ cb: () => 1 })
    assert.unreachable('should have thrown')
  } catch (e) {
    assert.instance(e, TypeError)
    assert.match((e as Error).message, 'src/a.ts#f')
    assert.match((e as Error).message, 'filter')
  }
})

sync('peek() returns the cached value without calling; undefined otherwise', () => {
  const impl = counting((n: number) => n + 1)
  const f = cached(impl, { id: 'peek' })
  assert.is(f.peek(1), undefined)
  f(1)
  assert.is(f.peek(1), 2)
  assert.is(impl.n, 1)
})

sync('invalidate() removes one entry; clear() removes all of the function', async () => {
  const impl = counting((n: number) => n)
  const f = cached(impl, { id: 'inv' })
  f(1); f(2)
  assert.is(await f.invalidate(1), true)
  assert.is(await f.invalidate(1), false)
  f(1); f(2)
  assert.is(impl.n, 3)
  await f.clear()
  f(1); f(2)
  assert.is(impl.n, 5)
})

sync('refresh() recomputes and stores whatever is cached', () => {
  let v = 1
  const f = cached((_k: string) => v, { id: 'refresh' })
  assert.is(f('k'), 1)
  v = 2
  assert.is(f('k'), 1)
  assert.is(f.refresh('k'), 2)
  assert.is(f('k'), 2)
})

sync('two uncompiled functions with one name get distinct ids and a warning', async () => {
  let a: any, b: any
  const warnings = await captureWarnings(() => {
    a = cached(function load(n: number) { return 'a' + n })
    b = cached(function load(n: number) { return 'b' + n })
  })
  assert.is(a(1), 'a1')
  assert.is(b(1), 'b1')
  assert.is.not(a.id, b.id)
  assert.ok(warnings.some((w) => w.code === 'FNCACHE_DUPLICATE_ID'))
})

sync('calls of different arities never share an entry', () => {
  const impl = counting((...xs: unknown[]) => xs.length)
  const f = cached(impl, { id: 'arity' })
  assert.is(f(1, 2), 2); assert.is(f(1, 2, 3), 3); assert.is(f(1, 2, undefined), 3); assert.is(f(1), 1)
  assert.is(f(1, 2), 2); assert.is(f(1, 2, 3), 3); assert.is(f(1, 2, undefined), 3); assert.is(f(1), 1)
  assert.is(impl.n, 4)
})

sync('multi-argument entries can be peeked, invalidated by key and by prefix, and evicted', async () => {
  const impl = counting((a: string, b: number) => a + b)
  const f = cached(impl, { id: 'two' })
  f('x', 1); f('x', 2); f('y', 1)
  assert.is(f.peek('x', 2), 'x2')
  assert.is(await f.invalidate('x', 2), true)
  assert.is(f.peek('x', 2), undefined)
  assert.is(f.peek('x', 1), 'x1')
  const { invalidatePrefixSync } = await import('../../runtime/index.js')
  assert.is(invalidatePrefixSync('two:"x"'), 1)
  assert.is(f.peek('y', 1), 'y1')
  assert.is(f.peek('x', 1), undefined)
})

sync('functions of many arities and rest parameters', () => {
  const impl = counting((...xs: number[]) => xs.reduce((s, x) => s + x, 0))
  const f = cached(impl, { id: 'sum' })
  assert.is(f(), 0); assert.is(f(1, 2, 3, 4, 5), 15); assert.is(f(1, 2, 3, 4, 5), 15); assert.is(f(), 0)
  assert.is(impl.n, 2)
})
sync.run()

// ---

const compiled = suite('compiled wrap()')
compiled.before.each(() => { fresh() })

compiled('primitive arguments are found by value; keyOf builds the logical key', () => {
  const impl = counting((s: unknown, n: unknown, b: unknown) => `${String(s)}|${String(n)}|${String(b)}`)
  let keyOfCalls = 0
  const f = wrap(impl, {
    id: 'src/a.ts#three', compiled: true, params: ['s', 'n', 'b'],
    keyOf: (s: unknown, n: unknown, b: unknown) => {
      keyOfCalls++
      return typeof s === 'string' && typeof n === 'number' && typeof b === 'boolean'
        ? JSON.stringify(s) + ',' + (n === 0 && 1 / n < 0 ? '-0' : '' + n) + ',' + b : undefined
    },
  })
  f('a', 1, true); f('a', 1, true)
  assert.is(impl.n, 1)
  f('a', '1', true)
  assert.is(impl.n, 2, "'1' is not 1")
  const before = keyOfCalls
  assert.is(f.key('a', 1, true), 'src/a.ts#three:"a",1,true')
  assert.is(keyOfCalls, before + 1)
  assert.is(f.key('a', '1', true), 'src/a.ts#three:"a","1",true', 'the guard fails and the generic encoder answers')
})

compiled('declared parameters key the call: a missing trailing argument equals undefined', () => {
  const impl = counting((a: number, b?: number) => a + (b ?? 0))
  const f = wrap(impl, { id: 'opt', compiled: true, params: ['a', 'b'] })
  f(1); f(1, undefined)
  assert.is(impl.n, 1)
})

compiled('a recursive function hits its own cache', () => {
  let calls = 0
  const fib: (n: number) => number = wrap((n: number): number => { calls++; return n < 2 ? n : fib(n - 1) + fib(n - 2) }, { id: 'fib', compiled: true, params: ['n'] })
  assert.is(fib(40), 102334155)
  assert.is(calls, 41)
})

compiled('metrics() reports per function id', () => {
  const f = wrap((n: number) => n, { id: 'src/m.ts#f', compiled: true, params: ['n'] })
  f(1); f(1); f(2)
  const m = metrics()
  assert.equal([m.functions['src/m.ts#f']!.hits, m.functions['src/m.ts#f']!.misses], [1, 2])
})
compiled.run()
