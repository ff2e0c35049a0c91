// Calls the SWC-compiled functions of catalog.ts and prints their ids and what the cache did.
// `npm run example` compiles this folder with fncache.macro/swc's transformSync (not Babel).
import { invalidateTags, metrics } from 'fncache.macro'
import { getPrice, lookups, search } from './catalog.js'

await getPrice('apple', 'EUR')
await getPrice('apple', 'EUR')          // hit
await getPrice('apple', 'USD')          // another key
search('ap', 2); search('ap', 2)        // sync function, hit on the second call
console.log(`getPrice: 3 calls, ${lookups.price} lookups; search: 2 calls, ${lookups.search} lookup`)

await invalidateTags(['sku:apple'])
await getPrice('apple', 'EUR')
console.log(`after invalidateTags(["sku:apple"]): ${lookups.price} lookups`)

const m = metrics()
for (const [id, s] of Object.entries(m.functions)) console.log(`  ${id.padEnd(30)} hits ${s.hits}  misses ${s.misses}`)
