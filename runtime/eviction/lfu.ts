// Least-frequently-used order over a store's slots, O(1) per operation: the frequency buckets of
// Shah, Mitra & Matani ("An O(1) algorithm for implementing the LFU cache eviction scheme", 2010)
// laid out in typed arrays, with periodic halving so yesterday's hot keys can leave.
//
// Layout. Each held slot has a small access count, capped at COUNT_MAX = 15 (4 bits, as in
// TinyLFU's sketch). Count c lives in bucket (level) c + 1; level 0 means "not held", so one byte
// per slot (`#level`) says both. Each bucket is a doubly linked list threaded through the shared
// `#prev`/`#next` index arrays, oldest first, with its ends in `#head[level]`/`#tail[level]`. A
// 17-bit mask marks the non-empty buckets, so the victim (the head of the lowest non-empty bucket,
// i.e. least frequent, ties least recent) is found with one `Math.clz32`, no scan. A touch moves a
// slot to the tail of the next bucket up: a handful of array writes, no allocation.
//
// Aging. Counts are capped and, after every `10 × capacity` accesses (inserts + touches), halved:
// c → ⌊c/2⌋. A key that stops being read drops from 15 to 0 within four periods (40 × capacity
// accesses), below anything inserted or read since, so a phase change completes in a bounded number
// of operations. Halving merges bucket pairs: the lists of counts 2k and 2k+1 are concatenated in
// that order into count k (O(1) per bucket), so after aging, ties are broken by the count before
// aging, then by recency. The per-slot levels are rewritten in one branch-free pass that halves
// four bytes per 32-bit word: O(capacity) once per 10 × capacity accesses (amortised: 0.025 word
// operations per access). At capacity 100,000 a pass measured about 0.1 ms once optimised (the
// very first, still-interpreted pass of a process: 1–3 ms).

import type { EvictionPolicy, Slot } from './policy.js'
import { checkCapacity, checkSlot, growIndexArray, indexArray, type IndexArray } from './lru.js'

/** Counts saturate here (4 bits). */
export const COUNT_MAX = 15
/** Accesses between two halvings, per slot of capacity. */
export const AGING_PERIOD_FACTOR = 10

/** The bucket of a new entry: count 1. */
const FIRST = 2
/** The bucket of saturated counts. */
const TOP = COUNT_MAX + 1

/**
 * Orders slots by access count (capped, periodically halved), ties by recency; `evict()` names the
 * least frequently used slot.
 *
 * Every operation is O(1) and allocation-free, except the halving every `10 × capacity` accesses
 * (see the header of this file). Memory: two index arrays plus one byte per slot. `touch`/`remove`
 * of a slot the policy does not hold are ignored; `insert` of a held slot means a new entry replaced
 * the old one in place: it starts over at count 1.
 */
export class LfuPolicy implements EvictionPolicy {
  #capacity: number
  #prev: IndexArray
  #next: IndexArray
  /** Count + 1 while held, 0 when not held. */
  #level: Uint8Array
  /** `#level`'s buffer seen as words, for the aging pass (the buffer is padded to 4 bytes). */
  #levelWords: Uint32Array
  /** First (oldest) slot of each level; meaningless while the level's bit in `#mask` is clear. */
  #head = new Uint32Array(TOP + 1)
  /** Last (most recent) slot of each level; same caveat. */
  #tail = new Uint32Array(TOP + 1)
  /** Bit `level` is set while that bucket is non-empty. */
  #mask = 0
  #size = 0
  /** Accesses since the last halving. */
  #ticks = 0
  #period: number

  constructor(capacity: number) {
    checkCapacity(capacity)
    this.#capacity = capacity
    this.#prev = indexArray(capacity)
    this.#next = indexArray(capacity)
    this.#levelWords = new Uint32Array((capacity + 3) >>> 2)
    this.#level = new Uint8Array(this.#levelWords.buffer, 0, capacity)
    this.#period = AGING_PERIOD_FACTOR * capacity
  }

  get size(): number {
    return this.#size
  }

  /** The slot space, as last set by the constructor or `resize`. */
  get capacity(): number {
    return this.#capacity
  }

