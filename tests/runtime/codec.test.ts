import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import fc from 'fast-check'
import { Encoder } from 'cbor-x/encode'
import { Tag } from 'cbor-x/decode' // the runtime's own entries (see runtime/codec.ts)
import { encodeRecord, decodeRecord, isEncodable, type StoredRecord } from '../../runtime/codec.js'

const FORMAT_TAG = 0x666e6301
const record = (value: unknown, over: Partial<StoredRecord> = {}): StoredRecord => ({
  key: 'src/users.ts#getUser:42', version: 'v1', created: 1_700_000_000_000, fresh: 1_700_000_300_000,
  stale: Infinity, tags: ['users', 'user:42'], value, ...over,
})
const roundTrip = (value: unknown) => {
  const bytes = encodeRecord(record(value))
  assert.ok(bytes, 'encodable')
  const rec = decodeRecord(bytes!)
  assert.ok(rec, 'decodable')
  return rec!.value
}

// Exact sameness: prototypes, key and entry order, Object.is for numbers, bytes for binary data.
function identical(a: unknown, b: unknown): boolean {
  if (typeof a !== typeof b) return false
  if (typeof a !== 'object' || a === null || b === null) return Object.is(a, b)
  const x = a as object, y = b as object
  if (Object.getPrototypeOf(x) !== Object.getPrototypeOf(y)) return false
  if (Array.isArray(x)) {
    const ya = y as unknown[]
    return x.length === ya.length && x.every((v, i) => identical(v, ya[i]))
  }
  if (x instanceof Date) return Object.is(x.getTime(), (y as Date).getTime())
  if (x instanceof RegExp) return x.source === (y as RegExp).source && x.flags === (y as RegExp).flags
  if (x instanceof Map) return identical([...x], [...(y as Map<unknown, unknown>)])
  if (x instanceof Set) return identical([...x], [...(y as Set<unknown>)])
  if (x instanceof ArrayBuffer || ArrayBuffer.isView(x)) {
    const bx = bytesOf(x), by = bytesOf(y)
    return bx.length === by.length && bx.every((v, i) => v === by[i])
  }
  const kx = Object.keys(x), ky = Object.keys(y)
  return identical(kx, ky) && kx.every((k) => identical((x as Record<string, unknown>)[k], (y as Record<string, unknown>)[k]))
}
const show = (v: unknown) => { try { return String(v) } catch { return Object.prototype.toString.call(v) } }
const bytesOf = (v: object) => v instanceof ArrayBuffer ? new Uint8Array(v) : new Uint8Array((v as ArrayBufferView).buffer, (v as ArrayBufferView).byteOffset, (v as ArrayBufferView).byteLength)
const same = (value: unknown, expected: unknown = value) => {
  const got = roundTrip(value)
  if (!identical(got, expected)) assert.unreachable(`round trip changed the value: ${show(value)} -> ${show(got)}`)
}

// Hand-made envelopes around arbitrary fields, written by an encoder we control (tag 259 off, so a
// Map becomes a plain CBOR map that decodes as an object).
const raw = new Encoder({ useRecords: false, mapsAsObjects: true, useTag259ForMaps: false } as ConstructorParameters<typeof Encoder>[0])
const envelope = (fields: unknown[], tag = FORMAT_TAG) => new Uint8Array(raw.encode(new Tag(fields, tag)))
const fields = (value: unknown): unknown[] => ['k', '', 1, 2, 3, [], value]

const api = suite('API')

api('a record round-trips through encodeRecord() and decodeRecord()', () => {
  const rec = record({ id: 42 })
  assert.equal(decodeRecord(encodeRecord(rec)!), rec)
})

api.run()

// ---

const trip = suite('round trip')

trip('decodeRecord() returns every field as encoded', () => {
  const rec = record('x', { key: 'k\ud800', version: '', created: 0, fresh: Infinity, stale: Infinity, tags: [] })
  const got = decodeRecord(encodeRecord(rec)!)!
  assert.ok(identical(got, rec))
  const lone = record(1, { tags: ['user:\udfff', 'ok'], version: '\ud83d' })
  assert.ok(identical(decodeRecord(encodeRecord(lone)!), lone))
})

trip('the bytes start with the magic and format version', () => {
  const bytes = encodeRecord(record(null))!
  assert.equal([...bytes.subarray(0, 5)], [0xda, 0x66, 0x6e, 0x63, 0x01])
})

