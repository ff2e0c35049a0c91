// TinyLfuPolicy (W-TinyLFU): segments and eviction order, admission by sketch frequency (with
// memory of evicted keys), the sketch's saturation and halving, the hill climber, hit ratios on
// generated traces against LRU and LFU, a model check, and the memory backend's bounds under it.
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import fc from 'fast-check'
import {
  createPolicy, FrequencySketch, LfuPolicy, LruPolicy, SAMPLE_FACTOR, TinyLfuPolicy, WINDOW_PERCENT,
} from '../../../runtime/eviction/index.js'
import { arrayType, tinyLfuState } from '../../../runtime/eviction/expose.js'
import type { EvictionPolicy, Slot } from '../../../runtime/eviction/policy.js'
import { engineOf, memory } from '../../../runtime/backends/memory.js'
import { mulberry32, zipfTrace } from '../../helpers/random.js'

const s = (n: number) => n as Slot
/** Key hashes for tests: distinct per key and well spread (the sketch re-spreads anyway). */
const h = (key: number) => Math.imul(key + 1, 0x9e3779b1)
const state = (p: TinyLfuPolicy) => {
  const st = tinyLfuState(p)
  return { window: st.window.map(Number), probation: st.probation.map(Number), protected: st.protected.map(Number), candidate: st.candidate }
}
/** A policy over `capacity` slots holding slots 0 … n-1 inserted in order, slot i keyed i. */
const filled = (capacity: number, n: number, windowPercent?: number) => {
  const p = new TinyLfuPolicy(capacity, windowPercent)
  for (let i = 0; i < n; i++) p.insert(s(i), h(i))
  return p
}

// ---

const API = suite('API')

API('createPolicy builds it; a new policy is empty and asks for key hashes', () => {
  const p = createPolicy('tinylfu', 8)
  assert.instance(p, TinyLfuPolicy)
  assert.is(p.size, 0)
  assert.is(p.evict(), -1)
  assert.is(p.wantsHash, true)
  assert.is(new LruPolicy(4).wantsHash, undefined)
  assert.is((p as TinyLfuPolicy).windowPercent, WINDOW_PERCENT)
  assert.is(arrayType(new LruPolicy(4)), 'Uint8Array')
})

API('rejects a bad capacity or fixed window share, naming it', () => {
  assert.throws(() => new TinyLfuPolicy(0), /capacity must be an integer from 1 to 4294967296; received 0/)
  assert.throws(() => new TinyLfuPolicy(8, 101), /fixedWindowPercent must be a number from 0 to 100; received 101/)
  assert.throws(() => new TinyLfuPolicy(8).insert(s(8), 1), /slot must be an integer from 0 to 7; received 8/)
})

API.run()

// ---

const order = suite('TinyLfuPolicy segments and order')

order('new entries enter the window; its overflow moves to probation, the last one as candidate', () => {
  const p = filled(100, 100, 10)
  assert.equal(state(p).window, [90, 91, 92, 93, 94, 95, 96, 97, 98, 99])
  assert.equal(state(p).probation, Array.from({ length: 90 }, (_, i) => i))
  assert.equal(state(p).protected, [])
  assert.is(state(p).candidate, 89)
  assert.is(p.size, 100)
})

order('a read moves a probation entry to protected, and a window entry to the window tail', () => {
  const p = filled(100, 100, 10)
  p.touch(s(5))
  p.touch(s(3))
  p.touch(s(92))
  assert.equal(state(p).protected, [5, 3])
  assert.equal(state(p).window, [90, 91, 93, 94, 95, 96, 97, 98, 99, 92])
  assert.not.ok(state(p).probation.includes(5))
  p.touch(s(5))
  assert.equal(state(p).protected, [3, 5])
})

order('protected holds at most 80 % of the main space: its oldest goes back to probation', () => {
  // 10 entries, window 10 % = 1 slot, main 9: protected may hold 7 (7 × 100 ≤ 9 × 80).
  const p = filled(10, 10, 10)
  for (let i = 0; i < 9; i++) p.touch(s(i))
  assert.equal(state(p).protected, [2, 3, 4, 5, 6, 7, 8])
  assert.equal(state(p).probation, [0, 1])
})

order('with no candidate, the victim is the oldest of probation, then protected, then the window', () => {
  const p = filled(4, 4, 50) // window 2, main 2
  assert.equal(state(p), { window: [2, 3], probation: [0, 1], protected: [], candidate: 1 })
  p.touch(s(1)) // the candidate is read: admitted, no longer pending
  assert.is(state(p).candidate, -1)
  assert.equal([p.evict(), p.evict(), p.evict(), p.evict(), p.evict()], [0, 1, 2, 3, -1])
  assert.is(p.size, 0)
})

