// The `earlyRefresh` option (XFetch): a fresh read refreshes in the background when
// now - missLatency * beta * ln(random()) >= expiry. The runtime clock, the latency clock and the
// random source are injected: a miss "takes" 100 ms of fake time, and random() = e^-1 makes
// -ln(random()) = 1, so the refresh starts exactly 100 ms * beta before expiry.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { cached, configure, metrics } from '../../runtime/index.js'
import { file } from '../../runtime/backends/file/index.js'
import { refreshesEarly } from '../../runtime/early-refresh.js'
import { Counters } from '../../runtime/metrics.js'
import { fresh, tick, type FakeClock } from '../helpers/runtime.js'

const E1 = Math.exp(-1)
const TTL = 10_000
const COST = 100

let clock: FakeClock
function setup() {
  clock = fresh()
  metrics.setClock(clock.now)
}

/** A function whose every call costs COST ms of fake time and returns its call number. */
function source() {
  const s = { n: 0 }
  const sync = (_id: string) => { clock.advance(COST); return ++s.n }
  return { s, sync }
}

const formula = suite('refreshesEarly: the XFetch test')
formula.before.each(setup)
formula.after(() => metrics.setClock())
formula('refreshes when now - delta * beta * ln(random) reaches expiry; never without a timed miss', () => {
  const c = new Counters('f', 'default')
  const early = { beta: 1, random: () => E1 }
  assert.is(refreshesEarly(early, c, 900, 1000), false, 'no latency known yet')
  c.missLatency.observe(COST * 1000)
  assert.is(refreshesEarly(early, c, 899, 1000), false)
  assert.is(refreshesEarly(early, c, 900, 1000), true)
  assert.is(refreshesEarly({ beta: 2, random: () => E1 }, c, 800, 1000), true, 'beta 2: twice as early')
  assert.is(refreshesEarly({ beta: 1, random: () => 0.999 }, c, 990, 1000), false, 'a large random: only at the very end')
  assert.is(refreshesEarly(early, c, 900, Infinity), false, 'no expiry, no refresh')
})
formula.run()

// ---

const mem = suite('earlyRefresh: memory backend')
mem.before.each(setup)
mem.after(() => metrics.setClock())

mem('no refresh before the window; one background refresh inside it, serving the current value meanwhile', async () => {
  const { s, sync } = source()
  const f = cached(sync, { id: 'm', ttl: TTL, earlyRefresh: { beta: 1, random: () => E1 } })
  assert.is(f('k'), 1)
  const expiry = clock.t + TTL
  clock.t = expiry - COST - 1
  assert.is(f('k'), 1)
  await tick()
  assert.is(s.n, 1, 'outside the window: no refresh')
  clock.t = expiry - COST
  assert.is(f('k'), 1, 'the hit is served at once')
  assert.is(f('k'), 1)
  await tick()
  assert.is(s.n, 2, 'one refresh for two reads in the window')
  assert.is(f('k'), 2, 'the refreshed value, now fresh')
  const st = f.stats()
  assert.is(st.earlyRefreshes, 1)
  assert.is(st.misses, 1, 'the early refresh is not a miss')
  assert.is(st.hits, 4)
  clock.t = expiry + 1
  assert.is(f('k'), 2, 'the old expiry has passed: still fresh, no miss')
  assert.is(f.stats().misses, 1)
})

mem('one refresh per key while it runs; a miss after expiry joins it (dedupe with in-flight)', async () => {
  let n = 0
  let release: () => void = () => {}
  const f = cached(async (_id: string) => {
    n++
    if (n === 1) clock.advance(COST) // the first miss is timed; the held refresh must not move time
    if (n === 2) await new Promise<void>((r) => { release = r })
    return n
  }, { id: 'a', ttl: TTL, earlyRefresh: { random: () => E1 } })
  assert.is(await f('k'), 1)
  const expiry = clock.t + TTL
  clock.t = expiry - 50
  assert.is(await f('k'), 1)
  await tick()
  assert.is(n, 2, 'the refresh is running (held)')
  assert.is(await f('k'), 1)
  await tick()
  assert.is(n, 2, 'no second refresh while one runs')
  clock.t = expiry + 1
  const late = f('k')
  release()
  assert.is(await late, 2, 'the caller after expiry got the refresh\'s result')
  assert.is(n, 2)
  assert.is(f.stats().dedupedCalls, 1)
  assert.is(f.stats().earlyRefreshes, 1)
})