trip('primitives round-trip exactly', () => {
  for (const v of [undefined, null, true, false, 0, -0, 1, -1, 1.5, NaN, Infinity, -Infinity, 2 ** 53 + 2, -(2 ** 40),
    Number.MIN_VALUE, 0n, 5n, -5n, 2n ** 64n - 1n, 2n ** 64n, -(2n ** 64n), 2n ** 200n, -(2n ** 200n) - 7n,
    '', 'Ada', '😀', '\ud800', 'a\udc00b', 'x'.repeat(100_000) + '\ud800']) same(v)
})

trip('containers round-trip with order and nested undefined', () => {
  same([undefined, [undefined, null], { a: undefined }])
  same({ b: 1, a: { c: [1, 'x'] }, 10: 'ten', 2: 'two' })
  same(new Map<unknown, unknown>([[1, 'a'], ['1', 'b'], [{ k: 1 }, [2]], [undefined, null], [-0, 'zero'], [10n, new Set([1])]]))
  same(new Set<unknown>([1, '1', [1], { a: 1 }, undefined]))
  same({ m: new Map([[new Date(5), new Map([[NaN, -0]])]]) })
  same({ hasOwnProperty: 1, constructor: 'c', toString: null })
})

trip('dates round-trip to the millisecond, including extreme and invalid ones', () => {
  for (const ms of [0, 1, -1, 5, 1_700_000_000_123, 2 ** 50 - 1, 2 ** 50, -(2 ** 50), 8.64e15, -8.64e15, 8.64e15 - 1, 4474688798352154]) {
    same(new Date(ms))
  }
  same(new Date(NaN))
  fc.assert(fc.property(fc.integer({ min: -8.64e15, max: 8.64e15 }), (ms) => { same(new Date(ms)) }), { numRuns: 2000, seed: 3 })
})

trip('binary data keeps its type and bytes', () => {
  const Ts = [Int8Array, Uint8Array, Uint8ClampedArray, Int16Array, Uint16Array, Int32Array, Uint32Array,
    Float32Array, Float64Array, BigInt64Array, BigUint64Array] as const
  for (const T of Ts) {
    const a = new T(3)
    new Uint8Array(a.buffer).forEach((_, i, u) => { u[i] = i * 37 + 1 })
    same(a)
    same(new T(new Uint8Array(40).buffer, 8, 1)) // a view into a larger buffer
  }
  same(new Uint8Array(new Uint8Array([1, 2, 3, 4]).buffer, 1, 2), new Uint8Array([2, 3]))
  same(new Uint8Array([1, 2, 3]).buffer)
  same(new DataView(new Uint8Array([1, 2, 3]).buffer, 1), new DataView(new Uint8Array([2, 3]).buffer))
  same(Buffer.from([1, 2, 3]))
  assert.ok(Buffer.isBuffer(roundTrip(Buffer.from('x'))))
  assert.ok(!Buffer.isBuffer(roundTrip(new Uint8Array(1))))
})

trip('decoded binary data does not alias the input bytes', () => {
  const bytes = encodeRecord(record(new Uint8Array([7, 7, 7])))!
  const value = decodeRecord(bytes)!.value as Uint8Array
  bytes.fill(0)
  assert.equal([...value], [7, 7, 7])
})

trip('RegExp round-trips with its flags', () => {
  same(/a+b/gimsuy)
  same([/x/, /y/g])
})

trip('null-prototype objects come back as plain objects, holes as undefined', () => {
  const o = Object.assign(Object.create(null), { a: 1 })
  assert.ok(identical(roundTrip(o), { a: 1 }))
  // eslint-disable-next-line no-sparse-arrays
  assert.ok(identical(roundTrip([1, , 3]), [1, undefined, 3]))
})

trip('a shared, non-cyclic reference is written twice and comes back as two equal copies', () => {
  const shared = { a: 1 }
  const got = roundTrip([shared, shared]) as object[]
  assert.ok(identical(got, [{ a: 1 }, { a: 1 }]))
  assert.is.not(got[0], got[1])
})

trip('values that need no rewriting are not copied by encodeRecord', () => {
  const value = { list: [1, 2], when: new Date(0) }
  encodeRecord(record(value))
  assert.ok(identical(value, { list: [1, 2], when: new Date(0) }))
})

