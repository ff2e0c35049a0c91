// Encodes cache records to bytes for the persistent backends (file, Redis) with cbor-x, and decodes
// them back without ever throwing or trusting the bytes: foreign, corrupt or crafted input is
// `undefined`, never a half-record or a polluted prototype. The memory backend does not use it.
// The record's frame is here; how its value maps to CBOR and back is codec-values.ts.

// The plain-JS entries: under Node, 'cbor-x' itself also loads cbor-extract, a native string
// extractor that crashes Bun and is one more parser of untrusted bytes; every record is small enough
// that the JS decoder costs nothing measurable here.
import { Encoder } from 'cbor-x/encode'
import { scanRecord } from './cbor-scan.js'
import { ARRAY_PROTO, FAIL, Tag, isWellFormed, prepare, revive, wellFormed } from './codec-values.js'

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

/**
 * The default bound on a record read or written by a persistent backend, in bytes (64 MiB):
 * `configure({ maxEntrySize })` replaces it when set. A larger record is never decoded (a miss,
 * counted as corrupt and removed) and never written.
 */
export const DEFAULT_MAX_RECORD_BYTES = 64 * 1024 * 1024

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

