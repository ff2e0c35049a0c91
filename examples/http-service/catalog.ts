// The service's data loaders: a slow "database" read cached in memory for a minute per product
// id, and a slower reviews call cached on disk (a file backend) for five minutes.
import cached from 'fncache.macro'

export const dbReads = { n: 0 }

export const loadProduct = cached(async (id: number) => {
  dbReads.n++
  await new Promise((resolve) => setTimeout(resolve, 15)) // the database round trip
  return { id, name: `product ${id}`, price: 100 + (id % 17) }
}, { ttl: '1m', tags: ['products', 'product:{id}'] })

export const loadReviews = cached(async (id: number) => {
  await new Promise((resolve) => setTimeout(resolve, 40)) // a remote reviews service
  return { id, stars: 1 + (id % 5), count: (id * 37) % 200 }
}, { ttl: '5m', tags: ['reviews', 'product:{id}'], backend: 'disk' })
