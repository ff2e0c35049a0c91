// Object keys by shape (the OBJECT key kind): value-equal plain objects of primitives share an entry
// in any property order, through the fast one-argument path and the generic path alike; everything
// the shape cannot hold exactly (-0, nested values, symbols, other prototypes, many properties)
// still goes through the encoder; logical keys, invalidation and the decoder see the encoded form.
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { cached, configure, invalidatePrefixSync, memory } from '../../runtime/index.js'
import { OBJECT, ENCODED } from '../../runtime/backends/key-kind.js'
import { MAX_SHAPE_KEYS, MAX_SHAPES, declaredShape, fillDeclared, knownShape, objectKey, objectKeyText } from '../../runtime/backends/object-key.js'
import { wrap } from '../../runtime/internal.js'
import { decodeStoreKey } from '../../runtime/key-decode.js'
import { MISS, engineOf } from '../../runtime/backends/memory.js'
import { dropLogical } from '../../runtime/backends/tiered.js'
import { encodeArgs } from '../../runtime/key.js'
import { counting, fresh } from '../helpers/runtime.js'

const key = suite('objectKey()')

key('a flat plain object of primitives: [shape, values in sorted name order]', () => {
  const k = objectKey({ page: 2, id: 1 })!
  assert.equal(k.slice(1), [1, 2])
  assert.equal((k[0] as { keys: string[] }).keys, ['id', 'page'])
  assert.is(objectKey({ id: 5, page: 6 })![0], k[0], 'one interned shape for both orders')
  assert.is(knownShape(['page', 'id']), k[0])
  for (const o of [{ a: 'x' }, { a: true, b: null, c: undefined, d: 12n, e: NaN, f: Infinity }]) assert.ok(objectKey(o), JSON.stringify(Object.keys(o)))
})

key('two copies of the package share shapes (a key made by one finds an entry stored by the other)', async () => {
  const copy = await import('../../runtime/backends/object-key.js?second-copy') as typeof import('../../runtime/backends/object-key.js')
  assert.is.not(copy.objectKey, objectKey, 'a second module instance')
  assert.is(copy.objectKey({ id: 3, page: 4 })![0], objectKey({ page: 4, id: 3 })![0])
  assert.is(copy.knownShape(['shared_only_by_copy']), undefined)
  copy.objectKey({ shared_only_by_copy: 1 })
  assert.is(knownShape(['shared_only_by_copy']), copy.knownShape(['shared_only_by_copy']))
})

key('leaves to the encoder what a shape cannot hold exactly', () => {
  const tooMany = Object.fromEntries(Array.from({ length: MAX_SHAPE_KEYS + 1 }, (_, i) => ['k' + i, i]))
  const cases: [string, object][] = [
    ['-0', { id: -0 }],
    ['nested object', { id: 1, filter: { a: 1 } }],
    ['array value', { ids: [1, 2] }],
    ['date value', { at: new Date(0) }],
    ['no property', {}],
    ['null prototype', Object.assign(Object.create(null), { id: 1 })],
    ['class instance', new (class Point { x = 1 })()],
    ['array', [1, 2]],
    ['enumerable symbol key', { id: 1, [Symbol('s')]: 1 }],
    [`${MAX_SHAPE_KEYS + 1} properties`, tooMany],
  ]
  for (const [what, o] of cases) assert.is(objectKey(o), undefined, what)
})

key('what the encoder does not see, the shape does not either (non-enumerable properties)', () => {
  const plain = objectKey({ id: 1 })!
  for (const o of [
    Object.defineProperty({ id: 1 }, Symbol('s'), { value: 1 }),
    Object.defineProperty({ id: 1 }, 'hidden', { value: 2 }),
  ]) {
    assert.is(encodeArgs([o], 'f'), encodeArgs([{ id: 1 }], 'f'))
    assert.equal(objectKey(o), plain)
  }
})

