// A node:http service: GET /products/<id> and /products/<id>/reviews go through the cached
// loaders, GET /page/<id> is the product page (a batched loader; ?batch=0: one query per product), GET /metrics serves fncache's metrics in the Prometheus text format (what
// `fncache top --url http://127.0.0.1:<port>/metrics` reads), POST /invalidate/<tag> invalidates.
//   PORT=3000 node server.js
import { createServer, type Server } from 'node:http'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { configure, invalidateTags, metrics } from 'fncache.macro'
import { file } from 'fncache.macro/file'
import { loadProduct, loadReviews } from './catalog.js'
import { productPage } from './page.js'

/** Registers the file backend of the reviews under `dir` (a fresh temporary directory by default). */
export function useDisk(dir = mkdtempSync(join(tmpdir(), 'fncache-http-service-'))): string {
  configure({ backends: { disk: file({ dir }) } })
  return dir
}

export function createService(): Server {
  return createServer(async (req, res) => {
    try {
      const url = new URL(req.url ?? '/', 'http://localhost')
      const product = /^\/products\/(\d+)(\/reviews)?$/.exec(url.pathname)
      const page = /^\/page\/(\d+)$/.exec(url.pathname)
      if (req.method === 'GET' && page) {
        // ?batch=0 loads the page's products one query each (to compare).
        res.setHeader('content-type', 'application/json')
        res.end(JSON.stringify(await productPage(Number(page[1]), url.searchParams.get('batch') !== '0')))
      } else if (req.method === 'GET' && product) {
        res.setHeader('content-type', 'application/json')
        const id = Number(product[1])
        res.end(JSON.stringify(product[2] ? await loadReviews(id) : await loadProduct(id)))
      } else if (req.method === 'GET' && url.pathname === '/metrics') {
        res.setHeader('content-type', 'text/plain; version=0.0.4; charset=utf-8')
        res.end(metrics.prometheus())
      } else if (req.method === 'POST' && url.pathname.startsWith('/invalidate/')) {
        const removed = await invalidateTags([decodeURIComponent(url.pathname.slice('/invalidate/'.length))])
        res.end(JSON.stringify({ removed }))
      } else {
        res.statusCode = 404
        res.end('not found\n')
      }
    } catch (error) {
      res.statusCode = 500
      res.end(String(error))
    }
  })
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const dir = useDisk()
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => { rmSync(dir, { recursive: true, force: true }); process.exit(0) })
  const server = createService()
  server.listen(Number(process.env.PORT ?? 3000), '127.0.0.1', () => {
    const { port } = server.address() as { port: number }
    console.log(`listening on http://127.0.0.1:${port} (GET /products/<id>, GET /products/<id>/reviews, GET /page/<id>, GET /metrics)`)
  })
}