order('remove() and insert() of a held slot unlink it; a removed candidate is no longer pending', () => {
  const p = filled(100, 100, 10)
  p.remove(s(89))
  assert.is(state(p).candidate, -1)
  assert.is(p.size, 99)
  p.insert(s(0), h(1000)) // slot 0 reused by a new key: a window entry now
  assert.is(state(p).window.at(-1), 0)
  assert.not.ok(state(p).probation.includes(0))
  assert.is(p.size, 99)
  p.remove(s(0))
  p.remove(s(0))
  p.touch(s(0))
  assert.is(p.size, 98)
})

order('clear() forgets every slot', () => {
  const p = filled(100, 100, 10)
  p.clear()
  assert.is(p.size, 0)
  assert.is(p.evict(), -1)
  assert.equal(state(p), { window: [], probation: [], protected: [], candidate: -1 })
})

order('resize() keeps the segments and widens the index arrays', () => {
  const p = filled(256, 256, 10)
  const before = state(p)
  p.resize(300)
  assert.is(arrayType(p), 'Uint16Array')
  assert.equal(state(p), before)
  p.insert(s(299), h(299))
  assert.is(p.size, 257)
})

order.run()

// ---

const admit = suite('TinyLfuPolicy admission')

admit('a candidate no more frequent than the victim is evicted itself', () => {
  const p = filled(100, 100, 10)
  assert.is(p.evict(), 89) // candidate 89 (1 access) vs victim 0 (1 access): 89 leaves
  assert.is(state(p).candidate, -1)
  assert.is(p.evict(), 0) // no candidate pending: probation's oldest
})

admit('a candidate more frequent than the victim is admitted and the victim leaves', () => {
  // Make the candidate's key more frequent without moving it: its key was requested before.
  const r = new TinyLfuPolicy(100, 10)
  r.insert(s(0), h(89))
  r.remove(s(0))
  r.insert(s(0), h(89))
  r.remove(s(0))
  for (let i = 0; i < 100; i++) r.insert(s(i), h(i))
  assert.is(r.frequency(h(89)), 3)
  assert.is(r.frequency(h(0)), 1)
  assert.is(state(r).candidate, 89)
  assert.is(r.evict(), 0)
  assert.ok(state(r).probation.includes(89))
})

admit('the sketch remembers keys that are no longer held: a returning key gets in', () => {
  // Capacity 10, window 1: each new key competes with probation's oldest on arrival.
  const p = new TinyLfuPolicy(10, 10)
  const slotOf = new Map<number, number>()
  const keyOf = new Map<number, number>()
  let used = 0
  const request = (key: number) => {
    const slot = slotOf.get(key)
    if (slot !== undefined) return p.touch(s(slot))
    let free = used < 10 ? used++ : p.evict()
    if (keyOf.has(free)) slotOf.delete(keyOf.get(free)!)
    keyOf.set(free, key)
    slotOf.set(key, free)
    p.insert(s(free), h(key))
  }
  for (let key = 0; key < 10; key++) request(key)
  // Key 100 is requested again and again between one-off keys: each time it is a miss it counts,
  // so it is admitted while the one-off keys are not.
  let next = 1000
  for (let round = 0; round < 6; round++) {
    request(100)
    request(next++)
    request(next++)
  }
  assert.ok(slotOf.has(100), 'the repeated key is held')
  assert.ok(p.frequency(h(100)) >= 4)
  const oneOff = [...slotOf.keys()].filter((k) => k >= 1000)
  assert.ok(oneOff.length <= 2, `one-off keys held: ${oneOff}`)
})

admit('a scan of new keys does not flush entries read more often', () => {
  const capacity = 100
  const p = new TinyLfuPolicy(capacity)
  for (let i = 0; i < capacity; i++) p.insert(s(i), h(i))
  for (let r = 0; r < 3; r++) for (let i = 0; i < 50; i++) p.touch(s(i))
  // 10,000 one-off keys, each taking the slot the policy frees.
  for (let k = 0; k < 10_000; k++) p.insert(s(p.evict() as number), h(10_000 + k))
  const held = new Set([...tinyLfuState(p).probation, ...tinyLfuState(p).protected].map(Number))
  for (let i = 0; i < 50; i++) assert.ok(held.has(i), `hot slot ${i} survived the scan`)
})

admit.run()

// ---

const sketch = suite('FrequencySketch')

sketch('counts up to 15, then saturates', () => {
  const f = new FrequencySketch(64)
  for (let i = 0; i < 7; i++) f.increment(12345)
  assert.is(f.frequency(12345), 7)
  for (let i = 0; i < 20; i++) f.increment(12345)
  assert.is(f.frequency(12345), 15)
  assert.is(f.additions, 15) // saturated increments are not counted
  assert.is(f.frequency(54321), 0)
})

