// The product page: a product and the products related to it. Loading each one through a
// per-id cached loader is the N+1 query problem on every cold start (and after every
// invalidation); `cached.batch` turns the misses of one page into one query, each product still
// cached under its own id and tag.
import cached from 'fncache.macro'

interface Product { id: number; name: string; price: number }

/**
 * The database, as a pool of 4 connections: a query waits for a free connection, then takes a
 * round trip plus a little per row. Queries are counted.
 */
export const db = {
  queries: 0,
  free: 4,
  waiting: [] as (() => void)[],
  async products(ids: readonly number[]): Promise<Product[]> {
    db.queries++
    if (db.free === 0) await new Promise<void>((resolve) => db.waiting.push(resolve))
    else db.free--
    try {
      await new Promise((resolve) => setTimeout(resolve, 10 + ids.length * 0.05))
      return ids.map((id) => ({ id, name: `product ${id}`, price: 100 + (id % 17) }))
    } finally {
      const next = db.waiting.shift()
      if (next) next()
      else db.free++
    }
  },
}

/** One query per product: what a page does with a plain per-id cached loader. */
export const productById = cached(async (id: number) => (await db.products([id]))[0], { ttl: '1m', tags: ['page-products', 'product:{id}'] })

/** The same loader, batched: a page's misses are one query (at most 100 ids each). */
export const productBatched = cached.batch(async function productsByIds(ids: readonly number[]) {
  return db.products(ids)
}, { ttl: '1m', tags: ['page-products', 'product:{id}'], maxBatch: 100 })

/** The ids on the page of product `id`: itself and the 24 products related to it. */
export const pageIds = (id: number): number[] => Array.from({ length: 25 }, (_, i) => id + i * 7)

/** The page of product `id`, through one of the loaders above. */
export async function productPage(id: number, batched: boolean) {
  const load = batched ? productBatched : productById
  const [product, ...related] = await Promise.all(pageIds(id).map((p) => load(p)))
  return { product, related }
}
