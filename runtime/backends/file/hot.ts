// The in-process copy of recently read entries: a hit costs a Map lookup and one 8-byte pread of the
// entry's shard stamp (see generations.ts) instead of open/read/close, and never serves a
// record another process changed or invalidated once that change has resolved.
// The bound and recency order are lru-cache's (max + maxSize + sizeCalculation): expiry and
// coherence stay with the caller, which checks `expires` and the shard stamp on every hit.

import { LRUCache } from 'lru-cache'
import type { Touch } from './sweep.js'

export interface HotEntry {
  value: Uint8Array
  expires: number
  shard: number
  /** the shard generation taken before the file was read */
  gen: number
  path: string
  /** Its record in the backend's touched map (sweep.ts), made once per read: a hit only updates it. */
  touch: Touch
}

/** The largest value kept in memory; bigger ones are read from disk each time. */
const MAX_VALUE_BYTES = 256 * 1024

/** Bounded by entries and by bytes (value + key length); the least recently read go first. */
export class HotCache {
  /** Undefined when `maxEntries` or `maxBytes` is 0: the copy is off. */
  readonly #lru: LRUCache<string, HotEntry> | undefined
  /** The largest value kept: an eighth of `maxBytes`, at most 256 KiB, so one value cannot flush the rest. */
  readonly maxValueBytes: number

  /**
   * @param maxEntries entries kept; 0 disables the copy, Infinity bounds by bytes only.
   * @param maxBytes bytes of values and keys kept; 0 disables the copy, Infinity bounds by entries only.
   */
  constructor(maxEntries: number, maxBytes: number) {
    this.maxValueBytes = Math.min(MAX_VALUE_BYTES, Math.floor(maxBytes / 8))
    if (maxEntries === 0 || this.maxValueBytes === 0) return
    this.#lru = new LRUCache<string, HotEntry>({
      // lru-cache allocates its index arrays for `max` up front; 0 means "no count bound".
      max: maxEntries === Infinity ? 0 : maxEntries,
      maxSize: maxBytes === Infinity ? Number.MAX_SAFE_INTEGER : maxBytes,
      // lru-cache wants a positive integer; an empty value under an empty key still takes a slot.
      sizeCalculation: (e, key) => e.value.length + key.length || 1,
    })
  }

  get(key: string): HotEntry | undefined {
    return this.#lru?.get(key)
  }

  set(key: string, e: HotEntry): void {
    if (this.#lru === undefined) return
    if (e.value.length > this.maxValueBytes) this.#lru.delete(key)
    else this.#lru.set(key, e)
  }

  delete(key: string): void {
    this.#lru?.delete(key)
  }

  clear(): void {
    this.#lru?.clear()
  }

  get size(): number {
    return this.#lru?.size ?? 0
  }
}
