// W-TinyLFU over a store's slots, O(1) per operation: the design of Caffeine (Einziger, Eytan,
// Friedman & Manes, "Adaptive Software Cache Management", 2018; Caffeine's BoundedLocalCache)
// laid out in typed arrays like the LRU and LFU policies.
//
// Three LRU lists threaded through one pair of index arrays (`#prev`/`#next`), head = oldest:
//
//   window (≈1 % of entries)  →  probation  ⇄  protected (≤ 80 % of the main space)
//
// A new entry enters the window's tail, so a burst of new keys competes only inside the window
// (recency). When the window is over its share, its oldest entry moves to the probation tail as the
// *candidate*. When the store then needs a victim, the candidate and the oldest other main entry
// are compared by their estimated access frequency (a count-min sketch over key hashes, see
// sketch.ts, which also remembers keys no longer held): the less frequent one leaves, so a one-off
// key cannot push out a popular one (scans and loops pass through the window and die there). A
// probation entry that is read moves to protected; protected's overflow goes back to probation.
//
// Shares are taken of the entries held, not of a fixed maximum, because the memory backend may be
// bounded by bytes (no entry count is known) and its slot space grows by doubling.
//
// The window's share adapts as in Caffeine (its hill climber): every `10 × capacity` requests the
// hit ratio of the sample is compared with the previous one; the share keeps moving in the same
// direction while the hit ratio improves and turns back when it drops, by a step that starts at
// 6.25 % and decays by 2 % per sample (restarting after a change of 5 points or more, a new phase);
// the first step shrinks, as in Caffeine, and samples start at the first eviction. Recency-heavy
// traces (a moving working set) thus grow the window towards LRU, frequency-skewed ones keep it
// small. The window follows its target by at most two moves per insert, and protected by at most
// two demotions: still O(1). (Without the demotions a grown window squeezed probation to nothing
// and stale protected entries stayed forever: 92 % instead of 98.8 % on a moving working set.)
//
// Caffeine's optional doorkeeper (a Bloom filter in front of the sketch) was tried and left out: no
// measurable gain on the benchmark traces (within ±0.5 points), one more table to keep.
//
// The policy sees slots and 32-bit key hashes only (the store hashes a key once, on insert); the
// hit path reads the slot's hash, bumps four sketch counters and relinks one list node.

import type { EvictionPolicy, Slot } from './policy.js'
import { checkCapacity, checkSlot, growIndexArray, indexArray, type IndexArray } from './lru.js'
import { FrequencySketch } from './sketch.js'

/** Segment of a slot (`#where`); 0 means not held. */
const WINDOW = 1
const PROBATION = 2
const PROTECTED = 3

/** The window's initial share of held entries, in percent (Caffeine's initial setting). */
export const WINDOW_PERCENT = 1
/** The hill climber's first step, in percent of held entries (Caffeine: 6.25). */
const STEP_PERCENT = 6.25
/** Each sample's step is the previous one times this (Caffeine: 0.98). */
const STEP_DECAY = 0.98
/** A hit-ratio change at least this large (in ratio) restarts the climb at a full step (Caffeine: 0.05). */
const RESTART_THRESHOLD = 0.05
/** Requests per hill-climber sample, per slot of capacity (Caffeine: the sketch's sample size). */
const CLIMB_SAMPLE_FACTOR = 10
/** Protected's share of the main space, in percent. */
export const PROTECTED_PERCENT = 80
/**
 * A candidate at least this frequent that loses to its victim is still admitted with probability
 * 1/128 (Caffeine's guard: an attacker who floods the sketch with the victim's hash cannot keep
 * every warm candidate out forever).
 */
export const ADMIT_HASHDOS_THRESHOLD = 6

export class TinyLfuPolicy implements EvictionPolicy {
  /** Tells the store to hash keys on insert (the other policies ignore the hash). */
  readonly wantsHash = true
  #capacity: number
  #prev: IndexArray
  #next: IndexArray
  /** The segment holding each slot, 0 when not held. */
  #where: Uint8Array
  /** The key hash of each held slot. */
  #hash: Uint32Array
  /** Oldest slot of each segment; meaningless while its length is 0. */
  #head = new Uint32Array(4)
  /** Newest slot of each segment; same caveat. */
  #tail = new Uint32Array(4)
  #len = new Uint32Array(4)
  #size = 0
  /** The slot last moved from the window to probation, awaiting admission; -1 when none. */
  #candidate = -1
  #sketch: FrequencySketch
  /** xorshift32 state for the 1/128 admission of warm candidates. */
  #random = 0x2545f491
  /** The window's share of held entries, in percent (0 … 100; the window keeps at least 1 slot). */
  #windowPercent = WINDOW_PERCENT
  /** The next climb, in percent (signed: the direction; Caffeine starts by shrinking). */
  #step = -STEP_PERCENT
  #hits = 0
  #misses = 0
  #previousHitRate = 0
  /** Set at the first eviction when adaptive: the hill climber's samples start there. */
  #evicting = false

