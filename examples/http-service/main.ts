// Starts the service on a free port, runs the load script against it, prints the hit rate round
// by round, a few /metrics lines, the time the cache saved and the product page's query count
// without and with batching, then stops.
import { rmSync } from 'node:fs'
import type { AddressInfo } from 'node:net'
import { metrics } from 'fncache.macro'
import { dbReads } from './catalog.js'
import { load } from './load.js'
import { db } from './page.js'
import { createService, useDisk } from './server.js'

const dir = useDisk()
const server = createService()
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
try {
  const rates = await load(base)
  console.log(`database reads: ${dbReads.n} for ${rates.length * 80} requests; hit rate ${rates.map((r) => `${Math.round(r * 100)}%`).join(' -> ')}`)
  const text = await (await fetch(`${base}/metrics`)).text()
  console.log('GET /metrics (excerpt):')
  for (const line of text.split('\n').filter((l) => /^fncache_(hits|misses|time_saved_seconds)_total\{/.test(l))) console.log(`  ${line}`)
  // Time saved: each hit valued at the function's mean run time on misses.
  const m = metrics()
  console.log(`time saved: ${m.timeSaved.toFixed(2)} s in total`)
  for (const [id, f] of Object.entries(m.functions).sort((a, b) => b[1].timeSaved - a[1].timeSaved)) {
    console.log(`  ${id}: ${f.timeSaved.toFixed(2)} s (${f.hits} hits x ${(f.missLatency.mean * 1000).toFixed(1)} ms mean miss; p99 ${(f.missLatency.p99 * 1000).toFixed(1)} ms)`)
  }
  if (!(rates[rates.length - 1]! > rates[0]!)) process.exitCode = 1
  // The product page, cold, without and with the batched loader (different products, so both miss).
  for (const [label, batch, id] of [['one query per product', 0, 1000], ['batched (cached.batch)', 1, 2000]] as const) {
    const before = db.queries
    const t0 = performance.now()
    await (await fetch(`${base}/page/${id}?batch=${batch}`)).json()
    const n = db.queries - before
    console.log(`product page, cold, ${label}: ${n} database ${n === 1 ? 'query' : 'queries'} in ${(performance.now() - t0).toFixed(0)} ms`)
  }
} finally {
  server.close()
  rmSync(dir, { recursive: true, force: true })
}
