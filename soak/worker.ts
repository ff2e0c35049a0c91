// One soak process: a mixed workload of reads, refreshes, key and tag invalidations over four
// cached functions (memory with evictions, a shared file directory, a shared Redis, and a tiered
// memory L1 over Redis), checking on every read that no value is served after its tag's
// invalidation resolved. Prints one JSON line. With SOAK_ROLE=cli the process only invalidates
// tags through the CLI's code (`fncache invalidate`, in-process), as an operator would.
//
// The check: a value carries `g`, the tag's generation read as the function runs. An
// invalidator increments the generation, notes when it started, awaits invalidateTags(), then
// publishes the generation as resolved. A read that starts after generation R resolved must get
// g >= R on memory (in-process, exact). On shared backends a smaller g is either a late write (a
// computation in flight in another process while the invalidation ran, stored after it; tag
// stamps refuse these, so the count should be 0 and is reported) or a bug (an entry stored
// before the invalidation started that it failed to remove: a violation). The stored record's
// `created` tells the two apart; a 2 s slack keeps a delayed write from ever passing for a bug.
// Tiered: the record checked is L2's, so an old value kept in an L1 after the invalidation (L1
// holds values, not records) counts as "late" unless L2 still holds that same record: both are
// failures; only the label differs (the one tiered "late write" seen in CI was such an L1 copy).

import { setImmediate as yieldLoop } from 'node:timers/promises'
import { Redis } from 'ioredis'
import { cached, configure, invalidateTags, memory, metrics } from '../runtime/index.js'
import { readRecord } from '../runtime/record.js'
import { file } from '../runtime/backends/file/index.js'
import { redis, tiered } from '../runtime/backends/redis/index.js'
import { main as cli } from '../cli/index.js'

const env = (k: string) => process.env[k] ?? ''
const ID = env('SOAK_ID')
const DURATION = Number(env('SOAK_MS'))
const WARMUP = Math.min(DURATION * 0.3, 15_000)
const gc = (globalThis as { gc?: () => void }).gc ?? (() => {})

const errors: string[] = []
const note = (what: string, e: unknown) => { if (errors.length < 20) errors.push(`${what}: ${String((e as Error)?.stack ?? e).split('\n').slice(0, 3).join(' | ')}`) }
const backends = {
  mem: memory({ max: 300 }),
  disk: file({ dir: env('SOAK_DIR'), maxEntries: 400, pruneInterval: 1000 }),
  shared: redis({ url: env('REDIS_URL'), namespace: 'soak', commandTimeout: 5000 }),
  tier: tiered({ l1: memory({ max: 300 }), l2: redis({ url: env('REDIS_URL'), namespace: 'soakt', commandTimeout: 5000 }) }),
}
await backends.tier.ready
configure({
  backends,
  onError: (e, ctx) => note(`onError ${JSON.stringify(ctx)}`, e),
})
const coord = new Redis(env('REDIS_URL'))
const RAISE = "local c = tonumber(redis.call('GET', KEYS[1]) or '0'); if tonumber(ARGV[1]) > c then redis.call('SET', KEYS[1], ARGV[1]) end; return 1"

type B = 'mem' | 'disk' | 'shared' | 'tier'
const ALL: B[] = ['mem', 'disk', 'shared', 'tier']
/** SOAK_BACKENDS (run.ts --backends): exercise only these; the others stay idle. */
const only = env('SOAK_BACKENDS').split(',').filter((x): x is B => (ALL as string[]).includes(x))
const BACKENDS: B[] = only.length > 0 ? only : ALL
const ROLE = env('SOAK_ROLE') || 'app'
const TAGS = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h']
const localGen = new Map<string, number>()
const localResolved = new Map<string, number>()
const gen = async (b: B, tag: string) => b === 'mem' ? localGen.get(tag) ?? 0 : Number(await coord.get(`g:${b}:${tag}`) ?? 0)
const resolved = async (b: B, tag: string) => b === 'mem' ? localResolved.get(tag) ?? 0 : Number(await coord.get(`r:${b}:${tag}`) ?? 0)

let seq = 0
const fns = Object.fromEntries(ALL.map((b) => [b, cached(async function soaked(tag: string, k: number) {
  await yieldLoop()
  const g = await gen(b, tag)
  return { g, k, tag, w: ID, n: ++seq, pad: 'x'.repeat(64) }
}, { id: `soak#${b}`, backend: b, ttl: 3000, tags: (_r: unknown, tag: string) => [`${b}:${tag}`] })])) as Record<B, ((tag: string, k: number) => Promise<{ g: number; k: number; tag: string }>) & { refresh(tag: string, k: number): Promise<unknown>; invalidate(tag: string, k: number): Promise<boolean> }>

const stats = { ops: 0, reads: 0, invalidations: 0, cliInvalidations: 0, violations: 0, overlaps: 0, overlapsDisk: 0, overlapsShared: 0, thrown: 0 }
/** Per backend: reads, values served after their invalidation resolved (stored before it: bug; or a late write). */
const per = Object.fromEntries(ALL.map((b) => [b, { reads: 0, stale: 0, bug: 0, late: 0 }])) as Record<B, { reads: number; stale: number; bug: number; late: number }>
const SLACK_MS = 2_000

