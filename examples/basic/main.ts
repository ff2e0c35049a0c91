// Calls the cached functions of users.ts a few times and prints what the cache did.
// Run it with `npm run example` (compiled with the macro through babel.config.js).
import { invalidateTags, metrics } from 'fncache.macro'
import { calls, fib, getUser, rename, teamPage } from './users.js'

const first = await getUser('1')     // miss: runs the query
const again = await getUser('1')     // hit
console.log('getUser("1") twice:', first?.name, again?.name, `(${calls.getUser} query)`)

rename('1', 'Ada Lovelace')
console.log('after rename, still cached:', (await getUser('1'))?.name)
await invalidateTags(['user:1'])     // the tag 'user:{id}' was filled with '1'
console.log('after invalidateTags(["user:1"]):', (await getUser('1'))?.name, `(${calls.getUser} queries)`)

await teamPage('core', 0, false)
await teamPage('core', 0, false)     // hit through the compiled keyOf
await teamPage('core', 0, true)      // another key: miss
console.log('teamPage: 3 calls,', calls.teamPage, 'queries')

console.log('fib(40) =', fib(40), `in ${calls.fib} evaluations (recursion goes through the cache)`)

const m = metrics()
console.log('\nmetrics():', { hits: m.hits, misses: m.misses, hitRate: Number(m.hitRate.toFixed(3)) })
for (const [id, s] of Object.entries(m.functions)) console.log(`  ${id.padEnd(34)} hits ${String(s.hits).padStart(3)}  misses ${String(s.misses).padStart(3)}`)
