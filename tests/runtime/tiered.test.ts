import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { configure, invalidateTags, memory } from '../../runtime/index.js'
import { wrap } from '../../runtime/internal.js'
import { tiered } from '../../runtime/backends/tiered.js'
import { bytesBackend, localBus, withLeases } from '../helpers/bytes-backend.js'
import { counting, fresh, tick, type FakeClock } from '../helpers/runtime.js'

let clock: FakeClock

/** Two "processes": each has its own L1 and its own wrapper, over one L2 and one bus. */
function twoProcesses() {
  const l2 = bytesBackend({ now: clock.now })
  const hub = localBus()
  const a = tiered({ l1: memory(), l2, bus: hub.create() })
  const b = tiered({ l1: memory(), l2, bus: hub.create() })
  configure({ backends: { a, b } })
  const make = (backend: string) => {
    let version = 'v1'
    const impl = counting(async (id: string) => `${backend}:${id}:${version}`)
    const f = wrap(impl, { id: 'src/u.ts#getUser', compiled: true, async: true, params: ['id'], backend, tags: ['user:{id}'], ttl: 60_000 } as never)
    return { f: f as unknown as (id: string) => Promise<string>, impl, set: (v: string) => { version = v } }
  }
  return { l2, hub, a, b, A: make('a'), B: make('b') }
}

const tier = suite('tiered()')
tier.before.each(() => { clock = fresh() })

tier('a value computed in one process is read from L2 by the other, then served from its L1', async () => {
  const { A, B, l2 } = twoProcesses()
  assert.is(await A.f('1'), 'a:1:v1')
  const callsBefore = l2.calls
  assert.is(await B.f('1'), 'a:1:v1', 'B read A\'s entry from L2')
  assert.is(B.impl.n, 0)
  const afterFirst = l2.calls
  assert.ok(afterFirst > callsBefore)
  assert.is(await B.f('1'), 'a:1:v1')
  assert.is(l2.calls, afterFirst, 'the second read in B never left its L1')
})

tier('an invalidation in one process makes the other miss its L1 on the next call', async () => {
  const { A, B } = twoProcesses()
  await A.f('1')
  await B.f('1')
  await invalidateTags(['user:1'])
  A.set('v2'); B.set('v2')
  assert.is(await B.f('1'), 'b:1:v2', 'B recomputed: its L1 entry was dropped and L2 has none')
})

tier('a write in one process drops the stale L1 copy in the other', async () => {
  const { A, B } = twoProcesses()
  await A.f('1')
  assert.is(await B.f('1'), 'a:1:v1')
  A.set('v2')
  await (A.f as any).refresh('1')
  await tick()
  assert.is(await B.f('1'), 'a:1:v2', 'B reads the new value from L2')
})

tier('invalidate(...args) and clear() reach the shared tier and the other process', async () => {
  const { A, B } = twoProcesses()
  await A.f('1'); await A.f('2')
  await B.f('1'); await B.f('2')
  A.set('v2'); B.set('v2')
  assert.is(await (A.f as any).invalidate('1'), true)
  assert.is(await B.f('1'), 'b:1:v2', 'the entry left L2 and B\'s L1')
  assert.is(await B.f('2'), 'a:2:v1', 'other entries stay')
  await (B.f as any).clear()
  A.set('v3')
  assert.is(await A.f('2'), 'a:2:v3')
})

tier('rejects bad options naming them', () => {
  assert.throws(() => tiered({ l1: bytesBackend() as never, l2: bytesBackend() }), /option l1 must be a memory\(\) backend/)
  assert.throws(() => tiered({ l1: memory(), l2: memory() }), /option l2 must be a shared byte backend/)
})
tier.run()

// ---

const lease = suite('distributed stampede protection')
lease.before.each(() => { clock = fresh() })

lease('four processes missing one key at once compute it once; the others read the result', async () => {
  const backend = withLeases(bytesBackend({ now: clock.now }), clock.now)
  configure({ backends: { shared: backend } })
  let computed = 0
  const processes = Array.from({ length: 4 }, () => wrap(async (k: string) => {
    computed++
    await new Promise((r) => setTimeout(r, 30))
    return 'v:' + k
  }, { id: 'slow', compiled: true, async: true, params: ['k'], backend: 'shared' }))
  const results = await Promise.all(processes.map((f) => f('x')))
  assert.equal(results, ['v:x', 'v:x', 'v:x', 'v:x'])
  assert.is(computed, 1)
  assert.is(backend.acquired, 1)
})

lease('a lease taken just after another process stored the result and released serves that result', async () => {
  const backend = withLeases(bytesBackend({ now: clock.now }), clock.now)
  configure({ backends: { shared: backend } })
  const computed: string[] = []
  const process = (name: string) => wrap(async (k: string) => { computed.push(name); return `${name}:${k}` },
    { id: 'raced', compiled: true, async: true, params: ['k'], backend: 'shared' })
  const A = process('A')
  const B = process('B')
  // B misses, and before its acquire arrives A runs its whole call (miss, lease, compute, store,
  // release): the interleaving that load produces between two processes, forced here.
  const acquire = backend.acquire!
  let raced = false
  backend.acquire = async (key, leaseMs) => {
    if (!raced) { raced = true; assert.is(await A('x'), 'A:x') }
    return acquire(key, leaseMs)
  }
  assert.is(await B('x'), 'A:x', 'B reads what A stored instead of computing it again')
  assert.equal(computed, ['A'])
  assert.is(backend.acquired, 2, 'B did take the free lease, then found the result')
})

lease('a holder that never finishes does not block the others past the lease', async () => {
  const backend = withLeases(bytesBackend({ now: clock.now }), clock.now)
  configure({ backends: { shared: backend } })
  await backend.acquire!('stuck:"x"', 10_000) // a process that took the lease and died
  const f = wrap(async (k: string) => 'mine:' + k, { id: 'stuck', compiled: true, async: true, params: ['k'], backend: 'shared' })
  const p = f('x')
  for (let i = 0; i < 20 && backend.acquired < 2; i++) { clock.advance(1_000); await new Promise((r) => setTimeout(r, 15)) }
  assert.is(await p, 'mine:x')
})
lease.run()
