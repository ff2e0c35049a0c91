// Deterministic generators for the record fuzzers: a seeded PRNG, rich values the codec can store,
// hostile CBOR payloads (prototype keys, generic-object tags, absurd lengths, deep nesting) and
// byte mutations (flip, set, cut, insert, duplicate, splice). Shared by fuzz/records.ts (the
// 100,000-case runs) and tests/hardening (the fast seed sets).

import { Encoder } from 'cbor-x/encode'
import { Tag } from 'cbor-x/decode' // the runtime's own entries (see runtime/codec.ts)

/** mulberry32: small, fast, and the same sequence on every machine for one seed. */
export function prng(seed: number): Rng {
  let a = seed >>> 0
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
  const rng: Rng = {
    next,
    int: (n) => Math.floor(next() * n),
    pick: (xs) => xs[Math.floor(next() * xs.length)]!,
    chance: (p) => next() < p,
  }
  return rng
}

export interface Rng {
  next(): number
  /** An integer in [0, n). */
  int(n: number): number
  pick<T>(xs: readonly T[]): T
  chance(p: number): boolean
}

const STRINGS = ['', 'a', 'Ada', 'user:42', 'a,b', '"q"', '\\', '\u0000', '\ud800', '\udfff', 'é', '日本', '👍🏽', '\u2028',
  'constructor', 'prototype', 'toString', 'hasOwnProperty', '__proto_', 'then', 'valueOf']

/** A value encodeRecord() accepts (plain data, Date, Map, Set, RegExp, typed arrays, bigint, -0...). */
export function richValue(r: Rng, depth = 0): unknown {
  const leaf = depth >= 3 || r.chance(0.45)
  if (leaf) {
    switch (r.int(12)) {
      case 0: return r.int(1000)
      case 1: return r.pick([-0, NaN, Infinity, -Infinity, 1.5, -(2 ** 53), 2 ** 64, Number.MIN_VALUE])
      case 2: return r.pick(STRINGS)
      case 3: return r.pick(STRINGS) + String.fromCharCode(r.int(0x10000))
      case 4: return r.chance(0.5)
      case 5: return null
      case 6: return undefined
      case 7: return BigInt(r.int(1000)) ** BigInt(r.int(5) + 1) * (r.chance(0.5) ? -1n : 1n)
      case 8: return new Date(r.chance(0.9) ? r.int(2 ** 31) * 1000 : 8.64e15)
      case 9: return new Uint8Array([r.int(256), r.int(256)])
      case 10: return r.pick([new Float64Array([1.5, -0]), new Int32Array([-1]), new Uint16Array([65535]).buffer, /a+b/gi])
      default: return 'x'.repeat(r.int(40))
    }
  }
  const n = r.int(4)
  switch (r.int(4)) {
    case 0: return Array.from({ length: n }, () => richValue(r, depth + 1))
    case 1: {
      const o: Record<string, unknown> = {}
      for (let i = 0; i < n; i++) o[r.pick(STRINGS) + (r.chance(0.5) ? i : '')] = richValue(r, depth + 1)
      return o
    }
    case 2: return new Map(Array.from({ length: n }, (_, i) => [r.chance(0.5) ? i : r.pick(STRINGS), richValue(r, depth + 1)]))
    default: return new Set(Array.from({ length: n }, () => richValue(r, depth + 1)))
  }
}

const raw = new Encoder({ useRecords: false, mapsAsObjects: true, useTag259ForMaps: false } as ConstructorParameters<typeof Encoder>[0])
const FORMAT_TAG = 0x666e6301

/** The 7 record fields of the codec around `value`, written by an encoder we control. */
export function envelope(key: string, version: string, value: unknown, fresh = 8e15): Uint8Array {
  return new Uint8Array(raw.encode(new Tag([key, version, 1, fresh, fresh, ['t'], value], FORMAT_TAG)))
}

const te = new TextEncoder()
/** 200,000 one-item array heads: a nest far deeper than any stack. */
const DEEP = new Uint8Array(200_000).fill(0x81)
const text = (s: string) => { const b = te.encode(s); return [0x60 + b.length, ...b] }
const HEADER = [0xda, 0x66, 0x6e, 0x63, 0x01]

