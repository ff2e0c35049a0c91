// What one call can make a persistent backend store: the logical key inside a record is bounded
// by maxKeyLength (head + hash, like the storage key), and a record over maxEntrySize is neither
// written nor read. Checked on a real file backend by the sizes of the files it writes.
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { cached, configure } from '../../runtime/index.js'
import { file } from '../../runtime/backends/file/index.js'
import { captureWarnings, counting, fresh } from '../helpers/runtime.js'

/** Sizes of every entry file under `dir`. */
function entrySizes(dir: string): number[] {
  const out: number[] = []
  const g = join(dir, 'v1', 'g')
  for (const gh of readdirSync(g)) for (const n of readdirSync(join(g, gh))) if (/^[0-9a-f]{32}$/.test(n)) out.push(statSync(join(g, gh, n)).size)
  return out
}

const sizes = suite('size bounds')
let dir: string
sizes.before.each(() => { fresh(); dir = mkdtempSync(join(tmpdir(), 'fncache-size-')) })
sizes.after.each(() => rmSync(dir, { recursive: true, force: true }))

sizes('a 10 MB argument makes an entry file of under 2 KiB (storage key and record key bounded to 512 chars each), and still hits exactly', async () => {
  const disk = file({ dir, pruneInterval: 0, memoryEntries: 0 })
  configure({ backends: { disk } })
  const impl = counting((s: string) => s.length)
  const f = cached(impl, { id: 'size.ts#len', backend: 'disk' })
  const big = 'x'.repeat(10 * 1024 * 1024)
  const other = big.slice(0, -1) + 'y' // same head, different key
  assert.is(f(big), big.length)
  assert.is(f(big), big.length)
  assert.is(impl.n, 1, 'the second call is a hit')
  assert.is(f(other), other.length)
  assert.is(impl.n, 2, 'a key with the same head is another entry')
  const s = entrySizes(dir)
  assert.is(s.length, 2)
  for (const n of s) assert.ok(n < 2048, `entry file of ${n} bytes`)
  await disk.close()
})

sizes('a result over maxEntrySize is returned uncached, warned once, and not written', async () => {
  const disk = file({ dir, pruneInterval: 0, memoryEntries: 0 })
  configure({ backends: { disk }, maxEntrySize: 4096 })
  const impl = counting((n: number) => 'y'.repeat(n))
  const f = cached(impl, { id: 'size.ts#make', backend: 'disk' })
  const warnings = await captureWarnings(() => { f(10_000); f(10_000) })
  assert.is(impl.n, 2)
  assert.equal(warnings.map((w) => w.code), ['FNCACHE_ENTRY_TOO_LARGE'])
  assert.match(warnings[0]!.message, /over maxEntrySize \(4096\)/)
  f(100)
  assert.is(entrySizes(dir).length, 1, 'only the small result was written')
  await disk.close()
})

sizes.run()
