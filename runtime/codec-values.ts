// How a cached value maps to what cbor-x writes, and back (codec.ts holds the record around it):
// prepare() wraps what cbor-x alone would not round-trip (-0, lone surrogates, ArrayBuffer,
// DataView, Buffer, far Dates, bignum bounds) in our own tags and refuses what cannot be stored
// faithfully; revive() unwraps them on read and refuses anything prepare() never writes, so
// crafted bytes cannot yield a foreign prototype, a class instance or a shared reference.

import * as cborDecode from 'cbor-x/decode'
import type { Tag as CborTag } from 'cbor-x'
import { SCAN_LIMITS } from './cbor-scan.js'

// cbor-x's decode.d.ts leaves out Tag, which decode.js exports; the CommonJS build resolves the
// subpath the Node10 way (to that .d.ts), so the class is typed from the package's main types.
export const Tag = (cborDecode as unknown as { Tag: typeof CborTag }).Tag

// Our own tags, for what cbor-x alone would not round-trip (its extensions are process-global, so
// we wrap values instead of registering classes): each wraps a plain payload and is revived on read.
const T_STRING16 = 0x666e6310 // a string with lone surrogates (UTF-8 cannot carry them): Uint16Array
const T_NEG_ZERO = 0x666e6311 // -0 (cbor-x writes it as the integer 0): payload 0
const T_ARRAY_BUFFER = 0x666e6312 // ArrayBuffer (cbor-x reads it back as bytes): Uint8Array
const T_DATA_VIEW = 0x666e6313 // DataView: Uint8Array
const T_BUFFER = 0x666e6314 // Node Buffer (untagged bytes read back as Buffer only from a Buffer): Uint8Array
const T_DATE_MS = 0x666e6315 // a Date beyond +-2^50 ms, where cbor-x's float seconds lose a millisecond: ms

// Below 2^50 ms (about 35,000 years), round(fl(fl(ms / 1000) * 1000)) === ms: the error is under
// 2^-52 * |ms| < 0.25.
const DATE_EXACT_MS = 2 ** 50

// Bignums beyond SCAN_LIMITS.maxBignumBytes are neither written nor read (cbor-x is quadratic in
// their size, both ways): |v| >= 2^(8 * bytes) does not fit.
const BIGNUM_LIMIT = 1n << BigInt(8 * SCAN_LIMITS.maxBignumBytes)

export const FAIL: unique symbol = Symbol('unencodable')
type Prepared = unknown

const OBJECT_PROTO = Object.prototype
export const ARRAY_PROTO = Array.prototype
const DATE_PROTO = Date.prototype
const MAP_PROTO = Map.prototype
const SET_PROTO = Set.prototype
const REGEXP_PROTO = RegExp.prototype
const ARRAY_BUFFER_PROTO = ArrayBuffer.prototype
const DATA_VIEW_PROTO = DataView.prototype
const BufferCtor = (globalThis as { Buffer?: { prototype: object; from(b: ArrayBuffer, o: number, l: number): Uint8Array } }).Buffer
const BUFFER_PROTO = BufferCtor?.prototype
const TYPED_PROTOS = new Set<object>([Int8Array, Uint8Array, Uint8ClampedArray, Int16Array, Uint16Array, Int32Array,
  Uint32Array, Float32Array, Float64Array, BigInt64Array, BigUint64Array].map((T) => T.prototype))

const nativeWellFormed = (String.prototype as { isWellFormed?: (this: string) => boolean }).isWellFormed

/** No lone surrogates (UTF-8, hence CBOR text, can carry the string exactly). */
export function isWellFormed(s: string): boolean {
  if (nativeWellFormed) return nativeWellFormed.call(s)
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i)
    if (c < 0xd800 || c > 0xdfff) continue
    if (c > 0xdbff) return false
    const d = s.charCodeAt(i + 1)
    if (!(d >= 0xdc00 && d <= 0xdfff)) return false
    i++
  }
  return true
}

