// LruPolicy: recency order, slot reuse, growth across index-array widths, and a model check; plus
// createPolicy's validation.
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import fc from 'fast-check'
import { createPolicy, LruPolicy, LfuPolicy, MAX_CAPACITY } from '../../../runtime/eviction/index.js'
import { arrayType, lruOrder } from '../../../runtime/eviction/expose.js'
import type { Slot } from '../../../runtime/eviction/policy.js'

const s = (n: number) => n as Slot
const filled = (capacity: number, ...slots: number[]) => {
  const p = new LruPolicy(capacity)
  for (const slot of slots) p.insert(s(slot))
  return p
}
const order = (p: LruPolicy) => lruOrder(p).map(Number)
/** Evicts until empty; the victims in order. */
const drain = (p: LruPolicy) => {
  const out: number[] = []
  for (let v = p.evict(); v !== -1; v = p.evict()) out.push(v)
  return out
}
const throwsType = (fn: () => unknown, message: string) => {
  try {
    fn()
    assert.unreachable('should have thrown')
  } catch (err) {
    assert.instance(err, TypeError)
    assert.is((err as Error).message, message)
  }
}

// ---

const API = suite('API')

API('createPolicy() makes either policy', () => {
  assert.instance(createPolicy('lru', 4), LruPolicy)
  assert.instance(createPolicy('lfu', 4), LfuPolicy)
  assert.is(MAX_CAPACITY, 2 ** 32)
})

API('a new policy is empty', () => {
  const p = createPolicy('lru', 4)
  assert.is(p.size, 0)
  assert.is(p.evict(), -1)
})

API('createPolicy() rejects an unknown policy, naming the option', () => {
  throwsType(() => createPolicy('x' as never, 4), `policy must be 'lru', 'lfu' or 'tinylfu'; received "x"`)
  throwsType(() => createPolicy('LRU' as never, 4), `policy must be 'lru', 'lfu' or 'tinylfu'; received "LRU"`)
  throwsType(() => createPolicy(undefined as never, 4), `policy must be 'lru', 'lfu' or 'tinylfu'; received undefined`)
})

API('createPolicy() and the constructors reject a bad capacity, naming the option', () => {
  const rule = 'capacity must be an integer from 1 to 4294967296; received'
  throwsType(() => createPolicy('lru', 0), `${rule} 0`)
  throwsType(() => createPolicy('lfu', 1.5), `${rule} 1.5`)
  throwsType(() => createPolicy('lru', NaN), `${rule} NaN`)
  throwsType(() => createPolicy('lru', '8' as never), `${rule} "8"`)
  throwsType(() => new LruPolicy(2 ** 32 + 1), `${rule} 4294967297`)
  throwsType(() => new LruPolicy(-1), `${rule} -1`)
  throwsType(() => filled(4).resize(Infinity), `${rule} Infinity`)
})

API.run()

// ---

const order_ = suite('LruPolicy order')

order_('evict() returns -1 when empty', () => {
  assert.is(new LruPolicy(1).evict(), -1)
})

order_('evict() returns the least recently touched slot', () => {
  const p = filled(4, 0, 1, 2)
  p.touch(s(0))
  assert.equal(drain(p), [1, 2, 0])
  assert.is(p.evict(), -1)
})

order_('touch() of the most recent slot changes nothing', () => {
  const p = filled(4, 0, 1, 2)
  p.touch(s(2))
  assert.equal(order(p), [0, 1, 2])
})

order_('touch() moves the head, a middle slot and the tail to the tail', () => {
  const p = filled(8, 0, 1, 2, 3)
  p.touch(s(0))
  assert.equal(order(p), [1, 2, 3, 0])
  p.touch(s(2))
  assert.equal(order(p), [1, 3, 0, 2])
  p.touch(s(2))
  assert.equal(order(p), [1, 3, 0, 2])
})

order_('remove() unlinks the head', () => {
  const p = filled(4, 0, 1, 2)
  p.remove(s(0))
  assert.equal(order(p), [1, 2])
  assert.equal(drain(p), [1, 2])
})

order_('remove() unlinks a middle slot', () => {
  const p = filled(4, 0, 1, 2)
  p.remove(s(1))
  assert.equal(drain(p), [0, 2])
})

order_('remove() unlinks the tail, and the new tail takes inserts', () => {
  const p = filled(4, 0, 1, 2)
  p.remove(s(2))
  p.insert(s(3))
  assert.equal(drain(p), [0, 1, 3])
})

order_('remove() of the only slot empties the policy', () => {
  const p = filled(4, 2)
  p.remove(s(2))
  assert.is(p.size, 0)
  assert.is(p.evict(), -1)
  p.insert(s(3))
  assert.equal(drain(p), [3])
})

order_('a removed slot can be inserted again and becomes the most recent', () => {
  const p = filled(4, 0, 1, 2)
  p.remove(s(0))
  p.insert(s(0))
  assert.equal(order(p), [1, 2, 0])
  assert.is(p.size, 3)
})

order_('an evicted slot can be inserted again', () => {
  const p = filled(2, 0, 1)
  const victim = p.evict()
  assert.is(victim, 0)
  p.insert(s(victim as number))
  assert.equal(drain(p), [1, 0])
})

