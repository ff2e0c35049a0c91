// Records as persistent backends store them: the codec's bytes, signed when configure({ sign })
// is set. The one place that reads and writes them, so every path checks size and signatures the
// same way.

import { DEFAULT_MAX_RECORD_BYTES, decodeRecord, encodeRecord, type StoredRecord } from './codec.js'
import { globalCache } from './global.js'
import { boundKey } from './hash.js'
import { unseal } from './sign.js'
import { markOf, recordOf, withMarkSlot } from './soft-mark.js'

/** A record whose signature did not verify (or that is unsigned while signing is on). */
export const BAD_SIGNATURE = Symbol.for('fncache.macro/bad-signature')

/** The signature envelope around a record (magic and HMAC-SHA256, sign.ts) and the soft mark slot (soft-mark.ts), with room to spare. */
const ENVELOPE_BYTES = 80

/**
 * The largest record a persistent backend writes or reads, in bytes: `configure({ maxEntrySize })`
 * when set, else 64 MiB ({@link DEFAULT_MAX_RECORD_BYTES}). Processes sharing a store should
 * agree on it: a reader removes a larger record as corrupt.
 */
export function maxRecordBytes(): number {
  return globalCache.maxEntrySize === Infinity ? DEFAULT_MAX_RECORD_BYTES : globalCache.maxEntrySize
}

/**
 * The bytes to store, or undefined when the value cannot be encoded. A logical key longer than
 * `maxKeyLength` is stored bounded like the storage key (readable head + 128-bit hash of the whole
 * key), so a 10 MB argument does not make a 10 MB record; {@link keyMatches} compares it on read.
 * The record goes behind a soft mark slot (soft-mark.ts), marked at `staleAt` when given: a value
 * whose computation a soft invalidation overtook is stored stale.
 */
export function writeRecord(rec: StoredRecord, staleAt = Infinity): Uint8Array | undefined {
  const bytes = encodeRecord(rec.key.length > globalCache.maxKeyLength ? { ...rec, key: boundKey(rec.key, globalCache.maxKeyLength) } : rec)
  if (bytes === undefined) return undefined
  return withMarkSlot(globalCache.signer === null ? bytes : globalCache.signer.seal(bytes), staleAt)
}

/**
 * The record in `bytes`; undefined when corrupt, foreign or over {@link maxRecordBytes} (checked
 * before hashing or decoding anything); BAD_SIGNATURE when signing rejects it. A record marked
 * stale by a soft invalidation reads back fresh only until the mark.
 */
export function readRecord(bytes: Uint8Array): StoredRecord | undefined | typeof BAD_SIGNATURE {
  const max = maxRecordBytes()
  if (bytes.length > max + ENVELOPE_BYTES) return undefined
  const mark = markOf(bytes)
  const sealed = recordOf(bytes)
  let rec: StoredRecord | undefined
  if (globalCache.signer === null) rec = decodeRecord(unseal(sealed), max)
  else {
    const inner = globalCache.signer.open(sealed)
    if (inner === undefined) return BAD_SIGNATURE
    rec = decodeRecord(inner, max)
  }
  if (rec !== undefined && mark < rec.fresh) rec.fresh = mark
  return rec
}

/** Whether a record's stored key names the logical key `full` (whole, or bounded by writeRecord). */
export function keyMatches(stored: string, full: string): boolean {
  return stored === full || (full.length > globalCache.maxKeyLength && stored.length === globalCache.maxKeyLength && stored === boundKey(full, globalCache.maxKeyLength))
}