/**
 * Records a writer could craft for the key `key` (version `version`): __proto__ and constructor
 * keys, cbor-x's generic-object tag 27 with built-in names, shared-reference tags, absurd declared
 * lengths, a deep nest. Each is a whole record; mutation makes more of them.
 */
export function hostileRecords(key: string, version: string): Uint8Array[] {
  const head = [...HEADER, 0x87, ...text(key), ...text(version), 0x01, 0xfb, 0x43, 0x3c, 0x6b, 0xf5, 0x26, 0x34, 0x00, 0x00, 0xfb, 0x43, 0x3c, 0x6b, 0xf5, 0x26, 0x34, 0x00, 0x00, 0x80]
  const withValue = (...value: number[]) => new Uint8Array([...head, ...value])
  const deep = concat(Uint8Array.from(head), DEEP, Uint8Array.of(0x00))
  return [
    envelope(key, version, new Map<unknown, unknown>([['__proto__', { polluted: true }], ['constructor', { prototype: { polluted: true } }]])),
    withValue(0xa2, ...text('__proto__'), 0xa1, ...text('polluted'), 0xf5, ...text('a'), 0x01),
    withValue(0xd9, 0x01, 0x03, 0xa1, ...text('__proto__'), 0xa1, ...text('polluted'), 0xf5), // tag 259 Map
    envelope(key, version, new Tag(['Error', 'polluted'], 27)),
    envelope(key, version, new Tag(['Function', 'globalThis.polluted = 1'], 27)),
    envelope(key, version, new Tag(['__defineGetter__', 'polluted', 1], 27)),
    envelope(key, version, new Tag(['constructor', 'polluted'], 27)),
    envelope(key, version, new Tag(0, 29)), // a shared reference to nothing
    envelope(key, version, new Tag([1], 28)),
    withValue(0x9b, 0x00, 0x00, 0x00, 0x00, 0xff, 0xff, 0xff, 0xff), // an array of 2^32 - 1 items
    withValue(0xbb, 0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff), // a map of 2^63 - 1 entries
    withValue(0x5b, 0x00, 0x1f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff), // 2^53 bytes
    withValue(0x7a, 0xff, 0xff, 0xff, 0xff, 0x61), // a 4 GiB string
    concat(Uint8Array.from(head), new Uint8Array(1000).fill(0x9f)), // unterminated indefinite arrays
    deep,
    envelope(key, version, new Tag(new Uint8Array(9), 0x666e6312)),
    envelope(key, version, new Tag([1, 2], 0x666e6310)),
    envelope(key, version, new Tag(-1, 0x666e6315)),
    envelope(key, version, { then: 1, toJSON: 'x', valueOf: 2 }),
    // Bignums (tags 2/3) over 256 KB: quadratic in cbor-x (48 s for 300 KB before the pre-decode scan).
    concat(Uint8Array.from(head), Uint8Array.of(0xc2, 0x5a, 0x00, 0x04, 0x00, 0x00), BIG),
    concat(Uint8Array.from(head), Uint8Array.of(0xc3, 0x5a, 0x00, 0x04, 0x00, 0x00), BIG),
    // cbor-x record definitions (tag 0xdfff, 0xe000 records): it compiles readers with new Function.
    withValue(0xd9, 0xdf, 0xff, 0x83, 0x19, 0xe0, 0x00, 0x81, ...text('a'), 0x01),
    withValue(0xd9, 0xe0, 0x00, 0x81, 0x01),
    withValue(0x86, 0xd9, 0xdf, 0xff, 0x83, 0x19, 0xe0, 0x00, 0x81, ...text('a'), 0x01, ...RECORD_5),
    withValue(0xd8, 0x69, 0x83, 0x19, 0xe0, 0x00, 0x81, ...text('x'), 0xd9, 0xe0, 0x00, 0x81, 0x01), // tag 105 (inline record)
    withValue(0xf8, 0x20), // simple value 32 (packed values)
    concat(Uint8Array.from(head), new Uint8Array(4000).fill(0xc1), Uint8Array.of(0x00)), // a chain of 4,000 tags
    concat(Uint8Array.from(head), new Uint8Array(600).fill(0x81), Uint8Array.of(0x00)), // nesting 600 deep
  ]
}

