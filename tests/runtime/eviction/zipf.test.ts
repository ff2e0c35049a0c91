// Hit ratios on a skewed workload: a store driving each policy through 1,000,000 Zipf(0.9) requests
// over 100,000 keys with room for 1,000. LFU must beat LRU by at least 5 percentage points.
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { LfuPolicy, LruPolicy } from '../../../runtime/eviction/index.js'
import type { EvictionPolicy, Slot } from '../../../runtime/eviction/policy.js'
import { zipfTrace } from '../../helpers/random.js'



/** Replays `trace` through a store of `capacity` slots (insert on miss, evict when full). */
function hitRatio(policy: EvictionPolicy, capacity: number, trace: Uint32Array, keys: number): number {
  const slotOf = new Int32Array(keys).fill(-1)
  const keyOf = new Int32Array(capacity)
  let used = 0
  let hits = 0
  for (let i = 0; i < trace.length; i++) {
    const key = trace[i]
    const slot = slotOf[key]
    if (slot !== -1) {
      hits++
      policy.touch(slot as Slot)
      continue
    }
    let free: number
    if (used < capacity) {
      free = used++
    } else {
      free = policy.evict()
      slotOf[keyOf[free]] = -1
    }
    keyOf[free] = key
    slotOf[key] = free
    policy.insert(free as Slot)
  }
  assert.is(policy.size, capacity)
  return hits / trace.length
}

// ---

const zipf = suite('Zipf(0.9) hit ratio')

zipf('LFU beats LRU by at least 5 points: 1,000,000 requests, 100,000 keys, capacity 1,000', () => {
  const keys = 100_000
  const capacity = 1_000
  const trace = zipfTrace(1_000_000, keys, 0.9, 42)
  const lru = hitRatio(new LruPolicy(capacity), capacity, trace, keys)
  const lfu = hitRatio(new LfuPolicy(capacity), capacity, trace, keys)
  console.log(`    hit ratio: LRU ${(lru * 100).toFixed(2)}%, LFU ${(lfu * 100).toFixed(2)}%`)
  assert.ok(lru > 0.2 && lru < 0.6, `LRU hit ratio ${lru} is implausible for this trace`)
  assert.ok(lfu >= lru + 0.05, `LFU ${lfu} < LRU ${lru} + 0.05`)
})

zipf.run()
