// A price lookup cached in Redis: every process that uses this Redis shares its entries.
import cached from 'fncache.macro'

export const fetched = { n: 0 }

export const getPrice = cached(async (sku: string) => {
  fetched.n++
  await new Promise((resolve) => setTimeout(resolve, 10))
  return { sku, cents: 100 + sku.length }
}, { ttl: '5m', tags: ['prices', 'sku:{sku}'] })
