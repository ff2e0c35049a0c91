// A product catalog behind cached functions, compiled by the SWC transform (fncache.macro/swc)
// instead of Babel: the same ids, versions and key builders as the macro would give them.
import cached from 'fncache.macro'

export const lookups = { price: 0, search: 0 }

export const getPrice = cached(async (sku: string, currency: 'EUR' | 'USD') => {
  lookups.price++
  await new Promise((resolve) => setTimeout(resolve, 2))
  return { sku, currency, amount: sku.length * (currency === 'EUR' ? 9 : 10) }
}, { ttl: '10m', tags: ['prices', 'sku:{sku}'] })

export const search = cached((query: string, limit: number) => {
  lookups.search++
  return ['apple', 'apricot', 'banana', 'blueberry'].filter((n) => n.startsWith(query)).slice(0, limit)
}, { ttl: '30s' })