  /** Whether the hill climber moves the window (off when a fixed share was asked for). */
  #adaptive: boolean

  /**
   * @param capacity The initial slot space (see `createPolicy`).
   * @param fixedWindowPercent A fixed window share in percent (0 … 100), which turns the hill
   *   climber off; for tests and trace studies. Default: adaptive, starting at 1 %.
   */
  constructor(capacity: number, fixedWindowPercent?: number) {
    checkCapacity(capacity)
    if (fixedWindowPercent !== undefined && !(fixedWindowPercent >= 0 && fixedWindowPercent <= 100)) {
      throw new TypeError(`fixedWindowPercent must be a number from 0 to 100; received ${String(fixedWindowPercent)}`)
    }
    this.#adaptive = fixedWindowPercent === undefined
    this.#windowPercent = fixedWindowPercent ?? WINDOW_PERCENT
    this.#capacity = capacity
    this.#prev = indexArray(capacity)
    this.#next = indexArray(capacity)
    this.#where = new Uint8Array(capacity)
    this.#hash = new Uint32Array(capacity)
    this.#sketch = new FrequencySketch(capacity)
  }

  get size(): number {
    return this.#size
  }

  get capacity(): number {
    return this.#capacity
  }

  /** The sketch's estimate for a key hash (0 … 15), for tests and benchmarks. */
  frequency(hash: number): number {
    return this.#sketch.frequency(hash)
  }

