// @internal The one door to eviction internals, for tests: reads a policy's order without
// disturbing it. Not exported from the package.

import type { Slot } from './policy.js'
import { LruPolicy } from './lru.js'
import { LfuPolicy } from './lfu.js'
import { TinyLfuPolicy } from './tinylfu.js'

/** @internal Slots from next victim to most recently used. */
export const lruOrder = (policy: LruPolicy): Slot[] => LruPolicy.unsafeExposeInternals(policy).order

/** @internal Non-empty buckets by ascending count, each oldest first. */
export const lfuBuckets = (policy: LfuPolicy): Array<{ count: number; slots: Slot[] }> =>
  LfuPolicy.unsafeExposeInternals(policy).buckets

/** @internal Slots in eviction order: lowest count first, ties oldest first. */
export const lfuOrder = (policy: LfuPolicy): Slot[] => lfuBuckets(policy).flatMap((b) => b.slots)

/** @internal Accesses (inserts + touches) left before the next halving of every count. */
export const lfuUntilAging = (policy: LfuPolicy): number => LfuPolicy.unsafeExposeInternals(policy).untilAging

/** @internal The index-array class in use: 'Uint8Array', 'Uint16Array' or 'Uint32Array'. */
export const arrayType = (policy: LruPolicy | LfuPolicy | TinyLfuPolicy): string =>
  policy instanceof LruPolicy ? LruPolicy.unsafeExposeInternals(policy).arrayType
    : policy instanceof TinyLfuPolicy ? TinyLfuPolicy.unsafeExposeInternals(policy).arrayType
    : LfuPolicy.unsafeExposeInternals(policy).arrayType

/** @internal W-TinyLFU's segments (each oldest first), pending candidate and sketch additions left. */
export const tinyLfuState = (policy: TinyLfuPolicy): ReturnType<typeof TinyLfuPolicy.unsafeExposeInternals> =>
  TinyLfuPolicy.unsafeExposeInternals(policy)
