// Scenario 5: retained bytes per entry at 100,000 entries. Each contender is measured in a fresh
// child process (this file run with `--child NAME`, same node flags as the parent), so every
// measurement starts from a clean heap: gc, snapshot, build the cache and fill keys 0..99,999
// with values `{ id: i }` made by the cached function, settle, gc, snapshot. Bytes per entry =
// (heapUsed + arrayBuffers) delta / 100,000 (typed-array backing stores live outside heapUsed).
// Each contender runs REPS times in alternating order; the median is reported.
import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { type Row, type Scenario, Skip, errText, median, same } from '../harness.js'

const N = 100_000
const REPS = Number(process.env.BENCH_MEMORY_REPS ?? 3)
const PARALLEL = 2
const me = fileURLToPath(import.meta.url)

type User = { id: number }
interface Subject {
  note: string
  /** Builds a cache around `f`; returns its get-or-compute function and, if known, its entry count. */
  build(f: (i: number) => User | Promise<User>, max: number): Promise<Built>
}
type Built = { fn: (i: number) => unknown; size?: () => number }

/** The contenders, by name. Imports are dynamic so a child loads only its own library. */
const subjects: Record<string, () => Promise<Subject>> = {
  'lru-cache, hand-built key': async () => {
    const { LRUCache } = await import('lru-cache')
    return {
      note: "max 100000; get, else set('' + i, value)",
      async build(f, max) {
        const lru = new LRUCache<string, User>({ max })
        return { fn: (i) => { const k = '' + i; let v = lru.get(k); if (v === undefined) { v = f(i) as User; lru.set(k, v) } return v }, size: () => lru.size }
      },
    }
  },
  'lru-cache, number key': async () => {
    const { LRUCache } = await import('lru-cache')
    return {
      note: 'max 100000; get, else set(i, value): no key strings at all',
      async build(f, max) {
        const lru = new LRUCache<number, User>({ max })
        return { fn: (i) => { let v = lru.get(i); if (v === undefined) { v = f(i) as User; lru.set(i, v) } return v }, size: () => lru.size }
      },
    }
  },
  'Map, number key': async () => {
    return {
      note: 'unbounded; number keys',
      async build(f, max) {
        const m = new Map<number, User>()
        return { fn: (i) => { let v = m.get(i); if (v === undefined) { v = f(i) as User; m.set(i, v) } return v }, size: () => m.size }
      },
    }
  },
  'cache-manager': async () => {
    const { createCache } = await import('cache-manager')
    return {
      note: "createCache() defaults (Keyv over a Map); wrap('' + i)",
      async build(f, max) { const c = createCache(); return { fn: (i) => c.wrap('' + i, () => f(i)) } },
    }
  },
  'cache-manager, CacheableMemory': async () => {
    const { createCache } = await import('cache-manager')
    const { createKeyv } = await import('cacheable')
    return {
      note: "createKeyv({ lruSize: 100000 }); wrap('' + i)",
      async build(f, max) { const c = createCache({ stores: [createKeyv({ lruSize: max })] }); return { fn: (i) => c.wrap('' + i, () => f(i)) } },
    }
  },
  'async-cache-dedupe': async () => {
    const { createCache } = await import('async-cache-dedupe')
    return {
      note: 'memory storage size 100000, ttl 3600 s; define()',
      async build(f, max) {
        const c: any = createCache({ ttl: 3600, storage: { type: 'memory', options: { size: max } } })
        c.define('getUser', async (i: number) => f(i))
        return { fn: (i) => c.getUser(i) }
      },
    }
  },
  'bentocache': async () => {
    const { BentoCache, bentostore } = await import('bentocache')
    const { memoryDriver } = await import('bentocache/drivers/memory')
    return {
      note: "L1 memoryDriver({ maxItems: 100000 }); getOrSet('' + i)",
      async build(f, max) {
        const b = new BentoCache({ default: 'm', stores: { m: bentostore().useL1Layer(memoryDriver({ maxItems: max })) } })
        return { fn: (i) => b.getOrSet({ key: '' + i, factory: () => f(i) }) }
      },
    }
  },
  'fncache (sync fn)': async () => {
    const { loadFncache, useMemory } = await import('../fncache.js')
    const { api, missing } = await loadFncache()
    if (!api) throw new Skip(missing)
    return {
      note: 'memory({ max: 100000 }); cached((i) => ({ id: i }))',
      async build(f, max) { useMemory(api, { max, policy: 'lru' }); return { fn: api.cached(f, { id: 'bench#mem' }) } },
    }
  },
  'fncache (async fn)': async () => {
    const { loadFncache, useMemory } = await import('../fncache.js')
    const { api, missing } = await loadFncache()
    if (!api) throw new Skip(missing)
    return {
      note: 'memory({ max: 100000 }); cached(async (i) => ({ id: i }))',
      async build(f, max) { useMemory(api, { max, policy: 'lru' }); return { fn: api.cached(async (i: number) => f(i), { id: 'bench#memAsync' }) } },
    }
  },
}
const REFERENCE = 'lru-cache, hand-built key'