  insert(slot: Slot): void {
    checkSlot(slot, this.#capacity)
    const level = this.#level[slot]
    if (level !== 0) this.#unlink(slot, level)
    else this.#size++
    this.#level[slot] = FIRST
    this.#append(slot, FIRST)
    if (++this.#ticks >= this.#period) this.#age()
  }

  // The hit path: one bucket up (or to the back of the top bucket), then count the access.
  //
  //   level L:    … p ⇄ slot ⇄ n …       →  … p ⇄ n …
  //   level L+1:  … t                     →  … t ⇄ slot
  touch(slot: Slot): void {
    const level = this.#level[slot]
    if (!(level > 0)) return // not held (or out of range: undefined)
    if (level !== TOP) {
      this.#unlink(slot, level)
      this.#level[slot] = level + 1
      this.#append(slot, level + 1)
    } else if (slot !== this.#tail[TOP]) {
      this.#unlink(slot, TOP)
      this.#append(slot, TOP)
    }
    if (++this.#ticks >= this.#period) this.#age()
  }

  remove(slot: Slot): void {
    const level = this.#level[slot]
    if (!(level > 0)) return
    this.#unlink(slot, level)
    this.#level[slot] = 0
    this.#size--
  }

  evict(): Slot | -1 {
    const mask = this.#mask
    if (mask === 0) return -1
    const level = 31 - Math.clz32(mask & -mask) // lowest non-empty bucket
    const slot = this.#head[level] as Slot
    this.#unlink(slot, level)
    this.#level[slot] = 0
    this.#size--
    return slot
  }

  resize(capacity: number): void {
    checkCapacity(capacity)
    if (capacity <= this.#capacity) return
    this.#prev = growIndexArray(this.#prev, capacity)
    this.#next = growIndexArray(this.#next, capacity)
    const words = new Uint32Array((capacity + 3) >>> 2)
    words.set(this.#levelWords)
    this.#levelWords = words
    this.#level = new Uint8Array(words.buffer, 0, capacity)
    this.#capacity = capacity
    this.#period = AGING_PERIOD_FACTOR * capacity
  }

  clear(): void {
    this.#levelWords.fill(0)
    this.#mask = 0
    this.#size = 0
    this.#ticks = 0
  }

  /** p ⇄ n */
  #connect(p: number, n: number): void {
    this.#prev[n] = p
    this.#next[p] = n
  }

  // Takes `slot` out of bucket `level`; the caller fixes `#level` and `#size`.
  //   only slot:  clear the bucket's bit     (its ends are left stale)
  //   head:       head[level] = next[slot]
  //   tail:       tail[level] = prev[slot]
  //   otherwise:  connect(prev[slot], next[slot])
  #unlink(slot: number, level: number): void {
    if (slot === this.#head[level]) {
      if (slot === this.#tail[level]) this.#mask &= ~(1 << level)
      else this.#head[level] = this.#next[slot]
    } else if (slot === this.#tail[level]) {
      this.#tail[level] = this.#prev[slot]
    } else {
      this.#connect(this.#prev[slot], this.#next[slot])
    }
  }

  // Puts `slot` at the tail of bucket `level`:
  //   empty bucket:  head[level] = tail[level] = slot; set its bit
  //   otherwise:     connect(tail[level], slot); tail[level] = slot
  #append(slot: number, level: number): void {
    const bit = 1 << level
    if ((this.#mask & bit) === 0) {
      this.#head[level] = slot
      this.#mask |= bit
    } else {
      this.#connect(this.#tail[level], slot)
    }
    this.#tail[level] = slot
  }

  // Halves every count: level L (count L-1) becomes (L + 1) >> 1, i.e. count ⌊(L-1)/2⌋, and 0
  // (not held) stays 0, so the pass needs no branch. Four levels per word: bytes are ≤ 16, so
  // adding 1 to each never carries into the next byte, and the mask drops the bit that the shift
  // moves down from the byte above. Buckets merge pairwise, lower count first:
  //   new level k  ←  old level 2k-1  ++  old level 2k      (k = 1 … 8; reads never trail writes)
  #age(): void {
    this.#ticks = 0
    const words = this.#levelWords
    for (let i = 0, n = words.length; i < n; i++) words[i] = ((words[i] + 0x01010101) >>> 1) & 0x7f7f7f7f
    const head = this.#head
    const tail = this.#tail
    const old = this.#mask
    let mask = 0
    for (let k = 1, hi = TOP >> 1; k <= hi; k++) {
      const a = 2 * k - 1
      const b = 2 * k
      const hasA = (old & (1 << a)) !== 0
      const hasB = (old & (1 << b)) !== 0
      if (hasA && hasB) {
        this.#connect(tail[a], head[b])
        head[k] = head[a]
        tail[k] = tail[b]
      } else if (hasA) {
        head[k] = head[a]
        tail[k] = tail[a]
      } else if (hasB) {
        head[k] = head[b]
        tail[k] = tail[b]
      } else {
        continue
      }
      mask |= 1 << k
    }
    this.#mask = mask
  }

  /**
   * @internal Test door (see `expose.ts`): the non-empty buckets by count, each oldest first, the
   * accesses left until the next halving, and the index-array type in use.
   */
  static unsafeExposeInternals(policy: LfuPolicy): {
    buckets: Array<{ count: number; slots: Slot[] }>
    untilAging: number
    arrayType: string
  } {
    const buckets: Array<{ count: number; slots: Slot[] }> = []
    for (let level = 1; level <= TOP; level++) {
      if ((policy.#mask & (1 << level)) === 0) continue
      const slots: Slot[] = []
      for (let slot = policy.#head[level]; ; slot = policy.#next[slot]) {
        slots.push(slot as Slot)
        if (slot === policy.#tail[level] || slots.length > policy.#size) break
      }
      buckets.push({ count: level - 1, slots })
    }
    return { buckets, untilAging: policy.#period - policy.#ticks, arrayType: policy.#next.constructor.name }
  }
}
