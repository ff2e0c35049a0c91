// The eviction policies and `createPolicy`, the one validated way for a store to get one by name.

import type { EvictionPolicy } from './policy.js'
import { LfuPolicy } from './lfu.js'
import { LruPolicy, checkCapacity, received } from './lru.js'
import { TinyLfuPolicy } from './tinylfu.js'

export type { EvictionPolicy, Slot } from './policy.js'
export { LruPolicy, MAX_CAPACITY } from './lru.js'
export { LfuPolicy, COUNT_MAX, AGING_PERIOD_FACTOR } from './lfu.js'
export { TinyLfuPolicy, WINDOW_PERCENT, PROTECTED_PERCENT, ADMIT_HASHDOS_THRESHOLD } from './tinylfu.js'
export { FrequencySketch, SAMPLE_FACTOR } from './sketch.js'

/**
 * The policies a memory store can use: `'lru'` (recency), `'lfu'` (frequency, with aging) or
 * `'tinylfu'` (W-TinyLFU: a recency window in front of a frequency-admitted main space).
 */
export type PolicyKind = 'lru' | 'lfu' | 'tinylfu'

/**
 * A policy of `kind` over slots `0 … capacity - 1`.
 *
 * @param kind `'lru'` evicts the least recently used slot; `'lfu'` the least frequently used
 *   (counts capped at 15, halved every `10 × capacity` accesses), ties least recent first;
 *   `'tinylfu'` admits a new entry into the main space only when its key was accessed more often
 *   (by a count-min sketch) than the entry it would replace.
 * @param capacity The initial slot space: an integer from 1 to 2^32. `resize` grows it.
 * @throws TypeError naming the option when `kind` or `capacity` is invalid.
 */
export function createPolicy(kind: PolicyKind, capacity: number): EvictionPolicy {
  if (kind !== 'lru' && kind !== 'lfu' && kind !== 'tinylfu') {
    throw new TypeError(`policy must be 'lru', 'lfu' or 'tinylfu'; received ${received(kind)}`)
  }
  checkCapacity(capacity)
  return kind === 'lru' ? new LruPolicy(capacity) : kind === 'lfu' ? new LfuPolicy(capacity) : new TinyLfuPolicy(capacity)
}
