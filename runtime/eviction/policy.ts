// The eviction contract: a policy orders slots of a store and names the victim. It never sees
// keys or values (TinyLFU gets a 32-bit hash of each key on insert), so one store works with any
// policy and the hit path stays monomorphic.

declare const SLOT: unique symbol
/** An index into a store's parallel arrays. */
export type Slot = number & { readonly [SLOT]: 'fncache Slot' }

export interface EvictionPolicy {
  /**
   * A new entry now occupies `slot`. O(1). `hash` is a 32-bit hash of its key, given only to
   * policies that set `wantsHash` (frequency estimates that outlive the entry).
   */
  insert(slot: Slot, hash?: number): void
  /** The entry at `slot` was read (or overwritten). O(1). */
  touch(slot: Slot): void
  /** The entry at `slot` was deleted by the store (expiry, invalidation, delete). O(1). */
  remove(slot: Slot): void
  /** Unlinks and returns the slot to evict next, or -1 when the policy holds no slot. O(1). */
  evict(): Slot | -1
  /** Grows the slot space to `capacity` (never shrinks); existing slots keep their order. */
  resize(capacity: number): void
  /** Forgets every slot. */
  clear(): void
  /** True when `insert` needs the key's hash. */
  readonly wantsHash?: boolean
  /** How many slots the policy holds. */
  readonly size: number
}
