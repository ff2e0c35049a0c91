// What the listing commands know about one stored entry, read from the bytes a backend keeps:
// the runtime's record (runtime/codec.ts) inside the backend's own frame. Nothing here writes.

import { decodeRecord } from '../runtime/codec.js'
import { isSealed, unseal } from '../runtime/sign.js'
import { markOf, recordOf } from '../runtime/soft-mark.js'

export interface EntryInfo {
  /** The storage key as the runtime wrote it (the logical key, with the configure() namespace, bounded in length). */
  key: string
  /** The function id part of the key (`src/users.ts#getUser`), `''` when the key has none. */
  functionId: string
  version: string
  /** Stored bytes (file: the entry file; Redis: the value). */
  size: number
  /** Milliseconds since the epoch when stored; NaN when the record is unreadable. */
  created: number
  /** Milliseconds since the epoch until which the value is fresh; Infinity: no expiry. */
  fresh: number
  /** Milliseconds since the epoch until which a stale value may be served. */
  stale: number
  tags: string[]
  /** The record is in a signed envelope (configure({ sign })); listed unverified: the CLI holds no secret. */
  signed: boolean
  /** The bytes are not one of our records (foreign, truncated or corrupt): the runtime treats them as a miss. */
  corrupt: boolean
}

/**
 * The function id of a storage key: the text before the first ':' after the first '#'
 * (`app:src/users.ts#getUser` for `app:src/users.ts#getUser:42`), else before the first ':'
 * (an uncompiled function's id), else the key itself.
 */
export function functionIdOf(key: string): string {
  const h = key.indexOf('#')
  const c = key.indexOf(':', h < 0 ? 0 : h)
  return c < 0 ? key : key.slice(0, c)
}

/** An EntryInfo from a storage key and the runtime record bytes stored under it. */
export function entryOf(storageKey: string, record: Uint8Array | undefined, size: number, tags?: string[]): EntryInfo {
  const signed = record !== undefined && isSealed(recordOf(record))
  const rec = record === undefined ? undefined : decodeRecord(unseal(recordOf(record)))
  // A soft invalidation's mark makes the entry stale from then on.
  if (rec !== undefined && record !== undefined) rec.fresh = Math.min(rec.fresh, markOf(record))
  if (rec === undefined) {
    return { key: storageKey, functionId: functionIdOf(storageKey), version: '', size, created: NaN, fresh: NaN, stale: NaN, tags: tags ?? [], signed, corrupt: true }
  }
  return {
    key: rec.key, functionId: functionIdOf(rec.key), version: rec.version, size,
    created: rec.created, fresh: rec.fresh, stale: rec.stale, tags: [...(tags ?? rec.tags)], signed, corrupt: false,
  }
}

/** A source of entries: the file directory or the Redis keyspace, scanned lazily. */
export interface Target {
  /** `file /path/to/dir` or `redis redis://host:6379 (namespace fncache)`. */
  readonly label: string
  readonly kind: 'file' | 'redis'
  /** Every entry whose storage key starts with `prefix` (all when undefined), in no particular order. */
  entries(prefix: string | undefined, onProgress: (scanned: number) => void): AsyncIterable<EntryInfo>
  /** `soft`: mark the entries stale instead of removing them. */
  invalidate(tags: string[], prefixes: string[], soft?: boolean): Promise<{ tags: number; prefixes: number }>
  clear(): Promise<void>
  close(): Promise<void>
}
