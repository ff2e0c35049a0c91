// Model-based test of the wrapper's freshness state machine (ttl, staleWhileRevalidate,
// staleIfError) with the injected clock: random sequences of calls (the function succeeds or
// throws), clock advances, invalidations and tag invalidations, run against a ten-line reference
// model. After every step: the returned value (or error), whether the function ran, and the
// hits / misses / staleHits / sets / errors counters. On the memory backend and on a byte backend
// (the persistent path), with a sync and an async function.

import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import fc from 'fast-check'
import { cached, configure, invalidateTags } from '../../runtime/index.js'
import { fresh, tick } from '../helpers/runtime.js'
import { bytesBackend } from '../helpers/bytes-backend.js'

type Cmd =
  | { op: 'call'; k: number; throws: boolean }
  | { op: 'advance'; ms: number }
  | { op: 'invalidate'; k: number }
  | { op: 'tag'; tag: string }

const cmd: fc.Arbitrary<Cmd> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ op: fc.constant('call' as const), k: fc.nat(2), throws: fc.boolean() }) },
  { weight: 4, arbitrary: fc.record({ op: fc.constant('advance' as const), ms: fc.oneof(fc.nat(12), fc.integer({ min: 12, max: 60 })) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('invalidate' as const), k: fc.nat(2) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('tag' as const), tag: fc.constantFrom('t0', 't1', 't2', 'all') }) },
)
const config = fc.record({
  // Small, so that sequences cross every boundary (fresh, stale window, exact equality) often.
  ttl: fc.integer({ min: 1, max: 20 }),
  swr: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 30 })),
  sie: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 30 })),
})

interface Entry { value: string; fresh: number; tags: string[] }
type Counts = { hits: number; misses: number; staleHits: number; sets: number; errors: number }

/** The reference: what one call must answer, and the state and counters after it. */
function modelCall(m: { entries: Map<number, Entry>; calls: number; c: Counts }, cfg: { ttl: number; swr: number; sie: number }, now: number, k: number, throws: boolean):
  { value?: string; threw?: boolean; ran: number } {
  const e = m.entries.get(k)
  const store = () => {
    m.calls++
    const value = `v${m.calls}`
    m.entries.set(k, { value, fresh: now + cfg.ttl, tags: [`t${k}`, 'all'] })
    m.c.sets++
    return value
  }
  if (e && e.fresh > now) {
    m.c.hits++
    return { value: e.value, ran: 0 }
  }
  if (e && now < e.fresh + cfg.swr) {
    m.c.staleHits++
    // One background refresh, with the same outcome.
    if (throws) { m.calls++; m.c.errors++ } else store()
    return { value: e.value, ran: 1 }
  }
  m.c.misses++
  if (!throws) return { value: store(), ran: 1 }
  m.calls++
  if (e && now < e.fresh + cfg.sie) {
    m.c.staleHits++
    return { value: e.value, ran: 1 }
  }
  return { threw: true, ran: 1 }
}

function variant(name: string, setup: (now: () => number) => void, async: boolean, runs: number) {
  const s = suite(`freshness state machine: ${name}`)
  s('matches the reference model over random sequences', async () => {
    await fc.assert(fc.asyncProperty(config, fc.array(cmd, { minLength: 1, maxLength: 40, size: 'max' }), async (cfg, cmds) => {
      const clock = fresh()
      setup(clock.now)
      let throwing = false
      let calls = 0
      const impl = (k: number) => {
        calls++
        if (throwing) throw new Error(`boom ${k}`)
        return `v${calls}`
      }
      const fn = async ? async (k: number) => impl(k) : (k: number) => impl(k)
      const f = cached(fn, { id: `model#${name}`, ttl: cfg.ttl, staleWhileRevalidate: cfg.swr, staleIfError: cfg.sie, tags: (_r: unknown, k: number) => [`t${k}`, 'all'] })
      const m = { entries: new Map<number, Entry>(), calls: 0, c: { hits: 0, misses: 0, staleHits: 0, sets: 0, errors: 0 } }
      for (const [i, c] of cmds.entries()) {
        const at = `step ${i} ${JSON.stringify(c)} at t+${clock.t - 1_000_000}`
        if (c.op === 'advance') clock.advance(c.ms)
        else if (c.op === 'invalidate') {
          await f.invalidate(c.k)
          m.entries.delete(c.k)
        } else if (c.op === 'tag') {
          await invalidateTags([c.tag])
          for (const [k, e] of m.entries) if (e.tags.includes(c.tag)) m.entries.delete(k)
        } else {
          throwing = c.throws
          const before = calls
          const want = modelCall(m, cfg, clock.t, c.k, c.throws)
          let got: { value?: unknown; threw?: boolean }
          try {
            got = { value: await f(c.k) }
          } catch {
            got = { threw: true }
          }
          await tick(); await tick(); await tick() // background refreshes settle
          assert.equal(got, want.threw ? { threw: true } : { value: want.value }, at)
          assert.is(calls - before, want.ran, `${at}: function calls`)
          const st = f.stats()
          assert.equal({ hits: st.hits, misses: st.misses, staleHits: st.staleHits, sets: st.sets, errors: st.errors }, m.c, `${at}: counters`)
        }
      }
    }), { numRuns: runs, seed: 4242 })
  })
  s.run()
}

const quiet = () => {}
variant('memory, sync function', () => configure({ onError: quiet }), false, 150)
variant('memory, async function', () => configure({ onError: quiet }), true, 100)
variant('byte backend (persistent path), sync function', (now) => configure({ onError: quiet, backends: { default: bytesBackend({ sync: true, now }) } }), false, 100)
variant('byte backend (persistent path), async function', (now) => configure({ onError: quiet, backends: { default: bytesBackend({ now }) } }), true, 100)