// Rich values of every supported type, compared exactly after a round trip.
const richValue = fc.letrec((tie) => ({
  value: fc.oneof({ depthSize: 'small' }, tie('leaf'), tie('array'), tie('object'), tie('map'), tie('set')),
  leaf: fc.oneof(
    fc.double(), fc.integer(), fc.bigInt(), fc.bigInt({ min: -(2n ** 300n), max: 2n ** 300n }),
    fc.string({ unit: 'binary', maxLength: 10 }), fc.constantFrom('\ud800', 'a\udfffb', '😀', ''),
    fc.boolean(), fc.constant(null), fc.constant(undefined), fc.constant(-0),
    fc.date({ noInvalidDate: false }),
    fc.int8Array({ maxLength: 3 }), fc.uint8Array({ maxLength: 3 }), fc.uint8ClampedArray({ maxLength: 3 }),
    fc.int16Array({ maxLength: 3 }), fc.uint16Array({ maxLength: 3 }), fc.int32Array({ maxLength: 3 }),
    fc.uint32Array({ maxLength: 3 }), fc.float32Array({ maxLength: 3 }), fc.float64Array({ maxLength: 3 }),
    fc.bigInt64Array({ maxLength: 3 }), fc.bigUint64Array({ maxLength: 3 }),
    fc.uint8Array({ maxLength: 4 }).map((b) => b.slice().buffer),
    fc.uint8Array({ maxLength: 4 }).map((b) => Buffer.from(b)),
    fc.uint8Array({ maxLength: 4 }).map((b) => new DataView(b.slice().buffer)),
    fc.constantFrom(/a/, /b+/gi),
  ),
  array: fc.array(tie('value'), { maxLength: 4 }),
  object: fc.dictionary(fc.string({ maxLength: 5 }).filter((k) => k !== '__proto__'), tie('value'), { maxKeys: 4, noNullPrototype: true }),
  map: fc.array(fc.tuple(tie('value'), tie('value')), { maxLength: 3 }).map((es) => new Map(es)),
  set: fc.array(tie('value'), { maxLength: 3 }).map((xs) => new Set(xs)),
})).value

trip('rich values round-trip exactly (property)', () => {
  fc.assert(fc.property(richValue, (v) => {
    assert.ok(isEncodable(v))
    const got = roundTrip(v)
    assert.ok(identical(got, v), 'changed in the round trip')
  }), { numRuns: 2000, seed: 21 })
})

trip.run()

// ---

const refuse = suite('unencodable values')

refuse('encodeRecord() returns undefined for functions, symbols, class instances and cycles', () => {
  class User { id = 1 }
  const cyclic: Record<string, unknown> = {}
  cyclic.self = cyclic
  const cyclicArray: unknown[] = []
  cyclicArray.push({ back: cyclicArray })
  const bad: unknown[] = [
    () => 1, Symbol('s'), new User(), new Error('e'), new TypeError('t'), Promise.resolve(), new WeakMap(), Object(1),
    Object('s'), new (class extends Map {})(), new (class extends Uint8Array {})(1), new Tag(1, 99),
    Object.create({ inherited: 1 }), cyclic, cyclicArray, JSON.parse('{"__proto__": 1}'), { [Symbol('k')]: 1 },
    new SharedArrayBuffer(1),
  ]
  for (const v of bad) {
    for (const wrapped of [v, [v], { v }, new Map([['k', v]]), new Map([[v, 'k']]), new Set([v])]) {
      assert.is(encodeRecord(record(wrapped)), undefined, String(v))
      assert.is(isEncodable(wrapped), false, String(v))
    }
  }
})

refuse('encodeRecord() returns undefined when a getter throws', () => {
  const v = { get boom() { throw new Error('getter') } }
  assert.is(encodeRecord(record(v)), undefined)
  assert.is(isEncodable(v), false)
})

refuse('encodeRecord() throws E_RECORD_INVALID for malformed record fields', () => {
  const bads: Partial<Record<keyof StoredRecord, unknown>>[] = [
    { key: 1 }, { version: undefined }, { created: NaN }, { created: Infinity }, { fresh: NaN },
    { stale: 1 }, { tags: 'users' }, { tags: ['ok', 2] },
  ]
  for (const over of bads) {
    try {
      encodeRecord({ ...record(1), ...over } as StoredRecord)
      assert.unreachable(JSON.stringify(over))
    } catch (e) {
      assert.instance(e, TypeError)
      assert.is((e as { code?: string }).code, 'E_RECORD_INVALID')
    }
  }
})

