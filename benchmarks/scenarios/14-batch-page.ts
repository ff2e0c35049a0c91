// Scenario 14: the http-service example's product page (examples/http-service/page.ts: a product
// and 24 related ones over a database pool of 4 connections), cold: every round clears both
// loaders, then GETs /page/<id> over real HTTP once with a per-id cached loader (25 queries) and
// once with cached.batch (1 query). Median wall time per cold page; target (issue 19): batched
// at most 0.3x of unbatched. No peers: fncache against itself.
import type { AddressInfo } from 'node:net'
import { type Row, type Scenario, errText, median } from '../harness.js'

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 11) * 2

const scenario: Scenario = {
  id: '14',
  title: 'batched misses',
  async run() {
    const rows: Row[] = []
    const notes = ['ms: median wall time of one cold GET /page/<id> (25 products) over HTTP, both loaders cleared before each round',
      'database: a pool of 4 connections, 10 ms round trip + 0.05 ms per row (examples/http-service/page.ts)',
      'target (issue 19): cached.batch at most 0.3x of the per-id loader']
    try {
      // The example as it runs uncompiled (ids from names); the transform does not change the call path.
      const page = await import('../../examples/http-service/page.js')
      const { createService } = await import('../../examples/http-service/server.js')
      const server = createService()
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
      const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
      const times: Record<'0' | '1', number[]> = { 0: [], 1: [] }
      const queries: Record<'0' | '1', number[]> = { 0: [], 1: [] }
      try {
        for (let round = 0; round < ROUNDS; round++) {
          // Alternate which goes first, so neither always runs on a warmer process.
          for (const batch of (round % 2 ? ['1', '0'] : ['0', '1']) as ('0' | '1')[]) {
            await page.productById.clear()
            await page.productBatched.clear()
            const before = page.db.queries
            const t0 = performance.now()
            const res = await fetch(`${base}/page/${round * 1000}?batch=${batch}`)
            const body = await res.json() as { related: unknown[] }
            const ms = performance.now() - t0
            if (res.status !== 200 || body.related.length !== 24) throw new Error(`GET /page: ${res.status}, ${body.related?.length} related products`)
            // Round 0 warms the JIT and the HTTP connection; it is not counted.
            if (round > 0) { times[batch].push(ms); queries[batch].push(page.db.queries - before) }
          }
        }
      } finally {
        server.close()
      }
      const ref = median(times[0])
      rows.push({ name: 'per-id cached loader', reference: true, ops: ref, ratio: 1, extra: { queries: median(queries[0]) }, note: 'cached(async (id) => ...): one query per product' })
      const b = median(times[1])
      rows.push({ name: 'cached.batch', ops: b, ratio: b / ref, extra: { queries: median(queries[1]) }, note: `maxBatch 100; ${b / ref <= 0.3 ? 'met' : 'MISSED'} (<= 0.3x)` })
    } catch (e) {
      rows.push({ name: 'cached.batch', error: errText(e) })
    }
    return [{ id: '14', title: `batched misses: the http-service product page, cold (${ROUNDS - 1} rounds)`, unit: 'ms', reference: 'per-id cached loader', rows, notes }]
  },
}
export default scenario
