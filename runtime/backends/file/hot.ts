// The in-process copy of recently read entries: a hit costs a Map lookup and one 8-byte pread of the
// entry's shard stamp (see generations.ts) instead of open/read/close, and never serves a
// record another process changed or invalidated once that change has resolved.

export interface HotEntry {
  value: Uint8Array
  expires: number
  shard: number
  /** the shard generation taken before the file was read */
  gen: number
  path: string
}

/** Insertion-ordered, bounded by entries and bytes; the oldest insertions go first (approximate LRU). */
export class HotCache {
  readonly #map = new Map<string, HotEntry>()
  readonly #maxEntries: number
  readonly #maxBytes: number
  /** The largest value kept: bigger ones are read from disk each time. */
  readonly maxValueBytes: number
  #bytes = 0

  constructor(maxEntries: number, maxBytes: number) {
    this.#maxEntries = maxEntries
    this.#maxBytes = maxBytes
    this.maxValueBytes = Math.min(256 * 1024, maxBytes >>> 3)
  }

  get(key: string): HotEntry | undefined {
    return this.#map.get(key)
  }

  set(key: string, e: HotEntry): void {
    if (this.#maxEntries === 0 || e.value.length > this.maxValueBytes) return
    this.delete(key)
    this.#map.set(key, e)
    this.#bytes += e.value.length + key.length
    if (this.#map.size > this.#maxEntries || this.#bytes > this.#maxBytes) {
      for (const [k] of this.#map) {
        this.delete(k)
        if (this.#map.size <= this.#maxEntries && this.#bytes <= this.#maxBytes) break
      }
    }
  }

  delete(key: string): void {
    const e = this.#map.get(key)
    if (e === undefined) return
    this.#map.delete(key)
    this.#bytes -= e.value.length + key.length
  }

  clear(): void {
    this.#map.clear()
    this.#bytes = 0
  }

  get size(): number {
    return this.#map.size
  }
}
