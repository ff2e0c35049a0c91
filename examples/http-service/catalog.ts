// The service's data loader: a slow "database" read, cached for a minute per product id.
import cached from 'fncache.macro'

export const dbReads = { n: 0 }

export const loadProduct = cached(async (id: number) => {
  dbReads.n++
  await new Promise((resolve) => setTimeout(resolve, 15)) // the database round trip
  return { id, name: `product ${id}`, price: 100 + (id % 17) }
}, { ttl: '1m', tags: ['products', 'product:{id}'] })