sketch('halves every counter after 10 × capacity additions', () => {
  const f = new FrequencySketch(64)
  assert.is(f.sampleSize, SAMPLE_FACTOR * 64)
  for (let i = 0; i < 13; i++) f.increment(7)
  for (let i = 0; i < 5; i++) f.increment(8)
  let other = 1_000_000
  while (f.additions < f.sampleSize - 1) f.increment(other++)
  assert.ok(f.frequency(7) >= 13, 'not halved yet') // ≥: other keys may share a counter
  f.increment(other++)
  // After halving: 13 → 6 and 5 → 2 (each at least, collisions can only add), and the count restarts at half.
  assert.ok(f.frequency(7) >= 6 && f.frequency(7) <= 7, `frequency(7) = ${f.frequency(7)}`)
  assert.ok(f.frequency(8) >= 2 && f.frequency(8) <= 3, `frequency(8) = ${f.frequency(8)}`)
  assert.is(f.additions, SAMPLE_FACTOR * 64 / 2)
})

sketch('the policy halves after 10 × capacity accesses, inserts and reads alike', () => {
  const p = filled(64, 64, 10)
  assert.is(tinyLfuState(p).untilHalving, 640 - 64)
  for (let i = 0; i < 100; i++) p.touch(s(0))
  assert.is(p.frequency(h(0)), 15)
  for (let i = 0; i < 640; i++) p.touch(s(1 + (i % 63)))
  assert.ok(p.frequency(h(0)) <= 7, `after halving: ${p.frequency(h(0))}`)
})

sketch.run()

// ---


function hitRatio(policy: EvictionPolicy, capacity: number, trace: Uint32Array): number {
  const slotOf = new Map<number, number>()
  const keyOf = new Int32Array(capacity)
  let used = 0
  let hits = 0
  for (let i = 0; i < trace.length; i++) {
    const key = trace[i]!
    const slot = slotOf.get(key)
    if (slot !== undefined) {
      hits++
      policy.touch(slot as Slot)
      continue
    }
    let free: number
    if (used < capacity) free = used++
    else {
      free = policy.evict()
      slotOf.delete(keyOf[free]!)
    }
    keyOf[free] = key
    slotOf.set(key, free)
    policy.insert(free as Slot, h(key))
  }
  return hits / trace.length
}

const ratios = suite('TinyLfuPolicy hit ratios (capacity 500)')
const CAP = 500

ratios('Zipf(0.9): at least LFU, well above LRU', () => {
  const trace = zipfTrace(300_000, 50_000, 0.9, 42)
  const lru = hitRatio(new LruPolicy(CAP), CAP, trace)
  const lfu = hitRatio(new LfuPolicy(CAP), CAP, trace)
  const tiny = hitRatio(new TinyLfuPolicy(CAP), CAP, trace)
  console.log(`    Zipf(0.9): LRU ${(lru * 100).toFixed(2)}%, LFU ${(lfu * 100).toFixed(2)}%, tinylfu ${(tiny * 100).toFixed(2)}%`)
  assert.ok(tiny >= lfu - 0.01, `tinylfu ${tiny} < LFU ${lfu} - 1 point`)
  assert.ok(tiny >= lru + 0.05, `tinylfu ${tiny} < LRU ${lru} + 5 points`)
})

ratios('a loop larger than the cache: LRU and LFU hit nothing, tinylfu keeps most of it', () => {
  const trace = new Uint32Array(200_000).map((_, i) => i % (CAP + CAP / 5))
  assert.is(hitRatio(new LruPolicy(CAP), CAP, trace), 0)
  assert.ok(hitRatio(new TinyLfuPolicy(CAP), CAP, trace) > 0.5)
})

ratios('a moving working set: the window grows and tinylfu stays within a point of LRU', () => {
  const random = mulberry32(7)
  const trace = new Uint32Array(300_000).map((_, i) => Math.floor(i / 100) + Math.floor(random() ** 2 * 400))
  const lru = hitRatio(new LruPolicy(CAP), CAP, trace)
  const policy = new TinyLfuPolicy(CAP)
  const tiny = hitRatio(policy, CAP, trace)
  console.log(`    moving working set: LRU ${(lru * 100).toFixed(2)}%, tinylfu ${(tiny * 100).toFixed(2)}%, window ${policy.windowPercent.toFixed(1)}%`)
  assert.ok(tiny >= lru - 0.01, `tinylfu ${tiny} < LRU ${lru} - 1 point`)
})

