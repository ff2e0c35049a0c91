// The file backend's in-process read copy (runtime/backends/file/hot.ts, on lru-cache): which
// entries it keeps under its entry and byte bounds, and that a read refreshes an entry's rank.
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { HotCache, type HotEntry } from '../../../runtime/backends/file/hot.js'
import { file } from '../../../runtime/backends/file/index.js'
import { Layout } from '../../../runtime/backends/file/layout.js'

const entry = (bytes: number): HotEntry => ({ value: new Uint8Array(bytes), expires: Infinity, shard: 0, gen: 0, path: '', touch: { used: 0, expires: Infinity } })
const kept = (h: HotCache, keys: string[]) => keys.filter((k) => h.get(k) !== undefined)

const hot = suite('HotCache')

hot('a read moves an entry to the front: the least recently read goes first, not the oldest insertion', () => {
  const h = new HotCache(3, 1 << 20)
  for (const k of ['a', 'b', 'c']) h.set(k, entry(1))
  assert.ok(h.get('a'))
  h.set('d', entry(1))
  assert.equal(kept(h, ['a', 'b', 'c', 'd']), ['a', 'c', 'd'])
  assert.is(h.size, 3)
})

hot('the byte bound counts value and key length and evicts the least recently read', () => {
  // each entry: 100 value bytes + 2 key bytes = 102; 8 * 102 = 816 > 800 (maxValueBytes = 100)
  const h = new HotCache(100, 800)
  assert.is(h.maxValueBytes, 100)
  for (let i = 0; i < 7; i++) h.set(`k${i}`, entry(100))
  assert.ok(h.get('k0'))
  h.set('k7', entry(100))
  assert.equal(kept(h, ['k0', 'k1', 'k2']), ['k0', 'k2'])
  assert.is(h.size, 7)
})

hot('a value over maxValueBytes is not kept, and drops the older copy of its key', () => {
  const h = new HotCache(10, 8 * 1024)
  assert.is(h.maxValueBytes, 1024)
  h.set('k', entry(10))
  h.set('k', entry(1025))
  assert.is(h.get('k'), undefined)
  h.set('small', entry(1024))
  assert.ok(h.get('small'))
})

hot('0 entries or 0 bytes turns the copy off; Infinity bounds by the other limit only', () => {
  for (const [e, b] of [[0, 1 << 20], [10, 0]] as const) {
    const h = new HotCache(e, b)
    h.set('k', entry(1))
    assert.is(h.get('k'), undefined, `${e}, ${b}`)
    assert.is(h.size, 0)
  }
  const byBytes = new HotCache(Infinity, 1 << 20)
  for (let i = 0; i < 1000; i++) byBytes.set(`k${i}`, entry(1))
  assert.is(byBytes.size, 1000)
  // Infinity bytes and sizes beyond 2^32 used to compute a maximum value size of 0 (`>>> 3`).
  for (const bytes of [Infinity, 8 * 1024 ** 3]) {
    const h = new HotCache(2, bytes)
    assert.is(h.maxValueBytes, 256 * 1024, String(bytes))
    for (const k of ['a', 'b', 'c']) h.set(k, entry(1000))
    assert.equal(kept(h, ['a', 'b', 'c']), ['b', 'c'])
  }
})

hot('delete and clear', () => {
  const h = new HotCache(10, 1 << 20)
  h.set('a', entry(1))
  h.set('b', entry(1))
  h.delete('a')
  assert.equal(kept(h, ['a', 'b']), ['b'])
  h.clear()
  assert.is(h.size, 0)
})

hot.run()

// ---

const backend = suite('file() read copy')

backend('memoryEntries bounds what stays in memory, by recency of reads', () => {
  const dir = mkdtempSync(join(tmpdir(), 'fncache-hot-'))
  try {
    const b = file({ dir, pruneInterval: 0, memoryEntries: 2, memoryBytes: Infinity })
    const value = (k: string) => new TextEncoder().encode(k)
    for (const k of ['a', 'b', 'c', 'd']) b.setSync(k, value(k))
    assert.is(b.stats().memoryEntries, 0, 'a write does not fill the read copy')
    for (const k of ['a', 'b', 'c']) b.getSync(k) // keeps b, c
    b.getSync('b') // b is now the most recently read
    b.getSync('d') // evicts c, the least recently read (b was inserted earlier)
    assert.is(b.stats().memoryEntries, 2)
    // With the files gone (behind the backend's back: no stamp moves), only the copy answers.
    const layout = new Layout(dir)
    for (const k of ['a', 'b', 'c', 'd']) rmSync(layout.locate(k).path)
    const dec = (k: string) => { const v = b.getSync(k); return v === undefined ? undefined : new TextDecoder().decode(v) }
    assert.equal(['a', 'b', 'c', 'd'].map(dec), [undefined, 'b', undefined, 'd'])
    b.deleteSync('d')
    assert.is(b.stats().memoryEntries, 1)
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
})

backend.run()
