// Starts the service on a free port, runs the load script against it, prints the hit rate round
// by round and a few /metrics lines, then stops.
import type { AddressInfo } from 'node:net'
import { dbReads } from './catalog.js'
import { load } from './load.js'
import { createService } from './server.js'

const server = createService()
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
try {
  const rates = await load(base)
  console.log(`database reads: ${dbReads.n} for ${rates.length * 80} requests; hit rate ${rates.map((r) => `${Math.round(r * 100)}%`).join(' -> ')}`)
  const text = await (await fetch(`${base}/metrics`)).text()
  console.log('GET /metrics (excerpt):')
  for (const line of text.split('\n').filter((l) => /^fncache_(hits|misses)_total\{/.test(l))) console.log(`  ${line}`)
  if (!(rates[rates.length - 1]! > rates[0]!)) process.exitCode = 1
} finally {
  server.close()
}
