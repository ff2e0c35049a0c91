// One of the processes of scenario 15: fills its share of the hot keys (so it has timed misses,
// which XFetch weighs), then reads random hot keys as fast as it can past their shared expiry,
// sampling its counters. Prints "ready", starts on a line on stdin, ends with one JSON line.
// Args: redisUrl mode index procs.
import { cached, configure } from '../../../runtime/index.js'
import { redis } from '../../../runtime/backends/redis/index.js'
import { AFTER_MS, KEYS, TTL_MS, COST_MS, READERS } from './params.js'

const [url, mode, index, procs] = process.argv.slice(2)
const me = Number(index)
const n = Number(procs)
// One server, one key prefix per mode: both modes run at once without sharing entries.
const backend = redis({ url: url!, namespace: `xfetch-${mode}` })
configure({ backends: { shared: backend } })

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))
let computations = 0
let reads = 0
const get = cached(async (id: number) => {
  computations++
  await sleep(COST_MS) // the "database"
  return { id, at: Date.now() }
}, { id: 'bench#hot', ttl: TTL_MS, backend: 'shared', ...(mode === 'on' ? { earlyRefresh: process.env.BENCH_XFETCH_BETA ? { beta: Number(process.env.BENCH_XFETCH_BETA) } : true } : {}) })

const samples: [number, number, number, number][] = []
const sample = () => { const s = get.stats(); samples.push([Date.now(), s.misses, s.earlyRefreshes, computations]) }

process.stdout.write('ready\n')
await new Promise((r) => process.stdin.once('data', r))
process.stdin.pause()
const began = Date.now()
const share = Array.from({ length: KEYS / n }, (_, i) => me * (KEYS / n) + i)
await Promise.all(share.map((id) => get(id)))
const filled = Date.now()
const timer = setInterval(sample, 20)
sample()
const stop = filled + TTL_MS + AFTER_MS
await Promise.all(Array.from({ length: READERS }, async () => {
  while (Date.now() < stop) { await get(Math.floor(Math.random() * KEYS)); reads++ }
}))
clearInterval(timer)
sample()
process.stdout.write(JSON.stringify({ filled, reads, fillMs: filled - began, samples }) + '\n')
await backend.close()