/** When invalidation `g` of a tag started (ms), as the invalidator noted it. */
const startedAt = async (b: B, tag: string, g: number) => Number(await coord.hget(`sa:${b}:${tag}`, String(g)) ?? Infinity)

/** Whether a stale value served from a shared backend is a bug (stored before the invalidation that should have removed it). */
async function storedBeforeInvalidation(b: Exclude<B, 'mem'>, tag: string, k: number, v: { g: number; w?: string; n?: number }): Promise<boolean> {
  const bytes = await backends[b].get(fns[b].key(tag, k))
  const rec = bytes === undefined ? undefined : readRecord(bytes)
  if (rec === undefined || typeof rec === 'symbol') return false
  const stored = rec.value as { w?: string; n?: number }
  if (stored.w !== v.w || stored.n !== v.n) return false // overwritten since: cannot tell, not a bug by evidence
  return rec.created < (await startedAt(b, tag, v.g + 1)) - SLACK_MS
}
const samples: string[] = []
const pick = <T>(xs: readonly T[]) => xs[Math.floor(Math.random() * xs.length)]!

async function step(): Promise<void> {
  // Roles of the 2-reader / 1-writer run: readers only read, the writer only invalidates shared backends.
  const b = ROLE === 'writer' ? pick(BACKENDS.filter((x) => x !== 'mem')) : pick(BACKENDS)
  const tag = pick(TAGS)
  const k = Math.floor(Math.random() * 60)
  const roll = ROLE === 'reader' ? 0 : ROLE === 'writer' ? 0.9 + Math.random() * 0.04 : Math.random()
  if (roll < 0.85) {
    const R = await resolved(b, tag)
    const v = await fns[b](tag, k)
    stats.reads++
    per[b].reads++
    if (v.g < R) {
      per[b].stale++
      if (b === 'mem' || await storedBeforeInvalidation(b, tag, k, v as never)) {
        stats.violations++
        per[b].bug++
        if (samples.length < 10) samples.push(`${b} ${tag}/${k}: served g=${v.g} after generation ${R} resolved (${JSON.stringify(v).slice(0, 120)})`)
      } else {
        stats.overlaps++
        per[b].late++
        if (b === 'disk') stats.overlapsDisk++
        else stats.overlapsShared++
      }
    }
  } else if (roll < 0.9) {
    await fns[b].refresh(tag, k)
  } else if (roll < 0.94) {
    stats.invalidations++
    if (b === 'mem') {
      const G = (localGen.get(tag) ?? 0) + 1
      localGen.set(tag, G)
      await invalidateTags([`${b}:${tag}`])
      localResolved.set(tag, Math.max(localResolved.get(tag) ?? 0, G))
    } else {
      const G = await coord.incr(`g:${b}:${tag}`)
      await coord.hset(`sa:${b}:${tag}`, String(G), String(Date.now()))
      await invalidateTags([`${b}:${tag}`])
      await coord.eval(RAISE, 1, `r:${b}:${tag}`, G)
    }
  } else {
    await fns[b].invalidate(tag, k)
  }
  stats.ops++
}

/** The CLI process: tag invalidations of the shared backends through `fncache invalidate`. */
async function cliStep(): Promise<void> {
  const b = pick(BACKENDS.filter((x) => x !== 'mem'))
  const tag = pick(TAGS)
  const target = b === 'disk' ? ['--dir', env('SOAK_DIR')] : ['--redis', env('REDIS_URL'), '--namespace', b === 'tier' ? 'soakt' : 'soak']
  const G = await coord.incr(`g:${b}:${tag}`)
  await coord.hset(`sa:${b}:${tag}`, String(G), String(Date.now()))
  const write = process.stdout.write
  process.stdout.write = (() => true) as never
  let code: number
  try {
    code = await cli(['invalidate', ...target, '--tag', `${b}:${tag}`, '--json', '--no-progress'])
  } finally {
    process.stdout.write = write
  }
  if (code !== 0) throw new Error(`fncache invalidate exited ${code}`)
  await coord.eval(RAISE, 1, `r:${b}:${tag}`, G)
  stats.cliInvalidations++
  stats.ops++
  await new Promise((r) => setTimeout(r, 20))
}

const started = Date.now()
let heapBase = 0
const workers = Array.from({ length: ROLE === 'cli' ? 1 : 8 }, async () => {
  while (Date.now() - started < DURATION) {
    try {
      await (ROLE === 'cli' ? cliStep() : step())
    } catch (e) {
      stats.thrown++
      note('a call threw', e)
    }
  }
})
const warm = (async () => {
  await new Promise((r) => setTimeout(r, WARMUP))
  gc(); gc()
  heapBase = process.memoryUsage().heapUsed
})()
await Promise.all([...workers, warm])
gc(); gc()
const heapEnd = process.memoryUsage().heapUsed
const m = metrics()
console.log('SOAK ' + JSON.stringify({
  id: ID, role: ROLE, ...stats, per, heapBase, heapEnd, growth: heapBase ? (heapEnd - heapBase) / heapBase : 0,
  hits: m.hits, misses: m.misses, evictions: m.evictions, errorsCounted: m.errors, errors, samples,
}))
await coord.quit()
await backends.tier.close().catch(() => {})
process.exit(0)
