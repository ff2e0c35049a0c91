// Fast seeds of the record fuzzer (fuzz/records.ts; `npm run fuzz` runs 100,000 cases per
// backend): random, hostile and mutated bytes written under a cached function's key on a file
// backend and on a real Redis, read back through the runtime.

import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { fuzzFile, fuzzRedis, type FuzzReport } from '../../fuzz/records.js'
import { redisOrSkip, startRedis } from '../helpers/redis-server.js'

const server = redisOrSkip('redis records') ? await startRedis() : undefined

const explain = (r: FuzzReport) => r.failures.map((f) => `${f.target} seed ${f.seed} case ${f.case} (${f.kind}): ${f.problem}\n  bytes ${f.bytes.slice(0, 400)}\n  ${f.stack ?? ''}`).join('\n')

const file = suite('file records')

file('1,000 random, hostile and mutated entry files: a miss or the stored value, never a throw or a touched prototype', async () => {
  const r = await fuzzFile({ cases: 1000, seed: 1 })
  assert.is(r.failures.length, 0, explain(r))
  assert.ok(r.served > 30, `only ${r.served} crafted records were served: the fuzzer no longer reaches the decoder`)
})

file.run()

// ---

if (server !== undefined) {
  const redis = suite('redis records')

  redis('3,000 random, hostile and mutated values: a miss or the stored value, never a throw or a touched prototype', async () => {
    const r = await fuzzRedis({ cases: 3000, seed: 2, url: server.url })
    assert.is(r.failures.length, 0, explain(r))
    assert.ok(r.served > 100, `only ${r.served} crafted records were served`)
  })

  redis.after(() => server.stop())
  redis.run()
}
