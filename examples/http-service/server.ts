// A node:http service: GET /products/<id> goes through the cached loader, GET /metrics serves
// fncache's counters in the Prometheus text format, POST /invalidate/<tag> invalidates.
//   PORT=3000 node server.js
import { createServer, type Server } from 'node:http'
import { fileURLToPath } from 'node:url'
import { invalidateTags, metrics } from 'fncache.macro'
import { loadProduct } from './catalog.js'

export function createService(): Server {
  return createServer(async (req, res) => {
    try {
      const url = new URL(req.url ?? '/', 'http://localhost')
      const product = /^\/products\/(\d+)$/.exec(url.pathname)
      if (req.method === 'GET' && product) {
        res.setHeader('content-type', 'application/json')
        res.end(JSON.stringify(await loadProduct(Number(product[1]))))
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
  const port = Number(process.env.PORT ?? 3000)
  createService().listen(port, () => console.log(`listening on http://localhost:${port} (GET /products/<id>, GET /metrics)`))
}