ratios('the hill climber moves the window towards recency on a sliding trace, and not on Zipf', () => {
  const random = mulberry32(9)
  const sliding = new Uint32Array(200_000).map((_, i) => Math.floor(i / 10) + Math.floor(random() * 700))
  const p = new TinyLfuPolicy(CAP)
  hitRatio(p, CAP, sliding)
  assert.ok(p.windowPercent > 20, `window after a sliding trace: ${p.windowPercent}%`)
  const q = new TinyLfuPolicy(CAP)
  hitRatio(q, CAP, zipfTrace(200_000, 50_000, 0.9, 5))
  assert.ok(q.windowPercent < 15, `window after Zipf: ${q.windowPercent}%`)
  const fixed = new TinyLfuPolicy(CAP, 1)
  hitRatio(fixed, CAP, sliding)
  assert.is(fixed.windowPercent, 1)
})

ratios.run()

// ---

const model = suite('TinyLfuPolicy model')

type Op = { op: 'insert' | 'touch' | 'remove'; n: number } | { op: 'evict' } | { op: 'resize'; by: number }
const opArb: fc.Arbitrary<Op> = fc.oneof(
  { arbitrary: fc.record({ op: fc.constant('insert' as const), n: fc.nat(1000) }), weight: 3 },
  { arbitrary: fc.record({ op: fc.constant('touch' as const), n: fc.nat(1000) }), weight: 6 },
  { arbitrary: fc.record({ op: fc.constant('remove' as const), n: fc.nat(1000) }), weight: 1 },
  { arbitrary: fc.constant({ op: 'evict' as const }), weight: 2 },
  { arbitrary: fc.record({ op: fc.constant('resize' as const), by: fc.integer({ min: 1, max: 300 }) }), weight: 1 },
)

model('segments partition exactly the held slots; evict() returns held slots only', () => {
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 300 }), fc.option(fc.integer({ min: 0, max: 100 }), { nil: undefined }),
      fc.array(opArb, { maxLength: 400, size: 'max' }), (initial, fixed, ops) => {
        const p = new TinyLfuPolicy(initial, fixed)
        let capacity = initial
        const held = new Set<number>()
        for (const o of ops) {
          if (o.op === 'resize') {
            capacity += o.by
            p.resize(capacity)
          } else if (o.op === 'evict') {
            const v = p.evict()
            if (held.size === 0) assert.is(v, -1)
            else {
              assert.ok(held.has(v), `evicted ${v}, not held`)
              held.delete(v)
            }
          } else {
            const slot = o.n % capacity
            if (o.op === 'insert') {
              p.insert(s(slot), h(o.n))
              held.add(slot)
            } else if (o.op === 'touch') p.touch(s(slot))
            else {
              p.remove(s(slot))
              held.delete(slot)
            }
          }
          const st = state(p)
          const all = [...st.window, ...st.probation, ...st.protected]
          assert.is(p.size, held.size)
          assert.is(all.length, held.size)
          assert.equal(new Set(all), held)
          if (st.candidate !== -1) assert.ok(st.probation.includes(st.candidate))
        }
      }),
    { numRuns: 150, seed: 20261202 },
  )
})

model.run()

// ---

const backend = suite('memory({ policy: "tinylfu" })')

backend('keeps the entry bound: a hot key survives a stream of one-off keys', () => {
  const m = engineOf(memory({ max: 50, policy: 'tinylfu' }))
  const store = m.store('f', 'f:', null)
  for (let i = 0; i < 50; i++) m.put(store, i, 0, i, Infinity, undefined)
  for (let r = 0; r < 5; r++) for (let i = 0; i < 10; i++) store.getDirect(i)
  for (let k = 1000; k < 3000; k++) m.put(store, k, 0, k, Infinity, undefined)
  assert.is(m.stats().entries, 50)
  assert.is(m.stats().evictions, 2000)
  for (let i = 0; i < 10; i++) assert.is(store.getDirect(i), i, `hot key ${i}`)
})

backend('keeps the byte bound; a large entry evicts several, and is kept itself', () => {
  const m = engineOf(memory({ maxBytes: 1000, policy: 'tinylfu', sizeOf: (v) => v as number }))
  const store = m.store('f', 'f:', null)
  for (let i = 0; i < 100; i++) m.put(store, 'k' + i, 1, 10, Infinity, undefined)
  assert.is(m.stats().bytes, 1000)
  assert.is(m.stats().entries, 100)
  assert.ok(m.put(store, 'big', 1, 300, Infinity, undefined))
  assert.is(m.stats().bytes, 1000)
  assert.is(m.stats().entries, 71)
  assert.is(store.getEncoded('big'), 300)
  assert.not.ok(m.put(store, 'huge', 1, 1001, Infinity, undefined))
  assert.ok(m.stats().bytes <= 1000)
})

backend('rejects an unknown policy, listing the three', () => {
  assert.throws(() => memory({ policy: 'arc' as never }), /option policy must be 'lru', 'lfu' or 'tinylfu'; received "arc"/)
})

backend.run()