const BIG = new Uint8Array(256 * 1024).fill(0xa5)
/** The record 0xe000 read five times: cbor-x compiles a reader (new Function) after three. */
const RECORD_5 = [0, 0, 0, 0, 0].flatMap(() => [0xd9, 0xe0, 0x00, 0x81, 0x02])

/** 1-4 random edits of `src` (a copy). */
export function mutate(r: Rng, src: Uint8Array, donor?: Uint8Array): Uint8Array {
  let b = Uint8Array.from(src)
  const edits = 1 + r.int(4)
  for (let e = 0; e < edits; e++) {
    const at = r.int(b.length + 1)
    switch (r.int(7)) {
      case 0: if (at < b.length) b[at]! ^= 1 << r.int(8); break
      case 1: if (at < b.length) b[at] = r.pick([0x00, 0xff, 0x7f, 0x80, 0x9f, 0xbf, 0xd8, 0xd9, 0xda, 0xdb, 0xf6, 0xf7, 0x1b, r.int(256)]); break
      case 2: b = b.subarray(0, at); break
      case 3: b = concat(b.subarray(0, at), Uint8Array.of(r.int(256)), b.subarray(at)); break
      case 4: { const n = 1 + r.int(16); b = concat(b.subarray(0, at), b.subarray(at, at + n), b.subarray(at)); break }
      case 5: { const n = 1 + r.int(16); b = concat(b.subarray(0, at), b.subarray(at + n)); break }
      default: if (donor !== undefined) { const from = r.int(donor.length); b = concat(b.subarray(0, at), donor.subarray(from, from + 1 + r.int(32))) }
    }
  }
  return b
}

export function randomBytes(r: Rng, max = 96): Uint8Array {
  const b = new Uint8Array(r.int(max + 1))
  for (let i = 0; i < b.length; i++) b[i] = r.int(256)
  return b
}

export function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0))
  let at = 0
  for (const p of parts) { out.set(p, at); at += p.length }
  return out
}

/** A snapshot of the shared prototypes, compared after every case: decoding must never touch them. */
export function protoSnapshot(): string {
  const names = (o: object) => Reflect.ownKeys(o).map(String).sort().join(',')
  return [Object.prototype, Array.prototype, Function.prototype, Map.prototype, Set.prototype, Date.prototype, Error.prototype]
    .map((p) => names(p) + '|' + String(Object.getPrototypeOf(p) === null)).join(';') +
    `;${typeof (globalThis as Record<string, unknown>).polluted}`
}

const SAFE_PROTOS = new Set<object | null>([Object.prototype, Array.prototype, Date.prototype, Map.prototype, Set.prototype,
  RegExp.prototype, ArrayBuffer.prototype, DataView.prototype, Buffer.prototype,
  ...[Int8Array, Uint8Array, Uint8ClampedArray, Int16Array, Uint16Array, Int32Array, Uint32Array, Float32Array, Float64Array,
    BigInt64Array, BigUint64Array].map((T) => T.prototype)])

/** The first object inside `v` (up to `limit` nodes) whose prototype is not a plain-data one, or undefined. */
export function foreignPrototype(v: unknown, limit = 10_000): string | undefined {
  const stack = [v]
  const seen = new Set<object>()
  let n = 0
  while (stack.length > 0 && n++ < limit) {
    const x = stack.pop()
    if (typeof x === 'function') return 'a function'
    if (x === null || typeof x !== 'object' || seen.has(x)) continue
    seen.add(x)
    const p = Object.getPrototypeOf(x)
    if (!SAFE_PROTOS.has(p)) return `prototype ${String(p?.constructor?.name ?? p)}`
    if (x instanceof Map) for (const [k, val] of x) stack.push(k, val)
    else if (x instanceof Set) for (const val of x) stack.push(val)
    else if (!ArrayBuffer.isView(x)) for (const k of Object.keys(x)) stack.push((x as Record<string, unknown>)[k])
  }
  return undefined
}