  insert(slot: Slot, hash = 0): void {
    checkSlot(slot, this.#capacity)
    const seg = this.#where[slot]!
    if (seg !== 0) {
      this.#unlink(slot, seg)
      this.#size--
      if (slot === this.#candidate) this.#candidate = -1
    }
    this.#hash[slot] = hash
    this.#where[slot] = WINDOW
    this.#append(slot, WINDOW)
    this.#size++
    this.#sketch.increment(hash)
    // Samples start at the first eviction: while the store fills, the hit ratio says nothing about
    // the window (Caffeine waits for its sketch to be initialised, at half full).
    if (++this.#misses + this.#hits >= CLIMB_SAMPLE_FACTOR * this.#capacity && this.#evicting) this.#climb()
    // At most two moves per insert: enough to shrink a window left oversized by deletions, and
    // still O(1).
    const max = this.#windowMax()
    for (let i = 0; i < 2 && this.#len[WINDOW]! > max; i++) {
      const oldest = this.#head[WINDOW]!
      this.#unlink(oldest, WINDOW)
      this.#where[oldest] = PROBATION
      this.#append(oldest, PROBATION)
      this.#candidate = oldest
    }
    // A growing window shrinks the main space, so protected may now be over its share.
    this.#demote()
    this.#demote()
  }

  // The hit path: count the access, then
  //   window, protected:  move to the segment's tail
  //   probation:          move to protected's tail; protected's overflow (its oldest) goes back
  //                       to probation's tail
  touch(slot: Slot): void {
    const seg = this.#where[slot]
    if (!(seg! > 0)) return // not held (or out of range: undefined)
    this.#hits++
    this.#sketch.increment(this.#hash[slot]!)
    if (seg === PROBATION) {
      this.#unlink(slot, PROBATION)
      this.#where[slot] = PROTECTED
      this.#append(slot, PROTECTED)
      if (slot === this.#candidate) this.#candidate = -1
      this.#demote()
    } else if (slot !== this.#tail[seg!]) {
      this.#unlink(slot, seg!)
      this.#append(slot, seg!)
    }
  }

  remove(slot: Slot): void {
    const seg = this.#where[slot]
    if (!(seg! > 0)) return
    this.#unlink(slot, seg!)
    this.#where[slot] = 0
    this.#size--
    if (slot === this.#candidate) this.#candidate = -1
  }

  // The victim: with a candidate waiting in probation, the less frequent of it and the oldest other
  // main entry (probation's head, or protected's when the candidate is probation's head); without
  // one, the oldest of probation, else of protected, else of the window.
  evict(): Slot | -1 {
    if (this.#size === 0) return -1
    if (!this.#evicting && this.#adaptive) {
      this.#evicting = true
      this.#hits = this.#misses = 0
    }
    const candidate = this.#candidate
    this.#candidate = -1
    let victim: number
    if (candidate !== -1 && this.#where[candidate] === PROBATION) {
      let other = this.#head[PROBATION]!
      if (other === candidate) {
        other = this.#len[PROTECTED]! > 0 ? this.#head[PROTECTED]!
          : this.#len[PROBATION]! > 1 ? this.#next[candidate]!
          : -1
      }
      victim = other === -1 || !this.#admit(this.#hash[candidate]!, this.#hash[other]!) ? candidate : other
    } else {
      victim = this.#len[PROBATION]! > 0 ? this.#head[PROBATION]!
        : this.#len[PROTECTED]! > 0 ? this.#head[PROTECTED]!
        : this.#head[WINDOW]!
    }
    this.#unlink(victim, this.#where[victim]!)
    this.#where[victim] = 0
    this.#size--
    return victim as Slot
  }

  resize(capacity: number): void {
    checkCapacity(capacity)
    if (capacity <= this.#capacity) return
    this.#prev = growIndexArray(this.#prev, capacity)
    this.#next = growIndexArray(this.#next, capacity)
    const where = new Uint8Array(capacity)
    where.set(this.#where)
    this.#where = where
    const hash = new Uint32Array(capacity)
    hash.set(this.#hash)
    this.#hash = hash
    // A larger sketch starts empty (Caffeine's ensureCapacity does the same): the slot space only
    // doubles while the store fills, so little history is lost.
    this.#sketch = new FrequencySketch(capacity)
    this.#capacity = capacity
  }

  clear(): void {
    this.#where.fill(0)
    this.#len.fill(0)
    this.#size = 0
    this.#candidate = -1
    this.#sketch.clear()
    this.#hits = this.#misses = 0
  }

  /** The window's share of held entries, in percent (starts at 1; the hill climber moves it). */
  get windowPercent(): number {
    return this.#windowPercent
  }

  /** Moves protected's oldest entry to probation's tail when protected is over its share of main. */
  #demote(): void {
    if (this.#len[PROTECTED]! * 100 <= (this.#size - this.#len[WINDOW]!) * PROTECTED_PERCENT) return
    const oldest = this.#head[PROTECTED]!
    this.#unlink(oldest, PROTECTED)
    this.#where[oldest] = PROBATION
    this.#append(oldest, PROBATION)
  }

  /** The window's target length: its share of held entries, at least 1. */
  #windowMax(): number {
    return Math.max(1, Math.floor(this.#size * this.#windowPercent / 100))
  }

  // One hill-climbing step (Caffeine's determineAdjustment): climb by `#step` when the sample's hit
  // ratio did not drop, else turn back.
  #climb(): void {
    const requests = this.#hits + this.#misses
    const hitRate = this.#hits / requests
    const change = hitRate - this.#previousHitRate
    const amount = change >= 0 ? this.#step : -this.#step
    this.#step = Math.abs(change) >= RESTART_THRESHOLD ? (amount >= 0 ? STEP_PERCENT : -STEP_PERCENT) : STEP_DECAY * amount
    this.#windowPercent = Math.min(100, Math.max(0, this.#windowPercent + amount))
    this.#previousHitRate = hitRate
    this.#hits = this.#misses = 0
  }

  #admit(candidateHash: number, victimHash: number): boolean {
    const c = this.#sketch.frequency(candidateHash)
    if (c > this.#sketch.frequency(victimHash)) return true
    if (c < ADMIT_HASHDOS_THRESHOLD) return false
    let x = this.#random
    x ^= x << 13
    x ^= x >>> 17
    x ^= x << 5
    this.#random = x
    return (x & 127) === 0
  }

  /** p ⇄ n */
  #connect(p: number, n: number): void {
    this.#prev[n] = p
    this.#next[p] = n
  }

  // Takes `slot` out of segment `seg`; the caller fixes `#where` and `#size`.
  #unlink(slot: number, seg: number): void {
    const len = --this.#len[seg]!
    if (len === 0) return
    if (slot === this.#head[seg]) this.#head[seg] = this.#next[slot]!
    else if (slot === this.#tail[seg]) this.#tail[seg] = this.#prev[slot]!
    else this.#connect(this.#prev[slot]!, this.#next[slot]!)
  }

  #append(slot: number, seg: number): void {
    if (this.#len[seg]++ === 0) this.#head[seg] = slot
    else this.#connect(this.#tail[seg]!, slot)
    this.#tail[seg] = slot
  }

  /**
   * @internal Test door (see `expose.ts`): each segment oldest first, the pending candidate, the
   * sketch's additions until halving, and the index-array type in use.
   */
  static unsafeExposeInternals(policy: TinyLfuPolicy): {
    window: Slot[]
    probation: Slot[]
    protected: Slot[]
    candidate: number
    untilHalving: number
    arrayType: string
  } {
    const walk = (seg: number): Slot[] => {
      const out: Slot[] = []
      for (let i = 0, slot = policy.#head[seg]!; i < policy.#len[seg]!; i++, slot = policy.#next[slot]!) out.push(slot as Slot)
      return out
    }
    return {
      window: walk(WINDOW),
      probation: walk(PROBATION),
      protected: walk(PROTECTED),
      candidate: policy.#candidate,
      untilHalving: policy.#sketch.sampleSize - policy.#sketch.additions,
      arrayType: policy.#next.constructor.name,
    }
  }
}