refuse.run()

// ---

const hostile = suite('hostile bytes')

hostile('decodeRecord() never lets a __proto__ key become a prototype', () => {
  const payload = new Map<unknown, unknown>([
    ['__proto__', { polluted: true }],
    ['constructor', { prototype: { polluted: true } }],
    ['prototype', { polluted: true }],
    ['nested', new Map([['__proto__', { polluted: true }]])],
  ])
  const rec = decodeRecord(envelope(fields(payload)))
  assert.ok(rec, 'a record with odd keys is still a record')
  const value = rec!.value as Record<string, any>
  assert.is(({} as any).polluted, undefined)
  assert.is((Object.prototype as any).polluted, undefined)
  assert.is(Object.getPrototypeOf(value), Object.prototype)
  assert.is(Object.getPrototypeOf(value.nested), Object.prototype)
  assert.is(value.polluted, undefined)
  assert.is(value.nested.polluted, undefined)
  assert.not.ok(Object.prototype.hasOwnProperty.call(value, '__proto__') && Object.getPrototypeOf(value) !== Object.prototype)
  // cbor-x keeps the data as the own property '__proto_'; constructor/prototype stay plain data.
  assert.equal(value.__proto_, { polluted: true })
  assert.equal(value.constructor, { prototype: { polluted: true } })
})

hostile('decodeRecord() resists a hand-written CBOR map with a __proto__ key', () => {
  const te = new TextEncoder()
  const text = (s: string) => [0x60 + s.length, ...te.encode(s)]
  const bytes = new Uint8Array([
    0xda, 0x66, 0x6e, 0x63, 0x01, 0x87, ...text('k'), ...text(''), 0x01, 0x02, 0x03, 0x80,
    0xa2, ...text('__proto__'), 0xa1, ...text('polluted'), 0xf5, ...text('a'), 0x01,
  ])
  const rec = decodeRecord(bytes)!
  assert.is(({} as any).polluted, undefined)
  assert.is(Object.getPrototypeOf(rec.value), Object.prototype)
  assert.is((rec.value as any).polluted, undefined)
  assert.is((rec.value as any).a, 1)
})

hostile('decodeRecord() refuses crafted generic-object tags (Error, constructor, Function)', () => {
  for (const name of ['Error', 'TypeError', 'constructor', '__proto__', 'Function', 'eval']) {
    assert.is(decodeRecord(envelope(fields(new Tag([name, 'polluted = 1'], 27)))), undefined, name)
  }
  // cbor-x looks the name up on a plain object, so Object.prototype's methods are reachable; they
  // only ever give a primitive (or throw), which is harmless data.
  for (const name of ['toString', 'valueOf', 'hasOwnProperty', 'isPrototypeOf', '__defineGetter__', '__lookupGetter__']) {
    const rec = decodeRecord(envelope(fields(new Tag([name, 'polluted', 1], 27))))
    assert.ok(rec === undefined || typeof rec.value !== 'object' && typeof rec.value !== 'function', name)
  }
  assert.is((globalThis as any).polluted, undefined)
  assert.is(({} as any).polluted, undefined)
})

hostile('decodeRecord() returns undefined for foreign bytes and other formats', () => {
  const valid = encodeRecord(record({ id: 1 }))!
  const cases: Uint8Array[] = [
    new Uint8Array(0), new Uint8Array([0xda]), valid.subarray(0, 5), new TextEncoder().encode('{"key":"k"}'),
    new Uint8Array(raw.encode(fields(1))), // the fields without the envelope
    envelope(fields(1), 0x666e6302), // a future format version
    new Uint8Array([...valid, 0x00]), // trailing bytes
    'not bytes' as unknown as Uint8Array, null as unknown as Uint8Array,
  ]
  for (const c of cases) assert.is(decodeRecord(c), undefined)
  for (let n = 0; n < valid.length; n++) assert.is(decodeRecord(valid.subarray(0, n)), undefined, `truncated at ${n}`)
})

