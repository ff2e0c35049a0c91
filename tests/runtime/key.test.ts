import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import fc from 'fast-check'
import { encodeArgs, encodeValue, tagPart } from '../../runtime/key.js'

const key = (...args: unknown[]) => encodeArgs(args, 'f')
const val = (v: unknown) => encodeValue(v, 'f', 'x')
function same(a: unknown[], b: unknown[]) { assert.is(encodeArgs(a, 'f'), encodeArgs(b, 'f')) }
function different(a: unknown[], b: unknown[]) { assert.is.not(encodeArgs(a, 'f'), encodeArgs(b, 'f')) }
function throwsKey(fn: () => unknown): TypeError & { code: string } {
  try {
    fn()
  } catch (e) {
    assert.instance(e, TypeError)
    assert.is((e as { code?: string }).code, 'E_KEY_UNENCODABLE')
    return e as TypeError & { code: string }
  }
  assert.unreachable('expected E_KEY_UNENCODABLE')
  throw new Error('unreachable')
}

const api = suite('API')

api('encodeArgs() of one number is its decimal text', () => {
  assert.is(encodeArgs([42], 'f'), '42')
})

api.run()

// ---

const prim = suite('encodeArgs primitives')

prim('encodeArgs() gives the documented string for each primitive', () => {
  const table: [unknown, string][] = [
    [42, '42'], [0, '0'], [-0, '-0'], [-1.5, '-1.5'], [NaN, 'NaN'], [Infinity, 'Infinity'],
    [-Infinity, '-Infinity'], [1e21, '1e+21'], [5e-7, '5e-7'], [2 ** 53, '9007199254740992'],
    [10n, '10n'], [-10n, '-10n'], [0n, '0n'], [2n ** 100n, '1267650600228229401496703205376n'],
    ['42', '"42"'], ['', '""'], ['a,b', '"a,b"'], ['say "hi"\n', '"say \\"hi\\"\\n"'],
    ['\\', '"\\\\"'], ['😀', '"😀"'], ['\ud800', '"\\ud800"'], ['x'.repeat(70), JSON.stringify('x'.repeat(70))],
    [true, 'true'], [false, 'false'], [null, 'null'], [undefined, 'undefined'],
  ]
  for (const [v, want] of table) assert.is(key(v), want, String(v))
})

prim('encodeArgs() joins arguments with commas; no arguments give an empty string', () => {
  assert.is(encodeArgs([], 'f'), '')
  assert.is(key('abc', 7, true), '"abc",7,true')
  assert.is(key(undefined, null), 'undefined,null')
  assert.is(encodeArgs({ length: 2, 0: 1, 1: 'a' }, 'f'), '1,"a"')
})

prim('encodeArgs() quotes strings exactly like JSON.stringify', () => {
  fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 100 }), (s) => {
    assert.is(key(s), JSON.stringify(s))
  }), { numRuns: 3000, seed: 1 })
  for (let c = 0; c < 0x10000; c++) {
    const s = 'a' + String.fromCharCode(c)
    if (key(s) !== JSON.stringify(s)) assert.unreachable(`code unit ${c}`)
  }
})

prim('encodeArgs() prints numbers as JavaScript does, except -0', () => {
  fc.assert(fc.property(fc.double(), (n) => {
    assert.is(key(n), Object.is(n, -0) ? '-0' : String(n))
  }), { numRuns: 3000, seed: 2 })
})

prim.run()

// ---

const obj = suite('encodeValue objects')

obj('encodeValue() encodes arrays, holes as undefined', () => {
  assert.is(val([]), '[]')
  assert.is(val([1, 'a', [null]]), '[1,"a",[null]]')
  // eslint-disable-next-line no-sparse-arrays
  assert.is(val([1, , 3]), '[1,,3]')
  assert.is(val([1, undefined, 3]), '[1,undefined,3]')
  assert.is(val(new Array(2)), '[,,]')
  // eslint-disable-next-line no-sparse-arrays
  assert.is(val([, 1]), '[,1]')
  // eslint-disable-next-line no-sparse-arrays
  assert.is(val([1, ,]), '[1,,]')
})

