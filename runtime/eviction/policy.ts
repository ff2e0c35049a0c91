// The eviction contract: a policy orders slots of a store and names the victim. It never sees
// keys or values, so one store works with either policy and the hit path stays monomorphic.

declare const SLOT: unique symbol
/** An index into a store's parallel arrays. */
export type Slot = number & { readonly [SLOT]: 'fncache Slot' }

export interface EvictionPolicy {
  /** A new entry now occupies `slot`. O(1). */
  insert(slot: Slot): void
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
  /** How many slots the policy holds. */
  readonly size: number
}
