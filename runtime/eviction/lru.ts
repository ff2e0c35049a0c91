// Least-recently-used order over a store's slots: one doubly linked list threaded through two
// typed arrays (`#prev`/`#next`), head = next victim, tail = most recent. Also home of the
// index-array helpers that the LFU policy shares.

import type { EvictionPolicy, Slot } from './policy.js'

/** The largest slot space a policy accepts: every slot must fit a Uint32Array element. */
export const MAX_CAPACITY = 2 ** 32

/** @internal The index arrays a policy may use, narrowest first. */
export type IndexArray = Uint8Array | Uint16Array | Uint32Array

/**
 * @internal The narrowest unsigned array whose elements hold every slot below `capacity`
 * (lru-cache's rule: 256 slots fit bytes, 65,536 fit shorts).
 */
export const indexArray = (capacity: number): IndexArray =>
  capacity <= 2 ** 8 ? new Uint8Array(capacity)
    : capacity <= 2 ** 16 ? new Uint16Array(capacity)
    : new Uint32Array(capacity)

/** @internal Copies `from` into a new, possibly wider, index array of `capacity` elements. */
export const growIndexArray = (from: IndexArray, capacity: number): IndexArray => {
  const to = indexArray(capacity)
  to.set(from)
  return to
}

/** @internal How values are shown in option errors: strings quoted, everything else as is. */
export const received = (value: unknown): string =>
  typeof value === 'string' ? JSON.stringify(value)
    : typeof value === 'bigint' ? `${value}n`
    : typeof value === 'object' && value !== null ? Object.prototype.toString.call(value)
    : String(value)

/** @internal Throws the TypeError for a bad `capacity` option. */
export function checkCapacity(capacity: unknown): asserts capacity is number {
  if (typeof capacity !== 'number' || !Number.isInteger(capacity) || capacity < 1 || capacity > MAX_CAPACITY) {
    throw new TypeError(`capacity must be an integer from 1 to ${MAX_CAPACITY}; received ${received(capacity)}`)
  }
}

/** @internal Throws the RangeError for a slot outside `0 .. capacity - 1` (a store bug). */
export function checkSlot(slot: number, capacity: number): void {
  if (!(slot >= 0 && slot < capacity && slot === Math.floor(slot))) {
    throw new RangeError(`slot must be an integer from 0 to ${capacity - 1}; received ${received(slot)}`)
  }
}

/**
 * Orders slots by recency; `evict()` names the slot touched (or inserted) longest ago.
 *
 * Every operation is O(1) and allocation-free. Memory: two index arrays plus one byte per slot.
 * `touch`/`remove` of a slot the policy does not hold are ignored; `insert` of a held slot means a
 * new entry replaced the old one in place, so it becomes the most recent.
 */
export class LruPolicy implements EvictionPolicy {
  #capacity: number
  #prev: IndexArray
  #next: IndexArray
  /** 1 while the policy holds the slot, else 0. */
  #held: Uint8Array
  /** Next victim; meaningless while `#size` is 0 (typed arrays have no null). */
  #head = 0
  /** Most recent slot; meaningless while `#size` is 0. */
  #tail = 0
  #size = 0

  constructor(capacity: number) {
    checkCapacity(capacity)
    this.#capacity = capacity
    this.#prev = indexArray(capacity)
    this.#next = indexArray(capacity)
    this.#held = new Uint8Array(capacity)
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
    if (this.#held[slot] === 1) {
      this.#unlink(slot)
    } else {
      this.#held[slot] = 1
      this.#size++
    }
    if (this.#size === 1) {
      this.#head = this.#tail = slot
    } else {
      this.#connect(this.#tail, slot)
      this.#tail = slot
    }
  }

  // The hit path. Moves `slot` to the tail:
  //
  //   head … p ⇄ slot ⇄ n … tail          (slot is the head: head = n)
  //   head … p ⇄ n … tail ⇄ slot          connect(p, n); connect(tail, slot); tail = slot
  //
  // Pointers at the ends (prev of head, next of tail) are left stale on purpose: nothing reads
  // them, since `#head`/`#tail` say where the list stops.
  touch(slot: Slot): void {
    if (slot === this.#tail || this.#held[slot] !== 1) return
    if (slot === this.#head) this.#head = this.#next[slot]
    else this.#connect(this.#prev[slot], this.#next[slot])
    this.#connect(this.#tail, slot)
    this.#tail = slot
  }

  remove(slot: Slot): void {
    if (this.#held[slot] !== 1) return
    this.#unlink(slot)
    this.#held[slot] = 0
    this.#size--
  }

  evict(): Slot | -1 {
    if (this.#size === 0) return -1
    const slot = this.#head as Slot
    this.#head = this.#next[slot]
    this.#held[slot] = 0
    this.#size--
    return slot
  }

  resize(capacity: number): void {
    checkCapacity(capacity)
    if (capacity <= this.#capacity) return
    this.#prev = growIndexArray(this.#prev, capacity)
    this.#next = growIndexArray(this.#next, capacity)
    const held = new Uint8Array(capacity)
    held.set(this.#held)
    this.#held = held
    this.#capacity = capacity
  }

  clear(): void {
    this.#held.fill(0)
    this.#size = 0
  }

  /** p ⇄ n */
  #connect(p: number, n: number): void {
    this.#prev[n] = p
    this.#next[p] = n
  }

  // Takes a held slot out of the list; the caller fixes `#held` and `#size`.
  //   head = slot:  head = next[slot]   (a list of one is left stale; size 0 says empty)
  //   tail = slot:  tail = prev[slot]
  //   otherwise:    connect(prev[slot], next[slot])
  #unlink(slot: number): void {
    if (slot === this.#head) this.#head = this.#next[slot]
    else if (slot === this.#tail) this.#tail = this.#prev[slot]
    else this.#connect(this.#prev[slot], this.#next[slot])
  }

  /**
   * @internal Test door (see `expose.ts`): slots from next victim to most recent, and the
   * index-array type in use.
   */
  static unsafeExposeInternals(policy: LruPolicy): { order: Slot[]; arrayType: string } {
    const order: Slot[] = []
    for (let i = 0, slot = policy.#head; i < policy.#size; i++, slot = policy.#next[slot]) order.push(slot as Slot)
    return { order, arrayType: policy.#next.constructor.name }
  }
}
