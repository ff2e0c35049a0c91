// Scenario 7: tag invalidation cost. 100,000 entries, of which keys 0..999 carry the tag `hot`.
// Per contender: time one invalidation of `hot` (the first, then the median of REPEAT more after
// refilling the hot keys), and the throughput of reads of the OTHER 99,000 entries before any
// invalidation vs right after it (slowdown = before ops / after ops; target for fncache: <= 1.2).
// Validated: before timing, reads of other entries are hits; after the invalidation every hot
// key is a miss (exactly 1,000 underlying calls) and other entries are still hits.
// Reference: a hand-written Map plus a tag -> Set<key> index.
import { Cacheable } from 'cacheable'
import { createCache as createAcd } from 'async-cache-dedupe'
import { BentoCache, bentostore } from 'bentocache'
import { memoryDriver } from 'bentocache/drivers/memory'
import { type Row, type Scenario, Skip, check, counter, errText, fullGc, median, throughput } from '../harness.js'
import { fid, loadFncache, useMemory } from '../fncache.js'

const N = 100_000
const HOT = 1_000
const REPEAT = 6
const READS = 2_000
const tagsOf = (n: number) => (n < HOT ? ['hot'] : [])

type Read = (n: number) => number | Promise<number>
interface Subject {
  name: string
  note: string
  async: boolean
  reference?: boolean
  /** Builds the cache around the underlying `f`; returns the read (get-or-compute) function. */
  build(f: (n: number) => number): Read | Promise<Read>
  invalidate(): unknown
  /** A second way to invalidate, timed in the repeats too (fncache: invalidateTagsSync). */
  invalidateAlt?: { label: string; run(): unknown }
  teardown?(): unknown
}

const value = (n: number) => n * 5 + 1

async function subjects(): Promise<Subject[]> {
  const { api, missing } = await loadFncache()
  const list: Subject[] = []
  {
    const data = new Map<string, number>(), index = new Map<string, Set<string>>()
    list.push({
      name: 'Map + tag index', note: "Map<'' + n, value> and Map<tag, Set<key>>; delete the tag's keys", async: false, reference: true,
      build: (f) => (n) => {
        const k = '' + n
        let v = data.get(k)
        if (v === undefined) {
          v = f(n); data.set(k, v)
          for (const t of tagsOf(n)) { let s = index.get(t); if (!s) index.set(t, (s = new Set())); s.add(k) }
        }
        return v
      },
      invalidate: () => { for (const t of ['hot']) { const s = index.get(t); if (!s) continue; for (const k of s) data.delete(k); index.delete(t) } },
    })
  }
  {
    const unavailable = api ? '' : missing
    list.push({
      name: 'fncache', note: `memory({ max: ${2 * N} }); tags: (r, n) => n < ${HOT} ? ['hot'] : []; await invalidateTags(['hot'])`, async: false,
      build: (f) => {
        if (!api) throw new Skip(unavailable)
        useMemory(api, { max: 2 * N, policy: 'lru' })
        return api.cached(f, { id: fid('tagged'), tags: (_r: number, n: number) => tagsOf(n) })
      },
      invalidate: () => api!.invalidateTags(['hot']),
      invalidateAlt: api?.invalidateTagsSync ? { label: 'invalidateTagsSync', run: () => api.invalidateTagsSync!(['hot']) } : undefined,
    })
  }
  {
    const cache = new Cacheable({ tags: true })
    list.push({
      name: 'cacheable', note: "new Cacheable({ tags: true }); get, else set(k, v, { tags }); cache.tags.invalidateTags(['hot'])", async: true,
      build: (f) => async (n) => {
        const k = '' + n
        let v = await cache.get<number>(k)
        if (v === undefined) { v = f(n); const tags = tagsOf(n); await cache.set(k, v, tags.length ? { tags } : undefined) }
        return v
      },
      invalidate: () => cache.tags.invalidateTags(['hot']),
    })
  }
  {
    const bento = new BentoCache({ default: 'm', stores: { m: bentostore().useL1Layer(memoryDriver({ maxItems: 2 * N })) } })
    list.push({
      name: 'bentocache', note: "L1 memory driver; getOrSet({ key, factory, tags }); deleteByTag({ tags: ['hot'] })", async: true,
      build: (f) => (n) => bento.getOrSet({ key: '' + n, factory: () => f(n), tags: tagsOf(n) }),
      invalidate: () => bento.deleteByTag({ tags: ['hot'] }),
      teardown: () => bento.disconnectAll(),
    })
  }
  {
    const cache: any = createAcd({ ttl: 3600, storage: { type: 'memory', options: { size: 2 * N, invalidation: true } } })
    list.push({
      name: 'async-cache-dedupe', note: "memory storage, invalidation: true; references: (n) => tags; invalidateAll(['hot'])", async: true,
      build: (f) => {
        cache.define('tagged', { references: (args: number) => { const t = tagsOf(args); return t.length ? t : null } }, async (n: number) => f(n))
        return (n) => cache.tagged(n)
      },
      invalidate: () => cache.invalidateAll(['hot']),
    })
  }
  return list
}

