import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { MemoryBackend, engineOf, memory } from '../../../runtime/backends/memory.js'
import { cached, configure } from '../../../runtime/index.js'
import { backendSuite } from './suite.js'
import { fakeClock, fresh, counting } from '../../helpers/runtime.js'

backendSuite('memory', () => {
  const clock = fakeClock()
  return { backend: memory({ now: clock.now }), advance: (ms) => clock.advance(ms), now: clock.now }
}, { counters: ['evictions', 'expirations'], entries: 'live', expirations: true, stamps: false })

// ---

const options = suite('memory() options')

options('reject bad bounds and policies with a TypeError naming the option', () => {
  assert.throws(() => memory({ max: 0 }), /option max must be a positive integer/)
  assert.throws(() => memory({ max: 1.5 }), /option max/)
  assert.throws(() => memory({ max: Infinity }), /Infinity only with maxBytes/)
  assert.throws(() => memory({ maxBytes: -1 }), /option maxBytes/)
  assert.throws(() => memory({ policy: 'fifo' as never }), /option policy must be 'lru', 'lfu' or 'tinylfu'; received "fifo"/)
  assert.throws(() => memory({ maxEntries: 3 } as never), /no option "maxEntries"/)
})

options('the default backend is bounded', () => {
  const b = new MemoryBackend()
  assert.is(b.max, 10_000)
})
options.run()

// ---

const bounds = suite('memory bounds')
bounds.before.each(() => { fresh() })

bounds('max evicts the least recently used entry (lru)', () => {
  configure({ backends: { default: memory({ max: 3 }) } })
  const impl = counting((n: number) => n)
  const f = cached(impl, { id: 'lru' })
  f(1); f(2); f(3); f(1); f(4)
  assert.is(f.peek(2), undefined, '2 was least recently used')
  assert.is(f.peek(1), 1)
  assert.is(f.stats().evictions, 1)
})

bounds('lfu keeps the frequently used entry over a newer one', () => {
  configure({ backends: { default: memory({ max: 3, policy: 'lfu' }) } })
  const f = cached((n: number) => n, { id: 'lfu' })
  for (let i = 0; i < 5; i++) { f(1); f(2) }
  f(3); f(4); f(5)
  assert.is(f.peek(1), 1)
  assert.is(f.peek(2), 2)
})

bounds('maxBytes evicts until the estimated size fits, and refuses a value larger than the bound', () => {
  const b = memory({ maxBytes: 10_000, max: 1000 })
  configure({ backends: { default: b } })
  const f = cached((n: number) => 'x'.repeat(n), { id: 'bytes' })
  for (let i = 0; i < 50; i++) f(1000 + i)
  assert.ok(b.stats().bytes! <= 10_000, `bytes ${b.stats().bytes}`)
  assert.ok(b.stats().entries! < 50)
  f(20_000)
  assert.is(f.peek(20_000), undefined)
})

bounds('slots are reused: steady churn does not grow the backend past max', () => {
  const b = memory({ max: 1000 })
  configure({ backends: { default: b } })
  const f = cached((n: number) => n, { id: 'churn' })
  for (let i = 0; i < 20_000; i++) f(i)
  assert.is(b.stats().entries, 1000)
  assert.ok(engineOf(b).capacity <= 1000)
})

bounds('entries of two functions with equal arguments are separate', () => {
  const f = cached((n: number) => 'f' + n, { id: 'f' })
  const g = cached((n: number) => 'g' + n, { id: 'g' })
  assert.is(f(1), 'f1')
  assert.is(g(1), 'g1')
  assert.is(f(1), 'f1')
})
bounds.run()

// ---

const paths = suite('multi-argument keys')
paths.before.each(() => { fresh() })

paths('evicting path entries prunes emptied trie levels and keeps the others reachable', () => {
  const b = memory({ max: 50 })
  configure({ backends: { default: b } })
  const f = cached((a: number, s: string, t: boolean) => `${a}${s}${t}`, { id: 'p3', params: ['a', 's', 't'] } as never)
  for (let i = 0; i < 500; i++) f(i % 97, 's' + (i % 13), i % 2 === 0)
  assert.is(b.stats().entries, 50)
  const store = engineOf(b).store('p3', 'p3:', null)
  assert.is(store.size, 50)
  assert.is(store.keys().length, 50)
  let leaves = 0
  const count = (m: Map<unknown, unknown>, depth: number): void => {
    for (const v of m.values()) {
      if (depth === 1) leaves++
      else {
        assert.ok((v as Map<unknown, unknown>).size > 0, 'no empty inner map survives')
        count(v as Map<unknown, unknown>, depth - 1)
      }
    }
  }
  count(store.tries[3]!, 3)
  assert.is(leaves, 50)
  for (const [key] of store.keys()) {
    const [a, s, t] = key as [number, string, boolean]
    assert.is(f.peek(a, s, t), `${a}${s}${t}`)
  }
})
paths.run()
