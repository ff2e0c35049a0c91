// One of the two processes of the Redis example. Reads commands from stdin, one per line
// (`get <sku>`, `invalidate <tag>`, `quit`), answers one JSON line each on stdout.
import { createInterface } from 'node:readline'
import { configure, invalidateTags, metrics } from 'fncache.macro'
import { redis } from 'fncache.macro/redis'
import { fetched, getPrice } from './prices.js'

const backend = redis({ url: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', namespace: process.env.FNCACHE_NAMESPACE ?? 'fncache-example' })
configure({ backends: { default: backend } })

const answer = (o: object) => process.stdout.write(JSON.stringify(o) + '\n')
for await (const line of createInterface({ input: process.stdin })) {
  const [cmd, arg] = line.trim().split(/\s+/)
  if (cmd === 'get') {
    const before = fetched.n
    const value = await getPrice(arg!)
    answer({ value, hit: fetched.n === before, hits: metrics().hits, misses: metrics().misses })
  } else if (cmd === 'invalidate') {
    answer({ removed: await invalidateTags([arg!]) })
  } else break
}
await backend.close()
