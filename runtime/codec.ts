// Encodes cache records to bytes for the persistent backends (file, Redis) with cbor-x, and decodes
// them back without ever throwing or trusting the bytes: foreign, corrupt or crafted input is
// `undefined`, never a half-record or a polluted prototype. The memory backend does not use it.

// The plain-JS entries: under Node, 'cbor-x' itself also loads cbor-extract, a native string
// extractor that crashes Bun and is one more parser of untrusted bytes; every record is small enough
// that the JS decoder costs nothing measurable here.
import { Encoder } from 'cbor-x/encode'
import * as cborDecode from 'cbor-x/decode'
import type { Tag as CborTag } from 'cbor-x'
import { SCAN_LIMITS, scanRecord } from './cbor-scan.js'

// cbor-x's decode.d.ts leaves out Tag, which decode.js exports; the CommonJS build resolves the
// subpath the Node10 way (to that .d.ts), so the class is typed from the package's main types.
const Tag = (cborDecode as unknown as { Tag: typeof CborTag }).Tag

/** One cached result as stored by a persistent backend. */
export interface StoredRecord {
  /** The full logical key, compared on read to detect hash collisions and foreign records. */
  key: string
  /** The function version; `''` when none. */
  version: string
  /** Milliseconds since the epoch when stored; tag invalidation compares timestamps against it. */
  created: number
  /** Milliseconds since the epoch until which the value is fresh; `Infinity`: no expiry. */
  fresh: number
  /** Milliseconds since the epoch until which a stale value may still be served (`>= fresh`). */
  stale: number
  tags: readonly string[]
  value: unknown
}

// The record is CBOR tag FORMAT_TAG around [key, version, created, fresh, stale, tags, value].
// As a 32-bit tag it is written da 66 6e 63 01: 'fnc' + format version 1, a 5-byte header that
// tells our records from foreign bytes before any parsing.
const FORMAT_TAG = 0x666e6301
const HEADER = [0xda, 0x66, 0x6e, 0x63, 0x01]

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

/**
 * The default bound on a record read or written by a persistent backend, in bytes (64 MiB):
 * `configure({ maxEntrySize })` replaces it when set. A larger record is never decoded (a miss,
 * counted as corrupt and removed) and never written.
 */
export const DEFAULT_MAX_RECORD_BYTES = 64 * 1024 * 1024

// Bignums beyond SCAN_LIMITS.maxBignumBytes are neither written nor read (cbor-x is quadratic in
// their size, both ways): |v| >= 2^(8 * bytes) does not fit.
const BIGNUM_LIMIT = 1n << BigInt(8 * SCAN_LIMITS.maxBignumBytes)

/**
 * One encoder for every record. No records/shared structures (`useRecords: false`), so any
 * process decodes any record without shared state; objects are CBOR maps, `Map`s tag 259 (the
 * default with `mapsAsObjects`),
 * `Uint8Array`s tag 64 (so they come back as Uint8Array, not Buffer). No `structuredClone`:
 * cycles are not encodable and shared references are written twice (identity is not kept).
 * `copyBuffers`: decoded typed arrays own their memory instead of viewing the input bytes.
 */
const cbor = new Encoder({
  useRecords: false,
  mapsAsObjects: true,
  tagUint8Array: true,
  copyBuffers: true,
  structuredClone: false,
})

const FAIL: unique symbol = Symbol('unencodable')
type Prepared = unknown

const OBJECT_PROTO = Object.prototype
const ARRAY_PROTO = Array.prototype
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

/**
 * The bytes of `rec`, or `undefined` when its value cannot be encoded faithfully: it holds a
 * function, a symbol, a cycle, an own `__proto__` key, an own enumerable symbol key, or an object
 * other than a plain object (`null` prototype included: it comes back with `Object.prototype`),
 * array, Date, Map, Set, RegExp, typed array, Buffer, ArrayBuffer or DataView. Error instances
 * are not encodable either (their class, stack and extra fields would not survive). Array holes
 * come back as `undefined`; a RegExp loses its `lastIndex`.
 * Throws a TypeError when the record's own fields are malformed (a runtime bug, not user data).
 */