export function wellFormed(s: string): unknown {
  if (isWellFormed(s)) return s
  const units = new Uint16Array(s.length)
  for (let i = 0; i < s.length; i++) units[i] = s.charCodeAt(i)
  return new Tag(units, T_STRING16)
}

/**
 * `v` ready for cbor-x: `v` itself when cbor-x round-trips it as is, a copy with the affected
 * parts wrapped in our tags when not (copy-on-write: only the containers on the way are copied),
 * or FAIL when it cannot be stored faithfully. `stack` holds the ancestors, to refuse cycles.
 */
export function prepare(v: unknown, stack: object[] | null): Prepared | typeof FAIL {
  switch (typeof v) {
    case 'number': return v === 0 && 1 / v < 0 ? new Tag(0, T_NEG_ZERO) : v
    case 'string': return wellFormed(v)
    case 'bigint': return v >= BIGNUM_LIMIT || v <= -BIGNUM_LIMIT ? FAIL : v
    case 'boolean': case 'undefined': return v
    case 'object': break
    default: return FAIL // function, symbol
  }
  if (v === null) return v
  if (stack === null) stack = []
  else if (stack.length >= SCAN_LIMITS.maxDepth - 8 || stack.includes(v)) return FAIL // too deep to read back, or a cycle
  const proto = Object.getPrototypeOf(v)
  if (proto === ARRAY_PROTO) return prepareArray(v as unknown[], stack)
  if (proto === OBJECT_PROTO || proto === null) return preparePlain(v as Record<string, unknown>, stack)
  if (proto === DATE_PROTO) {
    const ms = (v as Date).getTime()
    return ms >= DATE_EXACT_MS || ms <= -DATE_EXACT_MS ? new Tag(ms, T_DATE_MS) : v
  }
  if (proto === MAP_PROTO) return prepareMap(v as Map<unknown, unknown>, stack)
  if (proto === SET_PROTO) return prepareSet(v as Set<unknown>, stack)
  if (TYPED_PROTOS.has(proto) || proto === REGEXP_PROTO) return v
  if (proto === ARRAY_BUFFER_PROTO) return new Tag(new Uint8Array(v as ArrayBuffer), T_ARRAY_BUFFER)
  if (proto === DATA_VIEW_PROTO || (proto === BUFFER_PROTO && proto !== undefined)) {
    const view = v as ArrayBufferView
    return new Tag(new Uint8Array(view.buffer, view.byteOffset, view.byteLength), proto === DATA_VIEW_PROTO ? T_DATA_VIEW : T_BUFFER)
  }
  return FAIL
}

function prepareArray(v: unknown[], stack: object[]): Prepared | typeof FAIL {
  stack.push(v)
  let out: unknown[] | null = null
  for (let i = 0; i < v.length; i++) {
    const item = v[i]
    const p = prepare(item, stack)
    if (p === FAIL) return FAIL
    if (p !== item && out === null) out = v.slice(0, i)
    if (out !== null) out.push(p)
  }
  stack.pop()
  return out ?? v
}

function preparePlain(v: Record<string, unknown>, stack: object[]): Prepared | typeof FAIL {
  // cbor-x renames an own '__proto__' key and skips symbol keys: neither would round-trip.
  if (Object.prototype.hasOwnProperty.call(v, '__proto__')) return FAIL
  for (const s of Object.getOwnPropertySymbols(v)) if (Object.prototype.propertyIsEnumerable.call(v, s)) return FAIL
  stack.push(v)
  const keys = Object.keys(v)
  let out: Record<string, unknown> | null = null
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i]!
    const item = v[k]
    const p = prepare(item, stack)
    if (p === FAIL) return FAIL
    if (p !== item && out === null) {
      out = {}
      for (let j = 0; j < i; j++) out[keys[j]!] = v[keys[j]!]
    }
    if (out !== null) out[k] = p
  }
  stack.pop()
  return out ?? v
}