const SYNC_BODY = `
const len = data.length
let s = 0, j = st.j
for (let i = 0; i < n; i++) { s += fn(data[j]); if (++j === len) j = 0 }
st.j = j
return s`
const ASYNC_BODY = `
const len = data.length
let s = 0, j = st.j
for (let i = 0; i < n; i++) { s += await fn(data[j]); if (++j === len) j = 0 }
st.j = j
return s`

interface Live { s: Subject; read: Read; u: ReturnType<typeof counter<[number], number>>; error?: string; firstMs?: number; repeatMs: number[]; altMs: number[]; fillS: number }

/**
 * Times one call (awaited). No GC before it: after a full GC of this big heap (five caches of
 * 100,000 entries) V8 sweeps lazily, and the first allocations of the timed call would pay for it.
 */
async function timeMs(f: () => unknown): Promise<number> {
  const t0 = performance.now()
  const r = f()
  if (r instanceof Promise) await r
  return performance.now() - t0
}

async function readAll(l: Live, from: number, to: number): Promise<void> {
  for (let n = from; n < to; n++) { const v = await l.read(n); check(v === value(n), `wrong value for ${n}: ${v}`) }
}

const scenario: Scenario = {
  id: '7',
  title: 'tag invalidation',
  async run() {
    // the reads: 2,000 of the other 99,000 entries, spread over the whole key range. A small set stays
    // in the CPU caches, so the ratio measures the cache's own work rather than memory stalls,
    // which on a shared 2-core machine swing with whatever else runs
    const others = Array.from({ length: READS }, (_, i) => HOT + ((i * 7_919 * 49) % (N - HOT)))
    const lives: Live[] = []
    const failed: Row[] = []
    for (const s of await subjects()) {
      const u = counter(value)
      try {
        const read = await s.build(u.fn)
        const l: Live = { s, read, u, repeatMs: [], altMs: [], fillS: 0 }
        const t0 = performance.now()
        await readAll(l, 0, N)
        l.fillS = (performance.now() - t0) / 1000
        check(u.calls === N, `filling ${N} keys made ${u.calls} calls`)
        lives.push(l)
      } catch (e) {
        failed.push({ name: s.name, reference: s.reference, note: s.note, error: e instanceof Skip ? 'skipped: ' + e.message : errText(e) })
      }
    }
    // Reads before vs after are two phases in time, and this machine's load changes between them.
    // So each contender is measured on its own, back to back, interleaved with a control: an
    // independent Map of the same 100,000 entries that is never invalidated (awaited too when the
    // contender is async). The control's own before/after ratio is printed as a noise gauge: far
    // from 1.00 means the machine was too busy for that row's slowdown to mean much. (Dividing by
    // it was tried: the noise is per round, not per phase, so the division only added noise.)
    const control = new Map<string, number>()
    for (let n = 0; n < N; n++) control.set('' + n, value(n))
    const controlRead: Read = (n) => control.get('' + n)!
    const phase = async (l: Live, label: string, rounds: number) => {
      const res = await throughput({
        id: `7-${label}`, title: label, data: others, async: l.s.async, body: l.s.async ? ASYNC_BODY : SYNC_BODY,
        rounds, roundMs: 60,
        contenders: [
          { name: 'control', setup: () => controlRead },
          { name: l.s.name, expectCalls: 'none', calls: () => l.u.calls, setup: () => l.read },
        ],
      })
      const [c, x] = res.rows
      if (x.error || c.error) throw new Error(`${label}: ${x.error ?? c.error}`)
      return { ops: x.ops!, control: c.ops!, best: Math.max(...x.samples!) }
    }
    type Phase = Awaited<ReturnType<typeof phase>>
    const before = new Map<string, Phase>(), after = new Map<string, Phase>()
    // let the GC finish with the fills' garbage (500,000 entries) before anything is timed:
    // otherwise its concurrent sweeping lands in the first contender's "before" phase
    fullGc()
    await new Promise((r) => setTimeout(r, 500))
    for (const l of lives) {
      try {
        await phase(l, 'warm-up', 1) // the first phase after a big fill runs slow (JIT, GC of the fill's garbage)
        before.set(l.s.name, await phase(l, 'before any invalidation', 9))
        l.firstMs = await timeMs(() => l.s.invalidate())
        after.set(l.s.name, await phase(l, 'after invalidating hot', 9))
      } catch (e) { l.error = errText(e) }
    }
    for (const l of lives) {
      if (l.error) continue
      try {
        // every hot key is now a miss, exactly once; other entries are still hits
        const c0 = l.u.calls
        await readAll(l, 0, HOT)
        check(l.u.calls - c0 === HOT, `after the invalidation, ${l.u.calls - c0} of ${HOT} hot keys were misses (want all)`)
        const c1 = l.u.calls
        await readAll(l, HOT, HOT + 2_000)
        check(l.u.calls === c1, `${l.u.calls - c1} of 2,000 entries without the tag were lost`)
        for (let r = 0; r < REPEAT; r++) {
          const alt = l.s.invalidateAlt && r % 2 === 1
          const ms = await timeMs(() => (alt ? l.s.invalidateAlt!.run() : l.s.invalidate()))
          ;(alt ? l.altMs : l.repeatMs).push(ms)
          const c = l.u.calls
          await readAll(l, 0, HOT) // refill the hot keys (and check they were invalidated)
          check(l.u.calls - c === HOT, `repeat ${r + 1}: ${l.u.calls - c} of ${HOT} hot keys were misses after the invalidation (want all)`)
        }
      } catch (e) { l.error = errText(e) }
    }
    for (const l of lives) { try { await l.s.teardown?.() } catch { /* ignore */ } }
    const rows: Row[] = [...lives.map((l): Row => {
      if (l.error) return { name: l.s.name, reference: l.s.reference, note: l.s.note, error: l.error }
      const b = before.get(l.s.name)!.ops, a = after.get(l.s.name)!.ops
      const drift = before.get(l.s.name)!.control / after.get(l.s.name)!.control
      return {
        name: l.s.name, reference: l.s.reference, note: l.s.note, ops: Number(l.firstMs!.toFixed(3)),
        raw: { 'repeat ms': l.repeatMs.map((x) => Number(x.toFixed(3))), 'sync variant ms': l.altMs.map((x) => Number(x.toFixed(3))) },
        extra: {
          'repeat ms (median)': Number(median(l.repeatMs).toFixed(3)),
          'sync variant ms': l.altMs.length ? Number(median(l.altMs).toFixed(3)) : '-',
          'reads before /s': fmt(b), 'reads after /s': fmt(a), 'slowdown after': Number((b / a).toFixed(2)),
          'slowdown (best rounds)': Number((before.get(l.s.name)!.best / after.get(l.s.name)!.best).toFixed(2)),
          'control': Number(drift.toFixed(2)),
          'fill s': Number(l.fillS.toFixed(2)),
        },
      }
    }), ...failed]
    const order = ['Map + tag index', 'fncache', 'cacheable', 'bentocache', 'async-cache-dedupe']
    rows.sort((x, y) => order.indexOf(x.name) - order.indexOf(y.name))
    return [{
      id: '7', title: `tag invalidation: 1 tag over ${HOT.toLocaleString('en')} of ${N.toLocaleString('en')} entries`, unit: 'first ms', reference: 'Map + tag index', rows,
      notes: [
        `first ms: one invalidation of 'hot' right after the fill; repeat ms: median of ${REPEAT} more, each after re-reading the 1,000 hot keys (fncache alternates invalidateTags / invalidateTagsSync, ${REPEAT / 2} each)`,
        'reads: get-or-compute of 2,000 of the other 99,000 keys, spread over the key range (all hits), 9 rounds x ~60 ms per phase, each contender alone with the control; slowdown after = median reads before / median reads after (fncache target <= 1.2); slowdown (best rounds) = best round before / best round after; control = the same before/after ratio for a Map that is never invalidated, interleaved with that contender: a noise gauge, ideally 1.00',
        'cache-manager has no tag API (its cacheable layer does: the cacheable row)',
      ],
    }]
  },
}
export default scenario

function fmt(x: number): string { return x >= 1e6 ? (x / 1e6).toFixed(2) + ' M' : (x / 1e3).toFixed(0) + ' k' }