export function encodeRecord(rec: StoredRecord): Uint8Array | undefined {
  const tags = checkFields(rec)
  try {
    const value = prepare(rec.value, null)
    if (value === FAIL) return undefined
    return cbor.encode(new Tag(
      [wellFormed(rec.key), wellFormed(rec.version), rec.created, rec.fresh, rec.stale, tags, value],
      FORMAT_TAG,
    ))
  } catch {
    // A getter that throws, or anything cbor-x refuses: not storable, the caller returns it uncached.
    return undefined
  }
}

/** True when {@link encodeRecord} can store `value` faithfully. Never throws. */
export function isEncodable(value: unknown): boolean {
  try {
    return prepare(value, null) !== FAIL
  } catch {
    return false
  }
}

/**
 * The record in `bytes`, or `undefined` for anything else: foreign, truncated, corrupt or crafted
 * bytes, another format version, fields of the wrong type, more than `maxBytes`, or a shape the
 * encoder never writes (cbor-scan.ts: unknown tags, bignums over 8 KiB, nesting over 500, lengths
 * beyond the bytes). Never throws; linear time in the size. A decoded object never gets a foreign
 * prototype: cbor-x stores a `__proto__` key as the own property `__proto_`.
 */
export function decodeRecord(bytes: Uint8Array, maxBytes = DEFAULT_MAX_RECORD_BYTES): StoredRecord | undefined {
  try {
    if (!(bytes instanceof Uint8Array) || bytes.length < 8 || bytes.length > maxBytes) return undefined
    for (let i = 0; i < HEADER.length; i++) if (bytes[i] !== HEADER[i]) return undefined
    if (!scanRecord(bytes)) return undefined
    const outer: unknown = cbor.decode(bytes)
    if (!(outer instanceof Tag) || outer.tag !== FORMAT_TAG) return undefined
    const f: unknown = outer.value
    if (!Array.isArray(f) || f.length !== 7) return undefined
    const seen = new Set<object>()
    const key = revive(f[0], seen)
    const version = revive(f[1], seen)
    const [, , created, fresh, stale, rawTags] = f as unknown[]
    if (typeof key !== 'string' || typeof version !== 'string' || !timesOk(created, fresh, stale)) return undefined
    if (!Array.isArray(rawTags) || Object.getPrototypeOf(rawTags) !== ARRAY_PROTO) return undefined
    const tags: string[] = []
    for (const t of rawTags) {
      const s = revive(t, seen)
      if (typeof s !== 'string') return undefined
      tags.push(s)
    }
    const value = revive(f[6], seen)
    if (value === FAIL) return undefined
    return { key, version, created: created as number, fresh: fresh as number, stale: stale as number, tags, value }
  } catch {
    return undefined
  }
}

/** Validates the record's own fields; returns its tags ready for cbor-x (wrapped when needed). */
function checkFields(rec: StoredRecord): readonly unknown[] {
  const given: readonly unknown[] = rec.tags
  let tagsOk = Array.isArray(given)
  let wrap = false
  for (let i = 0; tagsOk && i < given.length; i++) {
    const t = given[i]
    if (typeof t !== 'string') tagsOk = false
    else if (!isWellFormed(t)) wrap = true
  }
  const tags = wrap ? rec.tags.map(wellFormed) : given
  if (typeof rec.key === 'string' && typeof rec.version === 'string' && tagsOk && timesOk(rec.created, rec.fresh, rec.stale)) return tags
  throw Object.assign(new TypeError(
    '[E_RECORD_INVALID] encodeRecord() expects string key and version, finite created, fresh <= stale (numbers, not NaN) and string tags; ' +
    `received key ${typeof rec.key}, version ${typeof rec.version}, created ${String(rec.created)}, fresh ${String(rec.fresh)}, stale ${String(rec.stale)}, tags ${tagsOk ? 'ok' : 'malformed'}.`,
  ), { code: 'E_RECORD_INVALID' as const })
}

function timesOk(created: unknown, fresh: unknown, stale: unknown): boolean {
  return typeof created === 'number' && Number.isFinite(created) &&
    typeof fresh === 'number' && typeof stale === 'number' && stale >= fresh // false for NaN
}

const nativeWellFormed = (String.prototype as { isWellFormed?: (this: string) => boolean }).isWellFormed

/** No lone surrogates (UTF-8, hence CBOR text, can carry the string exactly). */
function isWellFormed(s: string): boolean {
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

function wellFormed(s: string): unknown {
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
function prepare(v: unknown, stack: object[] | null): Prepared | typeof FAIL {
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
function revive(v: unknown, seen: Set<object>): unknown {
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
