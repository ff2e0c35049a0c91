// `@cached` class methods: hits shared by every instance, `this` on a miss, invalidation by tag,
// the cache methods through cacheOf(), per-tenant entries with instanceKey.
// Run it with `npm run example` (compiled with the macro through babel.config.js).
import { cacheOf, invalidateTags } from 'fncache.macro'
import { UserService, queries } from './users.service.js'

const acme = new UserService('acme')
const globex = new UserService('globex')

const first = await acme.getUser('1')     // miss: runs the method, `this` is acme
const second = await globex.getUser('1')  // hit: one cache per method, shared by instances
console.log('getUser("1") from two instances:', first.loadedBy, second.loadedBy, `(${queries.getUser} query)`)

await invalidateTags(['user:1'])          // the tag 'user:{id}' was filled with '1'
console.log('after invalidateTags(["user:1"]):', (await globex.getUser('1')).loadedBy, `(${queries.getUser} queries)`)

await acme.search('ada', 1)
await acme.search('ada', 1)               // hit through the compiled key encoder
console.log('search twice:', queries.search, 'query')

console.log('plans:', await acme.plan(), await globex.plan(), await new UserService('acme').plan(), `(${queries.plan} queries: one per tenant)`)

const getUser = cacheOf(acme, 'getUser')
console.log('\ncacheOf(acme, "getUser"):')
console.log('  id        ', getUser.id)
console.log('  key("1")  ', getUser.key('1'))
console.log('  peek("1") ', await getUser.peek('1'))
const { hits, misses } = getUser.stats()
console.log('  stats()   ', { hits, misses })
await getUser.invalidate('1')
console.log('  after invalidate("1"), peek:', await getUser.peek('1'))