hostile('decodeRecord() returns undefined for fields of the wrong type, never a half-record', () => {
  const bad: unknown[][] = [
    [1, '', 1, 2, 3, [], 0], ['k', null, 1, 2, 3, [], 0], ['k', '', '1', 2, 3, [], 0], ['k', '', NaN, 2, 3, [], 0],
    ['k', '', Infinity, 2, 3, [], 0], ['k', '', 1, '2', 3, [], 0], ['k', '', 1, 2, NaN, [], 0], ['k', '', 1, 5, 3, [], 0],
    ['k', '', 1, 2, 3, 'tags', 0], ['k', '', 1, 2, 3, ['a', 1], 0], ['k', '', 1, 2, 3, { 0: 'a' }, 0],
    ['k', '', 1, 2, 3, []], ['k', '', 1, 2, 3, [], 0, 'extra'],
    fields(new Tag(1, 12345)), fields(new Tag('x', 0x666e6399)), fields(new Tag('not-bytes', 0x666e6312)),
    fields(new Tag(1, 0x666e6311)), fields(new Tag('x', 0x666e6310)), fields(new Tag('x', 0x666e6315)),
  ]
  for (const f of bad) assert.is(decodeRecord(envelope(f)), undefined, JSON.stringify(f, (_, v) => typeof v === 'bigint' ? String(v) : v))
  assert.ok(decodeRecord(envelope(['k', '', 1, 2, 3, ['a'], 0])), 'the control case decodes')
})

hostile('decodeRecord() refuses shared and cyclic references, which records never contain', () => {
  const shared = { a: 1 }
  const cloner = new Encoder({ useRecords: false, structuredClone: true })
  const cyclic: unknown[] = []
  cyclic.push(cyclic)
  for (const v of [[shared, shared], cyclic]) {
    const bytes = new Uint8Array(cloner.encode(new Tag(fields(v), FORMAT_TAG)))
    assert.is(decodeRecord(bytes), undefined)
  }
})

const looksValid = (rec: StoredRecord | undefined) => rec === undefined || (
  typeof rec.key === 'string' && typeof rec.version === 'string' && Number.isFinite(rec.created) &&
  typeof rec.fresh === 'number' && rec.stale >= rec.fresh && rec.tags.every((t) => typeof t === 'string'))

hostile('decodeRecord() never throws on random bytes', () => {
  fc.assert(fc.property(fc.uint8Array({ maxLength: 64 }), fc.boolean(), (tail, withHeader) => {
    const bytes = withHeader ? new Uint8Array([0xda, 0x66, 0x6e, 0x63, 0x01, 0x87, ...tail]) : tail
    assert.ok(looksValid(decodeRecord(bytes)))
  }), { numRuns: 10_000, seed: 31 })
})

hostile('decodeRecord() never throws on mutated valid records', () => {
  const samples = [
    record({ id: 42, name: 'Ada', tags: ['a', 'b'] }),
    record([new Date(5), new Map([[1, new Set(['x'])]]), -0, 2n ** 80n, new Float64Array([1.5]), new Uint8Array([1]).buffer, 'a\ud800']),
    record(undefined, { tags: [] }),
  ].map((r) => encodeRecord(r)!)
  const mutation = fc.oneof(
    fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), bit: fc.nat(7) }),
    fc.record({ kind: fc.constant('set' as const), at: fc.nat(), byte: fc.nat(255) }),
    fc.record({ kind: fc.constant('cut' as const), at: fc.nat() }),
    fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), byte: fc.nat(255) }),
  )
  fc.assert(fc.property(fc.nat(samples.length - 1), fc.array(mutation, { minLength: 1, maxLength: 3 }), (which, ms) => {
    let bytes = Uint8Array.from(samples[which]!)
    for (const m of ms) {
      const at = m.at % (bytes.length + 1)
      if (m.kind === 'flip' && at < bytes.length) bytes[at]! ^= 1 << m.bit
      else if (m.kind === 'set' && at < bytes.length) bytes[at] = m.byte
      else if (m.kind === 'cut') bytes = bytes.subarray(0, at)
      else if (m.kind === 'insert') bytes = new Uint8Array([...bytes.subarray(0, at), m.byte, ...bytes.subarray(at)])
    }
    assert.ok(looksValid(decodeRecord(bytes)))
  }), { numRuns: 10_000, seed: 32 })
})

hostile.run()
