// Negative caching: `emptyTtl` stores empty results (null/undefined, or what `isEmpty` says) with
// their own lifetime instead of `ttl`; on the memory backend and the real file backend.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { cached, configure } from '../../runtime/index.js'
import { file } from '../../runtime/backends/file/index.js'
import { counting, fresh, type FakeClock } from '../helpers/runtime.js'

let clock: FakeClock
const dirs: string[] = []
const db = new Map<string, { id: string } | null>()

for (const backend of ['default', 'disk'] as const) {
  const test = suite(`emptyTtl (${backend === 'default' ? 'memory' : 'file'} backend)`)
  test.before.each(() => {
    clock = fresh()
    db.clear()
    if (backend === 'disk') {
      const dir = mkdtempSync(join(tmpdir(), 'fncache-empty-'))
      dirs.push(dir)
      configure({ backends: { disk: file({ dir, now: clock.now }) } })
    }
  })
  test.after(() => { for (const d of dirs) rmSync(d, { recursive: true, force: true }) })

  test('null and undefined are kept for emptyTtl, other results for ttl', () => {
    const impl = counting((id: string) => (db.has(id) ? db.get(id) : undefined))
    const f = cached(impl, { id: `find-${backend}`, backend, ttl: '1h', emptyTtl: '30s' })
    db.set('1', { id: '1' }); db.set('2', null)
    f('1'); f('2'); f('3')
    assert.is(impl.n, 3)
    clock.advance(30_000 - 1)
    f('1'); f('2'); f('3')
    assert.is(impl.n, 3, 'all fresh within emptyTtl')
    db.set('3', { id: '3' })
    clock.advance(1)
    assert.equal(f('3'), { id: '3' }, 'a record created later shows up once emptyTtl has passed')
    assert.is(f('2'), null)
    assert.is(impl.n, 5, 'the two empty results were recomputed')
    f('1')
    assert.is(impl.n, 5, 'the non-empty result still lives for ttl')
  })

  test('isEmpty says which results are empty', async () => {
    const impl = counting(async (q: string) => (q === 'none' ? [] : [q]))
    const f = cached(impl, { id: `search-${backend}`, backend, ttl: 60_000, emptyTtl: 1000, isEmpty: (r) => r.length === 0 })
    await f('none'); await f('x')
    clock.advance(1000)
    await f('none'); await f('x')
    assert.is(impl.n, 3)
  })

  test('emptyTtl: 0 keeps empty results without expiry, like ttl: 0', () => {
    const impl = counting((_id: string) => null)
    const f = cached(impl, { id: `forever-${backend}`, backend, ttl: 1000, emptyTtl: 0 })
    f('1'); clock.advance(1e9); f('1')
    assert.is(impl.n, 1)
  })

  test('a throwing isEmpty is reported and the result kept for ttl', () => {
    const impl = counting((_id: string) => null)
    const f = cached(impl, { id: `throws-${backend}`, backend, ttl: 10_000, emptyTtl: 10, isEmpty: () => { throw new Error('boom') } })
    f('1'); clock.advance(100); f('1')
    assert.is(impl.n, 1)
    assert.is(f.stats().errors, 1)
  })
  test.run()
}

// ---

const api = suite('emptyTtl: options')
api.before.each(() => { clock = fresh() })
api('isEmpty without emptyTtl, and a bad emptyTtl, name the option', () => {
  assert.throws(() => cached((id: string) => id, { id: 'e1', isEmpty: () => true }), /\[E_OPTION\] e1: option isEmpty only says which results emptyTtl applies to; emptyTtl is not set/)
  assert.throws(() => cached((id: string) => id, { id: 'e2', emptyTtl: '5 minutes' as never }), /e2: option emptyTtl must be/)
  assert.throws(() => cached((id: string) => id, { id: 'e3', emptyTtl: 10, isEmpty: 'x' as never }), /e3: option isEmpty must be a function/)
})
api.run()