const settle = async () => { for (let k = 0; k < 3; k++) await new Promise((r) => setTimeout(r, 5)) }
const gcAll = () => { const gc = (globalThis as any).gc; for (let k = 0; k < 4; k++) gc() }

/** Child side: measure one contender, print one JSON line. */
async function child(name: string) {
  try {
    if (typeof (globalThis as any).gc !== 'function') throw new Error('needs --expose-gc')
    const subject = await subjects[name]()
    let calls = 0
    const f = (i: number): User => { calls++; return { id: i } }
    // warm the library's code paths (lazy compilation, module state) on a small instance that is
    // dropped before the first snapshot, so neither its code nor its entries are counted
    {
      const warm = await subject.build(f, 256)
      for (let i = 0; i < 100; i++) await warm.fn(N + i)
    }
    calls = 0
    await settle(); gcAll()
    const m0 = process.memoryUsage()
    const built = await subject.build(f, N)
    const fn = built.fn
    for (let i = 0; i < N; i++) { const r = fn(i); if (r instanceof Promise) await r }
    await settle(); gcAll()
    const m1 = process.memoryUsage()
    // validation: all N entries are present (sampled reads are hits) and values are right
    if (calls !== N) throw new Error(`filling made ${calls} underlying calls, want ${N}`)
    for (const i of [0, 1, 2, 777, 50_000, N - 2, N - 1]) {
      const v = await fn(i)
      if (!same(v, { id: i })) throw new Error(`wrong value for ${i}: ${JSON.stringify(v)}`)
    }
    if (calls !== N) throw new Error(`${calls - N} sampled reads were misses: entries were evicted or never stored`)
    const size = built.size?.()
    if (size !== undefined && size < N) throw new Error(`holds ${size} entries, want ${N}`)
    const heap = (m1.heapUsed - m0.heapUsed) / N, ab = (m1.arrayBuffers - m0.arrayBuffers) / N
    console.log('RESULT ' + JSON.stringify({ heap, ab, total: heap + ab, note: subject.note, keep: typeof built }))
  } catch (e) {
    console.log('RESULT ' + JSON.stringify({ error: e instanceof Skip ? 'skipped: ' + e.message : errText(e) }))
  }
}

function spawnChild(name: string): Promise<any> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, [...process.execArgv, me, '--child', name], { stdio: ['ignore', 'pipe', 'pipe'] })
    let out = '', err = ''
    p.stdout.on('data', (d) => { out += d })
    p.stderr.on('data', (d) => { err += d })
    p.on('close', (code) => {
      const line = out.split('\n').find((l) => l.startsWith('RESULT '))
      if (line) resolve(JSON.parse(line.slice(7)))
      else resolve({ error: `child exited ${code}: ${(err || out).trim().split('\n').slice(-3).join(' | ')}` })
    })
  })
}

const scenario: Scenario = {
  id: '5',
  title: 'retained bytes per entry',
  async run() {
    const names = Object.keys(subjects)
    const got: Record<string, any[]> = Object.fromEntries(names.map((n) => [n, []]))
    // two children at a time (2 cores; each child's heap is its own, so they do not disturb
    // each other's figures), REPS runs per contender, alternating the order
    const queue: string[] = []
    for (let r = 0; r < REPS; r++) queue.push(...(r % 2 ? [...names].reverse() : names))
    await Promise.all(Array.from({ length: PARALLEL }, async () => {
      for (let n = queue.shift(); n !== undefined; n = queue.shift()) {
        if (got[n].some((x) => x.error)) continue
        got[n].push(await spawnChild(n))
      }
    }))
    const refTotal = median(got[REFERENCE].filter((x) => !x.error).map((x) => x.total))
    const rows: Row[] = names.map((n) => {
      const err = got[n].find((x) => x.error)
      if (err) return { name: n, reference: n === REFERENCE, error: err.error }
      const total = median(got[n].map((x) => x.total))
      return {
        name: n, reference: n === REFERENCE, ops: Number(total.toFixed(1)), ratio: total / refTotal, note: got[n][0].note,
        extra: {
          heap: Number(median(got[n].map((x) => x.heap)).toFixed(1)),
          arrayBuffers: Number(median(got[n].map((x) => x.ab)).toFixed(1)),
          'runs (total)': got[n].map((x) => x.total.toFixed(0)).join(' '),
        },
      }
    })
    return [{
      id: '5', title: `retained bytes per entry at ${N.toLocaleString('en')} entries (lower is better)`, unit: 'bytes/entry', reference: REFERENCE, rows,
      notes: [
        `each figure: a fresh child process per run, gc() x4 before and after, (heapUsed + arrayBuffers) delta / ${N.toLocaleString('en')}; median of ${REPS} runs, two children at a time`,
        "keys 0..99,999 (string-keyed stores get '' + i, or build it from i themselves); every value is { id: i } made by the cached function (its ~32 bytes are in every row); the cache is built after the first snapshot, so preallocation counts",
        'ratio = bytes / reference bytes (lower is better)',
      ],
    }]
  },
}
export default scenario

if (process.argv[2] === '--child' || process.argv.includes('--child')) await child(process.argv[process.argv.indexOf('--child') + 1])