obj('encodeValue() sorts plain object keys and keeps undefined values', () => {
  assert.is(val({}), '{}')
  assert.is(val({ b: 1, a: 2 }), '{"a":2,"b":1}')
  assert.is(val({ a: undefined }), '{"a":undefined}')
  assert.is(val({ 10: 'x', 9: 'y', a: { d: 1, c: [2] } }), '{"10":"x","9":"y","a":{"c":[2],"d":1}}')
  assert.is(val(Object.assign(Object.create(null), { z: 1, y: 2 })), '{__proto__:null,"y":2,"z":1}')
  assert.is(val(Object.create(null)), '{__proto__:null}')
  assert.is(val(JSON.parse('{"__proto__": 1}')), '{"__proto__":1}')
})

obj('encodeValue() ignores non-enumerable properties', () => {
  const o = Object.defineProperty({ a: 1 }, 'hidden', { value: 2, enumerable: false })
  assert.is(val(o), '{"a":1}')
  const s = Object.defineProperty({ a: 1 }, Symbol('x'), { value: 2, enumerable: false })
  assert.is(val(s), '{"a":1}')
})

obj('encodeValue() encodes Date, Map, Set and RegExp', () => {
  assert.is(val(new Date(5)), 'Date(5)')
  assert.is(val(new Date(NaN)), 'Date(NaN)')
  assert.is(val(new Map<unknown, unknown>([[2, 'b'], ['1', { y: 1, x: 2 }]])), 'Map{"1"=>{"x":2,"y":1},2=>"b"}')
  assert.is(val(new Map()), 'Map{}')
  assert.is(val(new Set([3, 1, '2'])), 'Set["2",1,3]')
  assert.is(val(new Set()), 'Set[]')
  assert.is(val(/a+"/gi), 'RegExp("/a+\\"/gi")')
})

obj('encodeValue() encodes binary data as its constructor name and the hex of the viewed bytes', () => {
  assert.is(val(new Uint8Array([0, 15, 255])), 'Uint8Array(000fff)')
  assert.is(val(Buffer.from([1, 2])), 'Buffer(0102)')
  assert.is(val(Buffer.from([1, 2, 3]).subarray(1)), 'Buffer(0203)')
  assert.is(val(new Uint16Array([0x0102])), 'Uint16Array(0201)') // little-endian bytes
  assert.is(val(new BigInt64Array([-1n])), 'BigInt64Array(ffffffffffffffff)')
  assert.is(val(new Float64Array([1])), 'Float64Array(000000000000f03f)')
  const buf = new Uint8Array([9, 8, 7, 6, 5]).buffer
  assert.is(val(new Uint8Array(buf, 1, 2)), 'Uint8Array(0807)')
  assert.is(val(new DataView(buf, 3)), 'DataView(0605)')
  assert.is(val(buf), 'ArrayBuffer(0908070605)')
  const names = [Int8Array, Uint8Array, Uint8ClampedArray, Int16Array, Uint16Array, Int32Array, Uint32Array,
    Float32Array, Float64Array, BigInt64Array, BigUint64Array]
  for (const T of names) assert.is(val(new T(1)), `${T.name}(${'00'.repeat(T.BYTES_PER_ELEMENT)})`)
})

obj('encodeValue() accepts a shared reference that is not a cycle', () => {
  const shared = { a: 1 }
  assert.is(val([shared, shared, { s: shared }]), '[{"a":1},{"a":1},{"s":{"a":1}}]')
})

obj.run()

// ---

const distinct = suite('encodeArgs distinctness')

distinct('encodeArgs() separates values of different types', () => {
  const values: unknown[] = [1, '1', 1n, true, 'true', null, 'null', undefined, 'undefined', 0, -0, '-0', NaN, 'NaN',
    new Date(1), [1], new Set([1]), new Map([[1, 1]]), { 1: 1 }, new Uint8Array([1]), new Int8Array([1]),
    new Uint8Array([1]).buffer, new DataView(new Uint8Array([1]).buffer), /1/, '/1/', [], {}, new Set(), new Map(), '']
  const seen = new Map<string, unknown>()
  for (const v of values) {
    const k = key(v)
    assert.not.ok(seen.has(k), `${k} shared by ${String(seen.get(k))} and ${String(v)}`)
    seen.set(k, v)
  }
})

distinct('encodeArgs() keeps argument boundaries and nesting apart', () => {
  different(['a,b'], ['a', 'b'])
  different([[1], [2]], [[1, 2]])
  different([[1, 2]], [1, 2])
  different([], [undefined])
  different([undefined], [undefined, undefined])
  different([{ a: undefined }], [{}])
  different([{ a: null }], [{ a: undefined }])
  different([{ 'a":1,"b': 2 }], [{ a: 1, b: 2 }])
  different([new Map([['a', 1]])], [{ a: 1 }])
  different([new Map([[1, 2], [3, 4]])], [new Map([[1, 4], [3, 2]])])
  different([new Set([[1], [2]])], [new Set([[1, 2]])])
  different([new Set([{}, {}])], [new Set([{}])])
  different([new Date(0)], [0])
  different([[0]], [[-0]])
  different([{ a: -0 }], [{ a: 0 }])
  different(['Date(0)'], [new Date(0)])
})

distinct('encodeArgs() ignores key order and insertion order', () => {
  same([{ a: 1, b: { c: 2, d: 3 } }], [{ b: { d: 3, c: 2 }, a: 1 }])
  same([new Map<unknown, unknown>([[1, 'a'], ['x', [2]]])], [new Map<unknown, unknown>([['x', [2]], [1, 'a']])])
  same([new Set([1, 'a', { z: 1, y: 2 }])], [new Set([{ y: 2, z: 1 }, 'a', 1])])
})

distinct('the function can tell them apart, so they do not share a key: holes, Buffer, null prototype', () => {
  // eslint-disable-next-line no-sparse-arrays
  different([[, 1]], [[undefined, 1]])
  // eslint-disable-next-line no-sparse-arrays
  different([[1, ,]], [[1, undefined]])
  // eslint-disable-next-line no-sparse-arrays
  different([[,]], [[]])
  different([new Array(3)], [[undefined, undefined, undefined]])
  different([Buffer.from([1, 2])], [new Uint8Array([1, 2])])
  different([{ b: Buffer.from([]) }], [{ b: new Uint8Array(0) }])
  different([Object.assign(Object.create(null), { a: 1 })], [{ a: 1 }])
  different([Object.create(null)], [{}])
  different([Object.create(null)], [{ __proto__x: null }])
  different([JSON.parse('{"__proto__":null}')], [Object.create(null)])
  same([Object.assign(Object.create(null), { b: 1, a: 2 })], [Object.assign(Object.create(null), { a: 2, b: 1 })])
  same([Buffer.from([1, 2])], [Buffer.from(new Uint8Array([1, 2]))])
  // eslint-disable-next-line no-sparse-arrays
  same([[1, , 3]], [Object.assign(new Array(3), { 0: 1, 2: 3 })])
})

distinct('a typed-array subclass other than Buffer is a class instance: rejected, not confused with its base', () => {
  class Bytes extends Uint8Array {}
  assert.throws(() => encodeArgs([new Bytes(2)], 'f'), /argument 1 holds a Bytes instance/)
})

distinct.run()

// ---

// Structural equality by the encoding's semantics: the reference the property tests check against.
function equal(a: unknown, b: unknown): boolean {
  if (typeof a !== typeof b) return false
  if (typeof a !== 'object' || a === null || b === null) return Object.is(a, b)
  const x = a as object, y = b as object
  if (Array.isArray(x) || Array.isArray(y)) {
    if (!Array.isArray(x) || !Array.isArray(y) || x.length !== y.length) return false
    for (let i = 0; i < x.length; i++) if ((i in x) !== (i in y) || !equal(x[i], y[i])) return false
    return true
  }
  const kind = (v: object) => {
    if (Buffer.isBuffer(v)) return 'Buffer'
    if (Object.getPrototypeOf(v) === null) return 'null-prototype'
    if (v instanceof Date) return 'Date'
    if (v instanceof Map) return 'Map'
    if (v instanceof Set) return 'Set'
    if (v instanceof RegExp) return 'RegExp'
    if (v instanceof ArrayBuffer) return 'ArrayBuffer'
    if (v instanceof DataView) return 'DataView'
    if (ArrayBuffer.isView(v)) return Object.prototype.toString.call(v)
    return 'plain'
  }
  if (kind(x) !== kind(y)) return false
  switch (kind(x)) {
    case 'Date': return Object.is((x as Date).getTime(), (y as Date).getTime())
    case 'RegExp': return String(x) === String(y)
    case 'Map': return matchAll([...(x as Map<unknown, unknown>)], [...(y as Map<unknown, unknown>)], ([k1, v1], [k2, v2]) => equal(k1, k2) && equal(v1, v2))
    case 'Set': return matchAll([...(x as Set<unknown>)], [...(y as Set<unknown>)], equal)
    case 'plain': case 'null-prototype': {
      const kx = Object.keys(x).sort(), ky = Object.keys(y).sort()
      if (kx.length !== ky.length || kx.some((k, i) => k !== ky[i])) return false
      return kx.every((k) => equal((x as Record<string, unknown>)[k], (y as Record<string, unknown>)[k]))
    }
    default: {
      const bx = bytesOf(x), by = bytesOf(y)
      return bx.length === by.length && bx.every((byte, i) => byte === by[i])
    }
  }
}
// Equality is an equivalence, so greedy matching finds a bijection whenever one exists.
function matchAll<T>(xs: T[], ys: T[], eq: (a: T, b: T) => boolean): boolean {
  if (xs.length !== ys.length) return false
  const left = [...ys]
  for (const x of xs) {
    const i = left.findIndex((y) => eq(x, y))
    if (i < 0) return false
    left.splice(i, 1)
  }
  return true
}
const bytesOf = (v: object) => v instanceof ArrayBuffer ? new Uint8Array(v) : new Uint8Array((v as ArrayBufferView).buffer, (v as ArrayBufferView).byteOffset, (v as ArrayBufferView).byteLength)

// A structurally equal copy with reversed key and insertion orders, holes kept as holes, copied bytes.
function reshuffle(v: unknown): unknown {
  if (typeof v !== 'object' || v === null) return v
  if (Array.isArray(v)) {
    const out = new Array(v.length)
    v.forEach((item, i) => { out[i] = reshuffle(item) }) // forEach skips holes: they stay holes
    return out
  }
  if (v instanceof Date) return new Date(v.getTime())
  if (v instanceof Map) return new Map([...v].reverse().map(([k, x]) => [reshuffle(k), reshuffle(x)]))
  if (v instanceof Set) return new Set([...v].reverse().map(reshuffle))
  if (v instanceof RegExp) return new RegExp(v.source, v.flags)
  if (v instanceof ArrayBuffer) return v.slice(0)
  if (Buffer.isBuffer(v)) return Buffer.from(v)
  if (v instanceof Uint8Array) return new Uint8Array(v)
  if (ArrayBuffer.isView(v)) return v
  const out: Record<string, unknown> = Object.getPrototypeOf(v) === null ? Object.create(null) : {}
  for (const k of Object.keys(v).reverse()) {
    Object.defineProperty(out, k, { value: reshuffle((v as Record<string, unknown>)[k]), enumerable: true, writable: true, configurable: true })
  }
  return out
}

// Rich values: every supported type, nested. `small` draws from tiny domains so that random pairs
// are often equal or nearly so, which is where a bad encoding would collide.
function values(small: boolean) {
  const str = small ? fc.constantFrom('', 'a', 'b', 'a,b', '"', '1', '1n', 'n', 'undefined', '\ud800', 'a":1,"b') : fc.string({ unit: 'binary', maxLength: 12 })
  const num = small ? fc.constantFrom(0, -0, 1, -1, 1.5, NaN, Infinity, -Infinity, 1e21) : fc.double()
  const big = small ? fc.constantFrom(0n, 1n, -1n, 2n ** 70n) : fc.bigInt()
  const leaf = fc.oneof(
    num, big, str, fc.boolean(), fc.constant(null), fc.constant(undefined),
    (small ? fc.constantFrom(0, 1, NaN) : fc.integer({ min: -8.64e15, max: 8.64e15 })).map((t) => new Date(t)),
    fc.uint8Array({ maxLength: small ? 2 : 6 }).map((b) => new Uint8Array(b)),
    fc.uint8Array({ maxLength: small ? 2 : 6 }).map((b) => Buffer.from(b)),
    fc.int16Array({ maxLength: 2 }),
    fc.float64Array({ maxLength: 2 }),
    fc.bigInt64Array({ maxLength: 2 }),
    fc.uint8Array({ maxLength: 3 }).map((b) => b.slice().buffer),
    fc.uint8Array({ maxLength: 3 }).map((b) => new DataView(b.slice().buffer)),
    fc.constantFrom(/a/, /a/g, /b/),
  )
  return fc.letrec((tie) => ({
    value: fc.oneof({ depthSize: 'small', withCrossShrink: true }, leaf, tie('array'), tie('object'), tie('map'), tie('set')),
    // Some elements left as holes.
    array: fc.tuple(fc.array(tie('value'), { maxLength: 3 }), fc.array(fc.boolean(), { maxLength: 3 })).map(([xs, holes]) => {
      const out = new Array(xs.length)
      xs.forEach((x, i) => { if (holes[i] !== true) out[i] = x })
      return out
    }),
    // Some with a null prototype.
    object: fc.tuple(fc.dictionary(small ? fc.constantFrom('a', 'b', '1', '', 'a,b', 'a":1,"b', '__proto__', 'constructor') : fc.string({ maxLength: 4 }), tie('value'), { maxKeys: 3 }), fc.boolean()).map(([d, bare]) => {
      if (!bare) return d
      const out = Object.create(null) as Record<string, unknown>
      for (const k of Object.keys(d)) Object.defineProperty(out, k, { value: d[k], enumerable: true, writable: true, configurable: true })
      return out
    }),
    map: fc.array(fc.tuple(tie('value'), tie('value')), { maxLength: 3 }).map((es) => new Map(es)),
    set: fc.array(tie('value'), { maxLength: 3 }).map((xs) => new Set(xs)),
  })).value
}

// A copy of `v` whose n-th leaf (depth-first, mod the leaf count) is replaced by `leaf`: pairs that
// differ in one place, where a weak encoding would collide.
function perturb(v: unknown, leaf: unknown, n: number): unknown {
  let count = 0
  const countLeaves = (x: unknown): void => {
    if (x instanceof Map) x.forEach((y, k) => { countLeaves(k); countLeaves(y) })
    else if (x instanceof Set || Array.isArray(x)) x.forEach(countLeaves)
    else if (typeof x === 'object' && x !== null && Object.getPrototypeOf(x) === Object.prototype) Object.values(x).forEach(countLeaves)
    else count++
  }
  countLeaves(v)
  let target = n % count
  const walk = (x: unknown): unknown => {
    if (x instanceof Map) return new Map([...x].map(([k, y]) => [walk(k), walk(y)]))
    if (x instanceof Set) return new Set([...x].map(walk))
    if (Array.isArray(x)) return Array.from(x, walk)
    if (typeof x === 'object' && x !== null && Object.getPrototypeOf(x) === Object.prototype) {
      const out: Record<string, unknown> = {}
      for (const k of Object.keys(x)) Object.defineProperty(out, k, { value: walk((x as Record<string, unknown>)[k]), enumerable: true, writable: true, configurable: true })
      return out
    }
    return target-- === 0 ? leaf : x
  }
  return walk(v)
}

const props = suite('encodeArgs properties')

props('encodeArgs() is deterministic', () => {
  fc.assert(fc.property(fc.array(values(false), { maxLength: 3 }), (args) => {
    assert.is(encodeArgs(args, 'f'), encodeArgs(args, 'f'))
  }), { numRuns: 1000, seed: 11 })
})

props('encodeArgs() gives equal keys to structurally equal arguments in any key or insertion order', () => {
  fc.assert(fc.property(fc.array(values(false), { maxLength: 3 }), (args) => {
    assert.is(encodeArgs(args.map(reshuffle), 'f'), encodeArgs(args, 'f'))
  }), { numRuns: 1000, seed: 12 })
})

props('encodeArgs(a) === encodeArgs(b) exactly when a and b are structurally equal', () => {
  let equalPairs = 0
  fc.assert(fc.property(fc.array(values(true), { maxLength: 3 }), fc.array(values(true), { maxLength: 3 }), (a, b) => {
    const eq = a.length === b.length && a.every((x, i) => equal(x, b[i]))
    if (eq) equalPairs++
    assert.is(encodeArgs(a, 'f') === encodeArgs(b, 'f'), eq, `${encodeArgs(a, 'f')} vs ${encodeArgs(b, 'f')}`)
  }), { numRuns: 5000, seed: 13 })
  assert.ok(equalPairs > 50, `only ${equalPairs} equal pairs were generated`)
})

// Values that a weak encoding would confuse with one another.
const confusables = (): unknown[] => [0, -0, '0', '-0', 0n, '0n', 1, '1', NaN, 'NaN', null, 'null', undefined, 'undefined', '',
  [], {}, [0], { 0: 0 }, new Set(), new Set([0]), new Map(), new Map([[0, 0]]), new Date(0), 'Date(0)', new Uint8Array(1),
  new Int8Array(1), new Uint8Array(1).buffer, 'a,b', ['a', 'b'], '[]', true, 'true', /0/, '/0/']

props('encodeArgs() separates argument lists that differ in one leaf', () => {
  let changed = 0
  const leaves = fc.oneof(values(true), fc.nat(confusables().length - 1).map((i) => confusables()[i]))
  fc.assert(fc.property(fc.array(values(true), { minLength: 1, maxLength: 3 }), leaves, fc.nat(), (a, leaf, n) => {
    const b = perturb(a, leaf, n) as unknown[]
    const eq = equal(a, b)
    if (!eq) changed++
    assert.is(encodeArgs(a, 'f') === encodeArgs(b, 'f'), eq, `${encodeArgs(a, 'f')} vs ${encodeArgs(b, 'f')}`)
  }), { numRuns: 5000, seed: 16 })
  assert.ok(changed > 1000, `only ${changed} changed pairs`)
})

for (const small of [true, false]) {
  props(`encodeArgs() never gives one key to two different argument lists (${small ? 'tiny' : 'rich'} domain)`, () => {
    // Every key is compared with every earlier one, so each run checks thousands of pairs.
    const seen = new Map<string, unknown[]>()
    let repeats = 0
    fc.assert(fc.property(fc.array(values(small), { maxLength: 3 }), (args) => {
      const k = encodeArgs(args, 'f')
      const prev = seen.get(k)
      if (!prev) seen.set(k, args)
      else {
        repeats++
        assert.ok(prev.length === args.length && prev.every((x, i) => equal(x, args[i])), `collision on ${k}`)
      }
    }), { numRuns: 5000, seed: small ? 15 : 14 })
    if (small) assert.ok(repeats > 100, `only ${repeats} repeated keys`)
  })
}

props.run()

// ---

const errors = suite('encodeArgs errors')

errors('encodeArgs() rejects functions, symbols and class instances with E_KEY_UNENCODABLE', () => {
  class User { id = 1 }
  const bad: unknown[] = [() => 1, Symbol('s'), new User(), Promise.resolve(1), new Error('x'), new WeakMap(),
    Object(1), Object('s'), Object.create({ inherited: 1 }), new (class extends Map {})(), new SharedArrayBuffer(1)]
  for (const v of bad) throwsKey(() => key(v))
  for (const v of bad) throwsKey(() => key({ nested: [v] }))
})

errors('encodeArgs() rejects cycles, through objects, arrays, Maps and Sets', () => {
  const o: Record<string, unknown> = { a: 1 }
  o.self = o
  const arr: unknown[] = [1]
  arr.push([arr])
  const m = new Map<unknown, unknown>()
  m.set('m', m)
  const s = new Set<unknown>()
  s.add([s])
  for (const v of [o, arr, m, s]) assert.match(throwsKey(() => key(v)).message, 'a circular reference')
})

errors('encodeArgs() rejects an own enumerable symbol key', () => {
  assert.match(throwsKey(() => key({ [Symbol('tag')]: 1 })).message, 'a symbol key (Symbol(tag))')
})

errors('the message names the function, the parameter, the path, what was found and the fix', () => {
  const e = throwsKey(() => encodeArgs([1, { cb: () => 0 }], 'src/users.ts#getUser', ['id', 'filter']))
  assert.is(e.message, `[E_KEY_UNENCODABLE] cannot build a cache key for src/users.ts#getUser: parameter "filter" holds a function at filter.cb; keys accept primitives, plain objects, arrays, Date, Map, Set, BigInt and typed arrays.\n  Try: choose the key parameters with { key: ['id'] }, or pass key: (...args) => a plain value.`)
})

errors('the message falls back to "argument N" and spells paths into arrays, odd keys, Maps and Sets', () => {
  class Conn {}
  const cases: [unknown[], (string | null)[] | undefined, string][] = [
    [[1, 2, Symbol('s')], undefined, 'argument 3 holds a symbol;'],
    [[{ a: [0, new Conn()] }], [null], 'argument 1 holds a Conn instance at argument 1.a[1];'],
    [[{ 'a b': () => 0 }], ['q'], 'parameter "q" holds a function at q["a b"];'],
    [[new Map([['k', { f: () => 0 }]])], ['m'], 'parameter "m" holds a function at m.get("k").f;'],
    [[new Map([[() => 0, 1]])], ['m'], 'parameter "m" holds a function at m[Map key];'],
    [[new Set([Promise.resolve()])], ['s'], 'parameter "s" holds a Promise (await it first) at s[Set item];'],
    [[Object(5)], ['n'], 'parameter "n" holds a boxed Number (pass the primitive value);'],
  ]
  for (const [args, names, want] of cases) assert.match(throwsKey(() => encodeArgs(args, 'f', names)).message, want)
})

errors('encodeValue() names the path it was given', () => {
  const e = throwsKey(() => encodeValue({ x: () => 0 }, 'src/a.ts#f', 'key'))
  assert.match(e.message, 'cannot build a cache key for src/a.ts#f: found a function at key.x;')
})

errors('encodeArgs() lets errors thrown by getters through untouched', () => {
  const boom = new RangeError('getter')
  const o = { get a() { throw boom } }
  try { key(o); assert.unreachable() } catch (e) { assert.is(e, boom) }
})

errors.run()

// ---

const tags = suite('tagPart')

tags('tagPart() formats primitives as users read them', () => {
  assert.is(tagPart('42'), '42')
  assert.is(tagPart(42), '42')
  assert.is(tagPart(42n), '42')
  assert.is(tagPart(true), 'true')
  assert.is(tagPart(null), 'null')
  assert.is(tagPart(undefined), 'undefined')
  assert.is(tagPart(''), '')
})

tags('tagPart() gives ISO strings for dates and the key encoding for other objects', () => {
  assert.is(tagPart(new Date(0)), '1970-01-01T00:00:00.000Z')
  assert.is(tagPart(new Date(NaN)), 'Invalid Date')
  assert.is(tagPart({ b: 1, a: 'x' }), '{"a":"x","b":1}')
  assert.is(tagPart([1, '2']), '[1,"2"]')
})

tags('tagPart() rejects what keys reject, naming the tag', () => {
  const e = throwsKey(() => tagPart({ f: () => 0 }, 'src/a.ts#f', 'user:{user}'))
  assert.match(e.message, 'cannot fill the tag user:{user} for src/a.ts#f: found a function at user:{user}.f')
  throwsKey(() => tagPart(Symbol('s')))
})

tags.run()