key('attacks on the exactness check: extra, inherited, symbol, "__proto__" and getter properties', () => {
  const base = objectKey({ id: 1, page: 2 })!
  // Each object below differs from { id: 1, page: 2 } for the encoder; its key (if any) must be
  // another shape's, standing for exactly the encoder's string.
  const differs = (o: object, what: string) => {
    const k = objectKey(o)!
    assert.is.not(k[0], base[0], what)
    assert.is(objectKeyText(k), encodeArgs([o], 'f'), what)
  }
  objectKey({ id: 1, page: 2 }) // the last shape met is { id, page }
  differs({ id: 1, page: 2, extra: 3 }, 'extra name')
  objectKey({ id: 1, page: 2 })
  differs(JSON.parse('{"id": 1, "page": 2, "__proto__": 5}') as object, 'own "__proto__" holding a primitive')
  objectKey({ id: 1, page: 2 })
  assert.is(objectKey({ id: 1, page: 2, [Symbol('s')]: 3 }), undefined, 'enumerable symbol after a match')
  // A polluted Object.prototype: for…in lists the inherited name after the own ones.
  Object.defineProperty(Object.prototype, 'page', { value: 2, enumerable: true, configurable: true, writable: true })
  try {
    objectKey({ id: 1, page: 2 })
    const k = objectKey({ id: 1 })
    assert.ok(k === undefined || objectKeyText(k) === '{"id":1}', 'an inherited name is not an own one')
  } finally {
    delete (Object.prototype as Record<string, unknown>).page
  }
  // Getters run once, as the encoder runs them, and their values are what the key holds.
  let reads = 0
  const g = { get id() { reads++; return 7 }, page: 2 }
  assert.equal(objectKey(g)!.slice(1), [7, 2])
  assert.is(reads, 1)
  // A getter that keys another object of the same shape while the box is being filled.
  const outer = { get id() { objectKey({ id: 99, page: 98 }); return 5 }, page: 6 }
  const k = objectKey(outer)
  assert.ok(k === undefined || (k[1] === 5 && k[2] === 6), 'the inner call did not overwrite the outer values')
})

key('objectKeyText() is exactly the encoder\'s string', () => {
  for (const o of [{ page: 2, id: 1 }, { 'a"b': 'x,y', z: null, u: undefined }, { __proto__x: 1, b: 2n, c: NaN }, { '': true }]) {
    assert.is(objectKeyText(objectKey(o)!), encodeArgs([o], 'f'), encodeArgs([o], 'f'))
  }
  const own = JSON.parse('{"__proto__": 1, "a": 2}') as object
  assert.is(objectKeyText(objectKey(own)!), encodeArgs([own], 'f'))
})

key.run()

// ---

const calls = suite('cached() with one object argument')
calls.before.each(() => { fresh() })

calls('value-equal copies, in any property order, share one entry (fast path and generic path)', () => {
  const one = counting((o: { id: number; page: number }) => o.id * 100 + o.page)
  const f = cached(one, { id: 'one' })
  // Two parameters declared: the generic wrapper (computeKey + getAny), with one argument passed.
  const two = counting((o: { id: number; page: number }, _opt?: unknown) => o.id * 100 + o.page)
  const g = cached(two, { id: 'two' })
  for (const h of [f, g]) {
    assert.is(h({ id: 1, page: 2 }), 102)
    assert.is(h({ id: 1, page: 2 }), 102)
    assert.is(h({ page: 2, id: 1 }), 102)
    assert.is(h({ id: 1, page: 3 }), 103)
    assert.is(h({ id: 2, page: 2 }), 202)
  }
  assert.is(one.n, 3)
  assert.is(two.n, 3)
  assert.equal({ hits: f.stats().hits, misses: f.stats().misses }, { hits: 2, misses: 3 })
})

calls('arguments a shape would confuse stay apart', () => {
  const impl = counting((o: Record<string, unknown>) => JSON.stringify(Object.keys(o)) + String(Object.is(o.id, -0)))
  const f = cached(impl, { id: 'apart' })
  const args: object[] = [
    { id: 0 }, { id: -0 }, { id: '0' }, { id: 0n }, { id: false }, { id: null }, { id: undefined }, { ID: 0 },
    { id: 0, page: undefined }, { id: [0] }, { id: { x: 0 } },
  ]
  const first = args.map((o) => f(o))
  assert.is(impl.n, args.length)
  assert.equal(args.map((o) => f(o)), first)
  assert.is(impl.n, args.length, 'each is a hit on its own entry')
  assert.ok(first[1]!.endsWith('true') && first[0]!.endsWith('false'), '-0 was not served the entry of 0')
})

