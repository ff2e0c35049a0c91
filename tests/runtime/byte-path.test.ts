// The byte path is registered, not imported (issue 15): a memory-only process never loads it, a
// backend of one's own that stores bytes fails its first call with E_NO_BYTE_PATH naming the fix,
// and after enableBytes() the same backend caches (a miss, then a hit served from its bytes).
// This file must not import file(), redis(), tiered() or tests/helpers/bytes-backend.ts: each
// registers the byte path for the whole process.
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { cached, configure, enableBytes, memory } from '../../runtime/index.js'
import type { Backend } from '../../runtime/index.js'
import { globalCache } from '../../runtime/global.js'

/** A byte backend of one's own: bytes in a Map, counting reads. */
function mapBackend(): Backend & { gets: number } {
  const data = new Map<string, Uint8Array>()
  return {
    kind: 'map', gets: 0,
    async get(key) { this.gets++; return data.get(key) },
    async set(key, value) { data.set(key, value) },
    async delete(key) { return data.delete(key) },
    async invalidateTags() { return 0 },
    async invalidatePrefix() { return 0 },
    async clear() { data.clear() },
    async close() {},
    stats() { return { entries: data.size } },
  } as Backend & { gets: number }
}

const bytePath = suite('byte path registration')

bytePath('a memory-only process never loads the byte path', () => {
  configure({ backends: { default: memory({ max: 10 }) } })
  let calls = 0
  const f = cached((x: number) => { calls++; return x * 2 }, { id: 'mem-only' })
  assert.is(f(2), 4)
  assert.is(f(2), 4)
  assert.is(calls, 1)
  assert.is(globalCache.bytePath, undefined)
})

bytePath('a byte backend of one\'s own fails with E_NO_BYTE_PATH until enableBytes(), then caches', async () => {
  const backend = mapBackend()
  configure({ backends: { own: backend } })
  let calls = 0
  const f = cached(async (x: number) => { calls++; return { x } }, { id: 'own-bytes', backend: 'own' })
  const err = await f(1).then(() => undefined, (e: unknown) => e) as { code?: string; message?: string }
  assert.is(err?.code, 'E_NO_BYTE_PATH')
  assert.match(err!.message!, /backend "own" \(map\) stores bytes/)
  assert.match(err!.message!, /enableBytes\(\)/)
  assert.is(calls, 0)

  enableBytes()
  assert.equal(await f(1), { x: 1 })
  assert.equal(await f(1), { x: 1 })
  assert.is(calls, 1)
  assert.is(f.stats().hits, 1)
  assert.is(backend.gets, 2)
})

bytePath.run()
