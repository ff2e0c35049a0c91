// Bytes per function: a memory backend with maxBytes sizes every entry, so each function's share is
// known exactly (the same estimate the bound uses). Without maxBytes nothing is sized: no figure.
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { cached, configure, invalidateTags, memory, metrics } from '../../runtime/index.js'
import { fresh } from '../helpers/runtime.js'

const test = suite('bytes per function')
test.before.each(() => { fresh() })

test('metrics() and the exposition give each function its bytes, kept exact through sets, overwrites, invalidation and eviction', async () => {
  // sizeOf: the value's length, so every figure below is exact.
  configure({ backends: { sized: memory({ maxBytes: 100, sizeOf: (v) => (v as string).length }), plain: memory() } })
  const a = cached((n: number) => 'a'.repeat(n), { id: 'fb.ts#a', backend: 'sized', tags: ['t'] })
  const b = cached((s: string) => s, { id: 'fb.ts#b', backend: 'sized' })
  const c = cached((s: string) => s, { id: 'fb.ts#c', backend: 'plain' })
  a(10); a(20); b('xyz'); c('not sized')
  assert.is(metrics().functions['fb.ts#a']!.bytes, 30)
  assert.is(metrics().functions['fb.ts#b']!.bytes, 3)
  assert.is(metrics().functions['fb.ts#c']!.bytes, undefined, 'a backend without maxBytes sizes nothing')
  assert.is(metrics().functions['fb.ts#c']!.entries, 1)
  a.refresh(10) // overwrite: same size
  assert.is(metrics().functions['fb.ts#a']!.bytes, 30)
  await invalidateTags(['t'])
  assert.is(metrics().functions['fb.ts#a']!.bytes, 0)
  b('y'.repeat(60)); b('z'.repeat(60)) // 3 + 60 + 60 > 100: the least recently used leave
  const sized = metrics().functions['fb.ts#b']!.bytes!
  assert.ok(sized <= 100, String(sized))
  assert.is(sized, 60, 'only the newest 60-byte entry fits beside nothing else')
  const text = metrics.prometheus()
  assert.match(text, /fncache_function_bytes\{function="fb\.ts#b",backend="sized"\} 60/)
  assert.not.match(text, /fncache_function_bytes\{function="fb\.ts#c"/)
})

test.run()