calls('objects that cannot be keyed still fail with the encoder\'s error', () => {
  const f = cached((o: object) => o, { id: 'bad' })
  assert.throws(() => f({ id: 1, [Symbol('tag')]: 1 }), /a symbol key \(Symbol\(tag\)\)/)
  f({ id: 1 })
  // Hits must not skip the check: the symbol-keyed copy is not served the plain object's entry.
  assert.throws(() => f({ id: 1, [Symbol('tag')]: 1 }), /a symbol key/)
})

calls('nested and unusual objects still hit through the encoder', () => {
  const impl = counting((o: object) => JSON.stringify(o))
  const f = cached(impl, { id: 'nested' })
  const many = Object.fromEntries(Array.from({ length: 12 }, (_, i) => ['k' + i, i]))
  for (const o of [{ a: { b: 1 } }, { a: [1, 2] }, many, { d: new Date(1) }]) {
    f(o)
    f(structuredClone(o))
  }
  assert.is(impl.n, 4)
})

calls('the logical key, invalidate() and invalidatePrefix() act on the encoded form', () => {
  const impl = counting((o: { id: number; page: number }) => o.id + o.page)
  const f = cached(impl, { id: 'inv' })
  assert.is(f.key({ page: 2, id: 1 }), 'inv:{"id":1,"page":2}')
  f({ id: 1, page: 2 })
  f({ id: 1, page: 3 })
  f({ id: 2, page: 2 })
  assert.is(impl.n, 3)
  f.invalidate({ page: 3, id: 1 })
  f({ id: 1, page: 3 })
  assert.is(impl.n, 4)
  assert.is(invalidatePrefixSync(['inv:{"id":1,']), 2)
  f({ id: 1, page: 2 })
  f({ id: 1, page: 3 })
  f({ id: 2, page: 2 })
  assert.is(impl.n, 6)
})

calls('a tinylfu backend hashes object keys and keeps its bound', () => {
  configure({ backends: { default: memory({ max: 100, policy: 'tinylfu' }) } })
  const impl = counting((o: { id: number }) => o.id)
  const f = cached(impl, { id: 'tiny' })
  for (let i = 1000; i < 1100; i++) f({ id: i })
  for (let r = 0; r < 10; r++) for (let i = 0; i < 10; i++) f({ id: i })
  for (let i = 2000; i < 2500; i++) f({ id: i })
  const before = impl.n
  for (let i = 0; i < 10; i++) f({ id: i })
  assert.is(impl.n, before, 'the 10 hot objects survived 500 one-off objects')
  const st = f.stats()
  assert.is(st.evictions, st.misses - 100)
})

calls.run()

// ---

// What the transform emits for `(o: { id: number; page: number }) => …`: `shape: ['id', 'page']`.
const declared = suite('the compiled object-key path (shape from the parameter type)')
declared.before.each(() => { fresh() })

declared('fillDeclared() accepts exactly the declared names, own and enumerable, and no enumerable symbol', () => {
  const shape = declaredShape(['page', 'id'])!
  assert.is(shape, objectKey({ id: 1, page: 2 })![0], 'the same interned shape as the runtime path')
  assert.ok(fillDeclared({ page: 2, id: 1 }, shape))
  assert.equal([shape.box!.id, shape.box!.page], [1, 2])
  const rejected: [string, object][] = [
    ['extra name', { id: 1, page: 2, x: 3 }],
    ['missing name', { id: 1, x: 3 }],
    ['enumerable symbol', { id: 1, page: 2, [Symbol('s')]: 3 }],
    ['own "__proto__"', JSON.parse('{"id": 1, "__proto__": 2}') as object],
    ['null prototype', Object.assign(Object.create(null), { id: 1, page: 2 })],
    ['array', [1, 2]],
  ]
  for (const [what, o] of rejected) assert.not.ok(fillDeclared(o, shape), what)
  // Counted by for…in, an inherited name must not stand in for an own one.
  Object.defineProperty(Object.prototype, 'page', { value: 2, enumerable: true, configurable: true, writable: true })
  try {
    const o = { id: 1 }
    assert.ok(!fillDeclared(o, shape) || typeof shape.box!.page === 'symbol', 'the missing own name is marked, so no key is made')
  } finally {
    delete (Object.prototype as Record<string, unknown>).page
  }
})