mem('each key refreshes on its own; a function without the option is never refreshed early', async () => {
  const { s, sync } = source()
  const f = cached(sync, { id: 'two', ttl: TTL, earlyRefresh: { beta: 3, random: () => E1 } })
  const plain = cached(sync, { id: 'plain', ttl: TTL })
  const start = clock.t
  f('a'); f('b'); plain('c') // each costs COST: stored at start + COST, + 2 COST, + 3 COST
  clock.t = start + COST + TTL - 10 // 'a' 10 ms and 'b' 110 ms before expiry: both inside 3 x COST
  f('a'); f('b'); plain('c')
  await tick()
  assert.is(s.n, 5)
  assert.is(f.stats().earlyRefreshes, 2)
  assert.is(plain.stats().earlyRefreshes, 0)
  assert.is(metrics().functions.two!.earlyRefreshes, 2)
})

mem('options: true is beta 1; bad values name the option', () => {
  cached((id: string) => id, { id: 'ok', ttl: 1000, earlyRefresh: true })
  assert.throws(() => cached((id: string) => id, { id: 'b0', earlyRefresh: { beta: 0 } }), /\[E_OPTION\] b0: option earlyRefresh\.beta must be a finite number above 0/)
  assert.throws(() => cached((id: string) => id, { id: 'b1', earlyRefresh: 'yes' as never }), /option earlyRefresh must be true, false or \{ beta \}/)
  assert.throws(() => cached((id: string) => id, { id: 'b2', earlyRefresh: { delta: 1 } as never }), /takes \{ beta, random \}, not "delta"/)
})
mem.run()

// ---

const disk = suite('earlyRefresh: file backend (shared by processes)')
const dirs: string[] = []
disk.before.each(() => {
  setup()
  const dir = mkdtempSync(join(tmpdir(), 'fncache-early-'))
  dirs.push(dir)
  configure({ backends: { disk: file({ dir, now: clock.now }) } })
})
disk.after(() => { metrics.setClock(); for (const d of dirs) rmSync(d, { recursive: true, force: true }) })

disk('sync: a read inside the window rewrites the record before expiry', async () => {
  const { s, sync } = source()
  const f = cached(sync, { id: 'd', ttl: TTL, backend: 'disk', earlyRefresh: { random: () => E1 } })
  assert.is(f('k'), 1)
  const expiry = clock.t + TTL
  clock.t = expiry - COST + 1
  assert.is(f('k'), 1)
  await tick()
  assert.is(s.n, 2)
  assert.is(f.stats().earlyRefreshes, 1)
  clock.t = expiry + 1
  assert.is(f('k'), 2, 'the record was rewritten: still fresh past the old expiry')
  assert.is(s.n, 2)
  assert.is(f.stats().misses, 1)
})

disk('async: the one-read hit path refreshes too, once', async () => {
  let n = 0
  const f = cached(async (_id: string) => { n++; clock.advance(COST); return n }, { id: 'da', ttl: TTL, backend: 'disk', earlyRefresh: { random: () => E1 } })
  assert.is(await f('k'), 1)
  const expiry = clock.t + TTL
  clock.t = expiry - 10
  assert.equal(await Promise.all([f('k'), f('k'), f('k')]), [1, 1, 1])
  await tick(); await tick()
  assert.is(n, 2)
  clock.t = expiry + 1
  assert.is(await f('k'), 2)
  assert.is(f.stats().earlyRefreshes, 1)
  assert.is(f.stats().misses, 1)
})
disk.run()