function prepareMap(v: Map<unknown, unknown>, stack: object[]): Prepared | typeof FAIL {
  stack.push(v)
  let changed = false
  const entries: [unknown, unknown][] = []
  for (const [k, x] of v) {
    const pk = prepare(k, stack)
    const px = prepare(x, stack)
    if (pk === FAIL || px === FAIL) return FAIL
    if (pk !== k || px !== x) changed = true
    entries.push([pk, px])
  }
  stack.pop()
  return changed ? new Map(entries) : v
}

function prepareSet(v: Set<unknown>, stack: object[]): Prepared | typeof FAIL {
  stack.push(v)
  let changed = false
  const items: unknown[] = []
  for (const x of v) {
    const p = prepare(x, stack)
    if (p === FAIL) return FAIL
    if (p !== x) changed = true
    items.push(p)
  }
  stack.pop()
  return changed ? new Set(items) : v
}

/**
 * The decoded `v` with our tags unwrapped, validated to hold only what {@link prepare} writes;
 * FAIL otherwise (unknown tags, Errors and other classes, shared or cyclic references, which we
 * never write: `seen` also bounds the walk on crafted reference graphs). Mutates fresh decoder
 * output in place.
 */
export function revive(v: unknown, seen: Set<object>): unknown {
  if (typeof v !== 'object' || v === null) return v
  if (seen.has(v)) return FAIL
  seen.add(v)
  const proto = Object.getPrototypeOf(v)
  if (proto === ARRAY_PROTO) {
    const a = v as unknown[]
    for (let i = 0; i < a.length; i++) {
      const r = revive(a[i], seen)
      if (r === FAIL) return FAIL
      if (r !== a[i]) a[i] = r
    }
    return a
  }
  if (proto === OBJECT_PROTO) {
    const o = v as Record<string, unknown>
    for (const k of Object.keys(o)) {
      const r = revive(o[k], seen)
      if (r === FAIL) return FAIL
      if (r !== o[k]) o[k] = r
    }
    return o
  }
  if (v instanceof Tag) return unwrap(v, seen)
  if (proto === MAP_PROTO) {
    const entries: [unknown, unknown][] = []
    for (const [k, x] of v as Map<unknown, unknown>) {
      const rk = revive(k, seen)
      const rx = revive(x, seen)
      if (rk === FAIL || rx === FAIL) return FAIL
      entries.push([rk, rx])
    }
    return new Map(entries)
  }
  if (proto === SET_PROTO) {
    const items: unknown[] = []
    for (const x of v as Set<unknown>) {
      const r = revive(x, seen)
      if (r === FAIL) return FAIL
      items.push(r)
    }
    return new Set(items)
  }
  if (proto === DATE_PROTO || proto === REGEXP_PROTO || TYPED_PROTOS.has(proto)) return v
  if (proto === BUFFER_PROTO && proto !== undefined) return v
  return FAIL
}

function unwrap(t: CborTag, seen: Set<object>): unknown {
  const p: unknown = t.value
  switch (t.tag) {
    case T_NEG_ZERO: return p === 0 ? -0 : FAIL
    case T_DATE_MS: return typeof p === 'number' ? new Date(p) : FAIL
    case T_STRING16: {
      if (!(p instanceof Uint16Array)) return FAIL
      let s = ''
      // Chunked: fromCharCode.apply has an argument-count limit.
      for (let i = 0; i < p.length; i += 8192) s += String.fromCharCode.apply(null, p.subarray(i, i + 8192) as unknown as number[])
      return s
    }
    case T_ARRAY_BUFFER: case T_DATA_VIEW: case T_BUFFER: {
      if (!(p instanceof Uint8Array) || seen.has(p)) return FAIL
      const copy = p.buffer.slice(p.byteOffset, p.byteOffset + p.byteLength) as ArrayBuffer
      if (t.tag === T_ARRAY_BUFFER) return copy
      if (t.tag === T_DATA_VIEW) return new DataView(copy)
      return BufferCtor ? BufferCtor.from(copy, 0, copy.byteLength) : new Uint8Array(copy)
    }
  }
  return FAIL
}
