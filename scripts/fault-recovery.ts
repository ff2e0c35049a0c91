// A fault run (not part of `npm test`): a cached async function on a real redis-server, the server
// killed for N seconds (default 20) while callers keep calling every 20 ms, then restarted. Prints
// how long after the restart the first cache hit came, and how many backend reads (probes
// included) reached the server while it was down. Figures are wall time: run on a quiet machine.
// Usage: node --conditions=fncache-source --import tsx scripts/fault-recovery.ts [outageSeconds]
import { cached, configure } from '../runtime/index.js'
import { redis } from '../runtime/backends/redis/index.js'
import { G } from '../runtime/global.js'
import { startRedis } from '../tests/helpers/redis-server.js'

const outageS = Number(process.argv[2] ?? 20)
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))
const server = await startRedis()
const b = redis({ url: server.url, namespace: `rec${process.pid}` })
let gets = 0
const get = b.get.bind(b)
b.get = (k) => { gets++; return get(k) }
configure({ now: Date.now, backends: { default: b }, onError: () => {} })
const f = cached(async (n: number) => n * 2, { id: 'recovery' })
for (let i = 0; i < 10; i++) await f(i)
await f(1)
const hits0 = f.stats().hits
await server.kill()
const downAt = Date.now()
const getsBefore = gets
const breaker = G.breakers.get(b)!
const probesBefore = breaker.probes
while (Date.now() - downAt < outageS * 1000) { await f(1); await sleep(20) }
const probes = breaker.probes - probesBefore
const reads = gets - getsBefore
await server.start()
const upAt = Date.now()
let hits = f.stats().hits
while (f.stats().hits === hits && Date.now() - upAt < 60_000) { hits = f.stats().hits; await f(1); if (f.stats().hits > hits) break; await sleep(20) }
const firstHitMs = Date.now() - upAt
console.log(JSON.stringify({ outageS, firstHitAfterRestartMs: firstHitMs, probesWhileDown: probes, readsWhileDown: reads, hitsBefore: hits0 }))
await b.close()
await server.stop()