declared('wrap(…, { shape }): value-equal copies hit; every other object gets its own exact entry', () => {
  const impl = counting((o: Record<string, unknown>) => JSON.stringify(o) + Object.getOwnPropertySymbols(o).length)
  const f = wrap(impl, { id: 'decl', compiled: true, params: ['o'], shape: ['id', 'page'] }) as (o: object) => string
  const objects: object[] = [
    { id: 1, page: 2 }, { id: 1, page: 3 }, { id: 1, page: 2, x: 0 }, { id: 1 }, { id: -0, page: 2 }, { id: 0, page: 2 },
    { id: '1', page: 2 }, { id: 1, page: { n: 2 } }, Object.defineProperty({ id: 1, page: 2 }, 'hidden', { value: 1 }),
  ]
  const first = objects.map((o) => f(o))
  const n = impl.n
  assert.is(n, objects.length - 1, 'the non-enumerable property is invisible to keys (as for the encoder)')
  assert.equal(objects.map((o) => f(structuredClone(o))), first.map((r, i) => (i === objects.length - 1 ? first[0] : r)))
  assert.equal(f({ page: 2, id: 1 }), first[0])
  assert.is(impl.n, n, 'copies in any order are hits')
  assert.throws(() => f({ id: 1, page: 2, [Symbol('tag')]: 1 }), /a symbol key/)
  // The hidden-property copy in the first pass, the 9 clones, the reordered copy.
  assert.is(f.stats().hits, 1 + objects.length + 1)
})

declared.run()

// ---

const decode = suite('decodeStoreKey() for objects')

decode('an encoded plain object of primitives decodes to its object key once the shape exists', () => {
  const enc = encodeArgs([{ zeta: 'q"x', alpha: 1 }], 'f')
  assert.equal(decodeStoreKey(enc), { key: enc, kind: ENCODED }, 'no such shape yet: no object entry can exist')
  const k = objectKey({ zeta: 'q"x', alpha: 1 })!
  const r = decodeStoreKey(enc)
  assert.is(r.kind, OBJECT)
  assert.equal(r.key, k)
  assert.is((r.key as unknown[])[0], k[0])
})

decode('anything else stays encoded', () => {
  objectKey({ id: 1, page: 2 })
  for (const args of [[{ id: -0, page: 2 }], [{ id: 1, page: [2] }], [{ id: 1, page: { x: 2 } }], [{ id: 1, page: 2 }, 3],
    [Object.assign(Object.create(null), { id: 1, page: 2 })], [{ id: 1, page: 2 }, { id: 1, page: 2 }]]) {
    const enc = encodeArgs(args, 'f')
    assert.equal(decodeStoreKey(enc), { key: enc, kind: ENCODED }, enc)
  }
})

decode('a tiered L1 drops exactly the object entry another process overwrote', async () => {
  fresh()
  const backend = memory()
  const l1 = engineOf(backend)
  const store = l1.store('t', 't:', null)
  const k = objectKey({ id: 7, page: 1 })!
  l1.put(store, k, OBJECT, 'v', Infinity, undefined)
  l1.put(store, objectKey({ id: 7, page: 2 })!, OBJECT, 'w', Infinity, undefined)
  assert.is(dropLogical(backend, 't:' + encodeArgs([{ page: 1, id: 7 }], 't')), 1)
  assert.is(store.getObject({ id: 7, page: 1 }), MISS)
  assert.is(store.getObject({ page: 2, id: 7 }), 'w')
})

decode.run()

// ---

// Last: it fills the process's shape table.
const bound = suite('the shape bound')
bound.before.each(() => { fresh() })

bound('past MAX_SHAPES, objects of new shapes are keyed by the encoder and still hit; old shapes keep their fast path', () => {
  const impl = counting((o: object) => Object.keys(o)[0])
  const f = cached(impl, { id: 'shapes' })
  for (let i = 0; i < MAX_SHAPES + 100; i++) f({ ['p' + i]: i })
  for (let i = 0; i < MAX_SHAPES + 100; i++) f({ ['p' + i]: i })
  assert.is(impl.n, MAX_SHAPES + 100)
  assert.is(objectKey({ never_seen_before: 1 }), undefined)
  assert.ok(objectKey({ id: 1, page: 2 }), 'a shape interned earlier is still used')
})

bound.run()
