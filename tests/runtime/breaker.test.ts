// The circuit breaker's half-open probing, on the runtime's fake clock (no wall time): whatever the
// outage's length, the cache is back within 2 s of the backend (counted in fake milliseconds and
// calls), and while it is down at most one probe per second goes out however many callers there are.
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { cached, configure } from '../../runtime/index.js'
import { Breaker } from '../../runtime/breaker.js'
import { globalCache } from '../../runtime/global.js'
import { bytesBackend, type BytesBackend } from '../helpers/bytes-backend.js'
import { counting, fresh, tick, type FakeClock } from '../helpers/runtime.js'

const STEP = 50 // fake ms between rounds of calls
const CALLERS = 20 // concurrent calls per round: a herd if each could probe

interface Run { probesDown: number; gets: number; backAfterMs: number; impl: number }

/** Warm, take the backend down for `outageMs`, bring it back; counts probes and the time to the first hit. */
async function outage(clock: FakeClock, b: BytesBackend, outageMs: number): Promise<Run> {
  const impl = counting(async (n: number) => n * 2)
  const f = cached(impl, { id: 'brk', backend: 'shared' })
  for (let i = 0; i < CALLERS; i++) await f(i)
  b.down = true
  let gets = 0
  const get = b.get
  b.get = (k) => { gets++; return get(k) }
  const breaker = globalCache.breakers.get(b)!
  let probes = -1
  for (let t = 0; t < outageMs; t += STEP) {
    const out = await Promise.all(Array.from({ length: CALLERS }, (_, i) => f(i)))
    assert.equal(out, Array.from({ length: CALLERS }, (_, i) => i * 2), 'fail-open: every caller answered')
    if (probes < 0 && breaker.open) probes = breaker.probes
    clock.advance(STEP)
    await tick()
  }
  const probesDown = breaker.probes - probes
  const getsDown = gets
  b.down = false
  const back = clock.t
  const hitsBefore = f.stats().hits
  while (f.stats().hits === hitsBefore) {
    await Promise.all(Array.from({ length: CALLERS }, (_, i) => f(i)))
    if (f.stats().hits > hitsBefore) break
    clock.advance(STEP)
    await tick()
    assert.ok(clock.t - back < 60_000, 'the cache never came back')
  }
  return { probesDown, gets: getsDown, backAfterMs: clock.t - back, impl: impl.n }
}

const brk = suite('breaker')
let clock: FakeClock
brk.before.each(() => { clock = fresh() })

for (const outageMs of [3_000, 20_000, 120_000]) {
  brk(`an outage of ${outageMs / 1000} s: the first hit within 2 s of the backend's return; <= 1 probe per second while down`, async () => {
    const b = bytesBackend()
    configure({ now: clock.now, backends: { shared: b }, onError: () => {} })
    const r = await outage(clock, b, outageMs)
    assert.ok(r.backAfterMs <= 2_000, `first hit ${r.backAfterMs} ms after the backend returned`)
    const seconds = outageMs / 1000
    assert.ok(r.probesDown <= seconds + 2, `${r.probesDown} probes in ${seconds} s`)
    assert.ok(r.probesDown >= seconds / 2, `${r.probesDown} probes in ${seconds} s: still probing`)
    // Reads while down: the first round of callers (in flight before any failed), then only probes.
    assert.ok(r.gets <= CALLERS + r.probesDown, `${r.gets} reads reached the dead backend`)
  })
}

brk('no herd: the probe is one background read however many callers arrive when the cool-down ends', async () => {
  let sent = 0
  let settle: (ok: boolean) => void = () => {}
  const b = new Breaker(5, 250, 1_000, clock.now, () => { sent++; return new Promise((res, rej) => { settle = (ok) => (ok ? res(undefined) : rej(new Error('down'))) }) })
  for (let i = 0; i < 5; i++) b.failure()
  assert.is(b.allow(), false)
  clock.advance(250)
  const allowed = Array.from({ length: 1000 }, () => b.allow()).filter(Boolean).length
  assert.is(allowed, 0, 'callers never wait for the probe: they run uncached')
  assert.is(sent, 1)
  settle(false)
  await tick()
  clock.advance(499)
  b.allow()
  assert.is(sent, 1, 'the cool-down doubled to 500 ms')
  clock.advance(1)
  b.allow()
  assert.is(sent, 2)
  settle(true)
  await tick()
  assert.is(b.allow(), true, 'closed by a successful probe')
  assert.is(b.open, false)
})

brk('a probe that never settles does not block probing forever (probe timeout)', () => {
  let sent = 0
  const b = new Breaker(5, 250, 1_000, clock.now, () => { sent++; return new Promise(() => {}) })
  for (let i = 0; i < 5; i++) b.failure()
  clock.advance(250)
  b.allow()
  clock.advance(4_999)
  b.allow()
  assert.is(sent, 1)
  clock.advance(1)
  b.allow()
  assert.is(sent, 2)
})

brk.run()
