// One soak process: a mixed workload of reads, refreshes, key and tag invalidations over three
// cached functions (memory with evictions, a shared file directory, a shared Redis), checking on
// every read that no value is served after its tag's invalidation resolved. Prints one JSON line.
//
// The check: a value carries `g`, the tag's generation read as the function returns. An
// invalidator increments the generation, awaits invalidateTags(), then publishes it as resolved.
// A read that starts after generation R resolved must get g >= R (memory: in-process, exact), or
// g >= R - 1 on shared backends (g = R - 1 is a write that was in flight while invalidation R ran:
// counted as an overlap, reported, not a violation).

import { setImmediate as yieldLoop } from 'node:timers/promises'
import { Redis } from 'ioredis'
import { cached, configure, invalidateTags, memory, metrics } from '../runtime/index.js'
import { file } from '../runtime/backends/file/index.js'
import { redis } from '../runtime/backends/redis/index.js'

const env = (k: string) => process.env[k] ?? ''
const ID = env('SOAK_ID')
const DURATION = Number(env('SOAK_MS'))
const WARMUP = Math.min(DURATION * 0.3, 15_000)
const gc = (globalThis as { gc?: () => void }).gc ?? (() => {})

const errors: string[] = []
const note = (what: string, e: unknown) => { if (errors.length < 20) errors.push(`${what}: ${String((e as Error)?.stack ?? e).split('\n').slice(0, 3).join(' | ')}`) }
configure({
  backends: {
    mem: memory({ max: 300 }),
    disk: file({ dir: env('SOAK_DIR'), maxEntries: 400, pruneInterval: 1000 }),
    shared: redis({ url: env('REDIS_URL'), namespace: 'soak', commandTimeout: 5000 }),
  },
  onError: (e, ctx) => note(`onError ${JSON.stringify(ctx)}`, e),
})
const coord = new Redis(env('REDIS_URL'))
const RAISE = "local c = tonumber(redis.call('GET', KEYS[1]) or '0'); if tonumber(ARGV[1]) > c then redis.call('SET', KEYS[1], ARGV[1]) end; return 1"

type B = 'mem' | 'disk' | 'shared'
const BACKENDS: B[] = ['mem', 'disk', 'shared']
const TAGS = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h']
const localGen = new Map<string, number>()
const localResolved = new Map<string, number>()
const gen = async (b: B, tag: string) => b === 'mem' ? localGen.get(tag) ?? 0 : Number(await coord.get(`g:${b}:${tag}`) ?? 0)
const resolved = async (b: B, tag: string) => b === 'mem' ? localResolved.get(tag) ?? 0 : Number(await coord.get(`r:${b}:${tag}`) ?? 0)

let seq = 0
const fns = Object.fromEntries(BACKENDS.map((b) => [b, cached(async function soaked(tag: string, k: number) {
  await yieldLoop()
  const g = await gen(b, tag)
  return { g, k, tag, w: ID, n: ++seq, pad: 'x'.repeat(64) }
}, { id: `soak#${b}`, backend: b, ttl: 3000, tags: (_r: unknown, tag: string) => [`${b}:${tag}`] })])) as Record<B, ((tag: string, k: number) => Promise<{ g: number; k: number; tag: string }>) & { refresh(tag: string, k: number): Promise<unknown>; invalidate(tag: string, k: number): Promise<boolean> }>

const stats = { ops: 0, reads: 0, invalidations: 0, violations: 0, overlaps: 0, thrown: 0 }
const samples: string[] = []
const pick = <T>(xs: readonly T[]) => xs[Math.floor(Math.random() * xs.length)]!

async function step(): Promise<void> {
  const b = pick(BACKENDS)
  const tag = pick(TAGS)
  const k = Math.floor(Math.random() * 60)
  const roll = Math.random()
  if (roll < 0.85) {
    const R = await resolved(b, tag)
    const v = await fns[b](tag, k)
    stats.reads++
    const floor = b === 'mem' ? R : R - 1
    if (v.g < floor) {
      stats.violations++
      if (samples.length < 10) samples.push(`${b} ${tag}/${k}: served g=${v.g} after generation ${R} resolved (${JSON.stringify(v).slice(0, 120)})`)
    } else if (v.g < R) stats.overlaps++
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
      await invalidateTags([`${b}:${tag}`])
      await coord.eval(RAISE, 1, `r:${b}:${tag}`, G)
    }
  } else {
    await fns[b].invalidate(tag, k)
  }
  stats.ops++
}

const started = Date.now()
let heapBase = 0
const workers = Array.from({ length: 8 }, async () => {
  while (Date.now() - started < DURATION) {
    try {
      await step()
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
  id: ID, ...stats, heapBase, heapEnd, growth: heapBase ? (heapEnd - heapBase) / heapBase : 0,
  hits: m.hits, misses: m.misses, evictions: m.evictions, errorsCounted: m.errors, errors, samples,
}))
await coord.quit()
process.exit(0)