order_('insert() of a held slot makes it the most recent without growing size', () => {
  const p = filled(4, 0, 1, 2)
  p.insert(s(0))
  assert.equal(order(p), [1, 2, 0])
  p.insert(s(0))
  assert.equal(order(p), [1, 2, 0])
  assert.is(p.size, 3)
})

order_('touch() and remove() ignore slots the policy does not hold', () => {
  const p = filled(8, 0, 1)
  p.touch(s(5))
  p.remove(s(5))
  p.touch(s(99))
  p.remove(s(99))
  p.remove(s(1))
  p.remove(s(1))
  assert.equal(order(p), [0])
  assert.is(p.size, 1)
})

order_('insert() rejects a slot outside the slot space', () => {
  const p = new LruPolicy(4)
  assert.throws(() => p.insert(s(4)), (err: Error) => err instanceof RangeError && err.message === 'slot must be an integer from 0 to 3; received 4')
  assert.throws(() => p.insert(s(-1)), RangeError)
  assert.throws(() => p.insert(s(1.5)), RangeError)
  assert.is(p.size, 0)
})

order_('size counts held slots through every operation', () => {
  const p = filled(4, 0, 1, 2, 3)
  assert.is(p.size, 4)
  p.touch(s(1))
  assert.is(p.size, 4)
  p.remove(s(2))
  assert.is(p.size, 3)
  p.evict()
  assert.is(p.size, 2)
})

order_.run()

// ---

const resize = suite('LruPolicy resize/clear')

resize('resize() keeps order and makes the new slots usable', () => {
  const p = filled(4, 3, 1, 0, 2)
  p.touch(s(1))
  p.resize(8)
  p.insert(s(7))
  assert.equal(drain(p), [3, 0, 2, 1, 7])
})

resize('resize() across 256 slots switches Uint8Array to Uint16Array and keeps order', () => {
  const p = new LruPolicy(256)
  assert.is(arrayType(p), 'Uint8Array')
  for (let i = 255; i >= 0; i--) p.insert(s(i))
  p.touch(s(255))
  p.resize(257)
  assert.is(arrayType(p), 'Uint16Array')
  p.insert(s(256))
  const expected = [...Array.from({ length: 255 }, (_, i) => 254 - i), 255, 256]
  assert.equal(drain(p), expected)
})

resize('resize() across 65,536 slots switches to Uint32Array', () => {
  const p = filled(65_536, 65_535, 0)
  assert.is(arrayType(p), 'Uint16Array')
  p.resize(65_537)
  assert.is(arrayType(p), 'Uint32Array')
  p.insert(s(65_536))
  p.touch(s(65_535))
  assert.equal(drain(p), [0, 65_536, 65_535])
})

resize('resize() never shrinks', () => {
  const p = filled(8, 0, 7)
  p.resize(2)
  assert.is(p.capacity, 8)
  p.insert(s(6))
  assert.equal(drain(p), [0, 7, 6])
})

resize('clear() forgets every slot and the policy stays usable', () => {
  const p = filled(4, 0, 1, 2)
  p.clear()
  assert.is(p.size, 0)
  assert.is(p.evict(), -1)
  p.touch(s(1))
  p.insert(s(2))
  p.insert(s(1))
  assert.equal(drain(p), [2, 1])
})

resize.run()

// ---

const model = suite('LruPolicy model')

type Op = { op: 'insert' | 'touch' | 'remove'; n: number } | { op: 'evict' } | { op: 'resize'; by: number }
const opArb: fc.Arbitrary<Op> = fc.oneof(
  { arbitrary: fc.record({ op: fc.constant('insert' as const), n: fc.nat(1000) }), weight: 4 },
  { arbitrary: fc.record({ op: fc.constant('touch' as const), n: fc.nat(1000) }), weight: 4 },
  { arbitrary: fc.record({ op: fc.constant('remove' as const), n: fc.nat(1000) }), weight: 1 },
  { arbitrary: fc.constant({ op: 'evict' as const }), weight: 2 },
  { arbitrary: fc.record({ op: fc.constant('resize' as const), by: fc.integer({ min: 1, max: 300 }) }), weight: 1 },
)

model('matches an array ordered by recency under random operations', () => {
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 300 }), fc.array(opArb, { maxLength: 300, size: 'max' }), (initial, ops) => {
      const p = new LruPolicy(initial)
      let capacity = initial
      let ref: number[] = [] // least recent first
      for (const o of ops) {
        if (o.op === 'evict') {
          assert.is(p.evict(), ref.length ? ref.shift() : -1)
        } else if (o.op === 'resize') {
          capacity += o.by
          p.resize(capacity)
        } else {
          const slot = o.n % capacity
          const held = ref.includes(slot)
          if (o.op === 'insert' || (o.op === 'touch' && held)) ref = [...ref.filter((x) => x !== slot), slot]
          if (o.op === 'remove') ref = ref.filter((x) => x !== slot)
          p[o.op](s(slot))
        }
        assert.is(p.size, ref.length)
        assert.equal(order(p), ref)
      }
    }),
    { numRuns: 300 },
  )
})

model.run()
