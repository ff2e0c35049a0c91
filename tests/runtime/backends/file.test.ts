// The file backend: the shared contract, then what only a directory of files has (layout, atomic
// writes, corrupt files, TTL on disk, bounds and pruning, faults through the runtime).
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { basename, join, sep } from 'node:path'
import { FileBackend, defaultDir, file } from '../../../runtime/backends/file/index.js'
import { Layout } from '../../../runtime/backends/file/layout.js'
import { realFs } from '../../../runtime/backends/file/io.js'
import { backendSuite } from './suite.js'
import { fakeClock } from '../../helpers/runtime.js'

const tmp = () => mkdtempSync(join(tmpdir(), 'fncache-file-'))

backendSuite('file', () => {
  const clock = fakeClock()
  const dir = tmp()
  return { backend: file({ dir, now: clock.now, pruneInterval: 0 }), advance: (ms) => clock.advance(ms), now: clock.now, cleanup: () => rmSync(dir, { recursive: true, force: true }) }
}, { counters: ['corrupt', 'errors', 'expirations', 'evictions'], entries: 'prune', expirations: true, stamps: true })

// ---

const api = suite('file() API')
api('file() makes a FileBackend', () => {
  const dir = tmp()
  assert.ok(file({ dir, pruneInterval: 0 }) instanceof FileBackend)
  rmSync(dir, { recursive: true, force: true })
})
api.run()

// --- helpers

const enc = (s: string) => new TextEncoder().encode(s)
const dec = (b: Uint8Array | undefined) => (b === undefined ? undefined : new TextDecoder().decode(b))
const walk = (dir: string): string[] => readdirSync(dir, { recursive: true }).map(String)
const entryPath = (dir: string, key: string) => new Layout(dir).locate(key).path

// ---

const layout = suite('file layout')

layout('no key or tag text reaches a path; path-traversal keys stay inside the directory', () => {
  const dir = tmp()
  const b = file({ dir, pruneInterval: 0 })
  const keys = ['../../etc/passwd', '/abs/olute', 'C:\\win\\x', 'a\0b', 'src/users.ts#getUser:42', 'secret-token', '..', 'ü😀'.repeat(100)]
  for (const k of keys) b.setSync(k, enc(k), { tags: ['tag-text', '../tag'] })
  for (const k of keys) assert.is(dec(b.getSync(k)), k)
  const names = walk(dir)
  for (const n of names) {
    for (const part of n.split(sep)) {
      assert.ok(/^([0-9a-f]{32}|table|v1|g|t|c|s|gen|trash|\.name)$/.test(part), `unexpected path part ${JSON.stringify(part)}`)
    }
  }
  assert.not.ok(existsSync(join(dir, '..', 'etc')))
  rmSync(dir, { recursive: true, force: true })
})

layout('the default directory follows find-cache-dir, else the OS cache directory', () => {
  const root = tmp()
  writeFileSync(join(root, 'package.json'), '{}')
  mkdirSync(join(root, 'src', 'deep'), { recursive: true })
  assert.is(defaultDir(join(root, 'src', 'deep'), {}), join(root, 'node_modules', '.cache', 'fncache'))
  assert.is(defaultDir('/', { XDG_CACHE_HOME: '/xdg' }), '/xdg/fncache')
  rmSync(root, { recursive: true, force: true })
})
layout.run()

// ---

const records = suite('file records')
records.before.each((ctx) => { ctx.dir = tmp() })
records.after.each((ctx) => { rmSync(ctx.dir, { recursive: true, force: true }) })

records('writes are atomic: no temp file is left, and a failed write leaves the old entry', (ctx) => {
  let fail = false
  const fs = { ...realFs, writeSync: ((...a: Parameters<typeof realFs.writeSync>) => {
    if (fail && typeof a[1] !== 'string' && (a[1] as Uint8Array).length > 1) throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' })
    return (realFs.writeSync as (...x: unknown[]) => number)(...a)
  }) as typeof realFs.writeSync }
  const b = file({ dir: ctx.dir, pruneInterval: 0, fs })
  b.setSync('k', enc('old'))
  fail = true
  assert.throws(() => b.setSync('k', enc('new')), /ENOSPC/)
  fail = false
  assert.is(dec(file({ dir: ctx.dir, pruneInterval: 0 }).getSync('k')), 'old')
  assert.equal(walk(ctx.dir).filter((n) => basename(n).startsWith('.t')), [])
})

records('a truncated, corrupt or foreign file is a miss, is removed, and is counted', (ctx) => {
  const b = file({ dir: ctx.dir, pruneInterval: 0, memoryEntries: 0 })
  const cases: [string, (p: string) => void][] = [
    ['truncated', (p) => truncateSync(p, statSync(p).size - 3)],
    ['bit flip', (p) => { const buf = readFileSync(p); buf[buf.length - 1]! ^= 1; writeFileSync(p, buf) }],
    ['foreign', (p) => writeFileSync(p, 'not ours at all')],
    ['empty', (p) => writeFileSync(p, '')],
    ['another key', (p) => { b.setSync('other', enc('o')); writeFileSync(p, readFileSync(entryPath(ctx.dir, 'other'))) }],
  ]
  let n = 0
  for (const [name, damage] of cases) {
    const key = 'k:' + name
    b.setSync(key, enc('value'))
    damage(entryPath(ctx.dir, key))
    assert.is(b.getSync(key), undefined, name)
    assert.not.ok(existsSync(entryPath(ctx.dir, key)), `${name}: removed`)
    assert.is(b.stats().corrupt, ++n, name)
  }
})

records('ttl uses the injected clock, on disk and in memory', (ctx) => {
  const clock = fakeClock()
  const b = file({ dir: ctx.dir, pruneInterval: 0, now: clock.now })
  b.setSync('t', enc('x'), { ttl: 1000 })
  assert.is(dec(b.getSync('t')), 'x') // now held in memory
  clock.advance(1001)
  assert.is(b.getSync('t'), undefined)
  assert.not.ok(existsSync(entryPath(ctx.dir, 't')), 'an expired entry is removed on read')
  assert.is(b.stats().expirations, 1)
})

records('another instance (another process) sees sets, deletes and invalidations at once', (ctx) => {
  const a = file({ dir: ctx.dir, pruneInterval: 0 })
  const b = file({ dir: ctx.dir, pruneInterval: 0 })
  a.setSync('src/a.ts#f:1', enc('1'), { tags: ['t'] })
  assert.is(dec(b.getSync('src/a.ts#f:1')), '1')
  a.setSync('src/a.ts#f:1', enc('2'), { tags: ['t'] })
  assert.is(dec(b.getSync('src/a.ts#f:1')), '2', 'b held 1 in memory; the shard generation moved')
  a.invalidateTagsSync(['t'])
  assert.is(b.getSync('src/a.ts#f:1'), undefined)
  a.setSync('src/a.ts#f:2', enc('x'))
  assert.is(dec(b.getSync('src/a.ts#f:2')), 'x')
  a.invalidatePrefixSync(['src/a.ts#'])
  assert.is(b.getSync('src/a.ts#f:2'), undefined)
  a.setSync('d', enc('x'))
  assert.is(dec(b.getSync('d')), 'x')
  a.deleteSync('d')
  assert.is(b.getSync('d'), undefined)
})

records('tag invalidation reads no entry files: it stats and unlinks only the tagged ones', (ctx) => {
  const reads: string[] = []
  const fs = { ...realFs, readFileSync: ((p: string, o?: unknown) => { reads.push(String(p)); return (realFs.readFileSync as (...x: unknown[]) => unknown)(p, o) }) as typeof realFs.readFileSync }
  const b = file({ dir: ctx.dir, pruneInterval: 0, fs })
  for (let i = 0; i < 200; i++) b.setSync(`src/a.ts#f:${i}`, enc('v' + i), { tags: i % 10 === 0 ? ['ten'] : ['other'] })
  reads.length = 0
  assert.is(b.invalidateTagsSync(['ten']), 20)
  assert.ok(reads.every((p) => p.includes(`${sep}c${sep}`)), `only claimed index files were read: ${reads.filter((p) => !p.includes(`${sep}c${sep}`)).length} others`)
  reads.length = 0
  b.invalidatePrefixSync(['src/a.ts#f:'])
  assert.ok(reads.every((p) => p.endsWith('.name')), 'a prefix covering a whole group reads only group names')
})
records.run()

// ---

const bounds = suite('file bounds and prune')
bounds.before.each((ctx) => { ctx.dir = tmp() })
bounds.after.each((ctx) => { rmSync(ctx.dir, { recursive: true, force: true }) })

bounds('maxEntries evicts the least recently used entry', async (ctx) => {
  const b = file({ dir: ctx.dir, pruneInterval: 0, maxEntries: 3 })
  b.setSync('a', enc('a')); b.setSync('b', enc('b')); b.setSync('c', enc('c'))
  b.getSync('a')
  b.setSync('d', enc('d'))
  const r = await b.prune()
  assert.is(r.evicted, 1)
  assert.is(r.entries, 3)
  assert.is(b.getSync('b'), undefined, 'b was least recently used')
  for (const k of ['a', 'c', 'd']) assert.is(dec(b.getSync(k)), k)
  assert.is(b.stats().evictions, 1)
  assert.is(b.stats().entries, 3)
})

bounds('maxBytes counts allocated bytes and evicts until they fit', async (ctx) => {
  const b = file({ dir: ctx.dir, pruneInterval: 0, maxBytes: 5 * 4096 })
  for (let i = 0; i < 12; i++) b.setSync('k' + i, new Uint8Array(3000))
  const r = await b.prune()
  assert.ok(r.bytes <= 5 * 4096, `bytes ${r.bytes}`)
  assert.ok(r.entries >= 1 && r.entries <= 5)
  assert.is(r.evicted, 12 - r.entries)
})

bounds('prune removes expired entries by mtime alone, in small slices with the event loop free between them', async (ctx) => {
  const clock = fakeClock()
  // A zero budget makes every slice a single step, so the test sees the granularity without
  // timing anything (a timed assertion would flake on a loaded machine).
  const b = file({ dir: ctx.dir, pruneInterval: 0, now: clock.now, sliceMs: 0 })
  for (let i = 0; i < 3000; i++) b.setSync(`src/p.ts#f:${i}`, enc('v'), { ttl: i % 2 === 0 ? 1000 : undefined })
  clock.advance(2000)
  let turns = 0
  let stop = false
  const spin = () => { if (!stop) { turns++; setImmediate(spin) } }
  setImmediate(spin)
  const r = await b.prune()
  stop = true
  assert.is(r.expired, 1500)
  assert.is(r.entries, 1500)
  assert.ok(r.slices >= 1500, `${r.slices} slices: at least one per expired entry`)
  assert.ok(turns >= r.slices - 1, `${turns} event-loop turns between ${r.slices} slices`)
  assert.is(b.stats().expirations, 1500)
})

bounds('prune empties the trash left by prefix invalidation and clear()', async (ctx) => {
  const b = file({ dir: ctx.dir, pruneInterval: 0 })
  for (let i = 0; i < 50; i++) b.setSync(`src/x.ts#f:${i}`, enc('v'), { tags: ['t'] })
  b.invalidatePrefixSync(['src/x.ts#'])
  b.setSync('y', enc('v'))
  b.clearSync()
  const r = await b.prune()
  assert.ok(r.leftovers >= 51, `${r.leftovers}`)
  assert.equal(readdirSync(join(ctx.dir, 'v1', 'trash')), [])
})
bounds.run()

// ---

const options = suite('file() options')
options('reject bad options with a TypeError naming the option', () => {
  assert.throws(() => file({ maxEntries: 0 }), /option maxEntries must be an integer >= 1 or Infinity; received 0/)
  assert.throws(() => file({ maxBytes: -1 }), /option maxBytes/)
  assert.throws(() => file({ dir: '' }), /option dir must be a non-empty path/)
  assert.throws(() => file({ max: 3 } as never), /no option "max"/)
})
options.run()

// ---

const stamps = suite<{ dir: string }>('file tag stamps')
stamps.before.each((ctx) => { ctx.dir = mkdtempSync(join(tmpdir(), 'fncache-stamps-')) })
stamps.after.each((ctx) => { rmSync(ctx.dir, { recursive: true, force: true }) })

stamps('a write of a value computed before an invalidation of its tag is refused, in this and another instance', async (ctx) => {
  const a = file({ dir: ctx.dir, pruneInterval: 0 })
  const other = file({ dir: ctx.dir, pruneInterval: 0 })
  await a.invalidateTags(['user:1'], { at: 1_000 })
  other.setSync('late', enc('old'), { tags: ['user:1'], since: 999 })
  assert.is(other.getSync('late'), undefined, 'computed before the invalidation: refused')
  other.setSync('new', enc('new'), { tags: ['user:1'], since: 1_001 })
  assert.ok(a.getSync('new'), 'computed after: stored')
  other.setSync('untagged', enc('x'), { since: 1 })
  assert.ok(a.getSync('untagged'), 'a write without tags is not checked')
  a.invalidateTagsSync(['user:2'], { at: 5_000 })
  await other.set('late2', enc('old'), { tags: ['user:2'], since: 4_000 })
  assert.is(a.getSync('late2'), undefined, 'the sync form stamps too')
  await a.invalidateTags(['user:2'], { at: 10 })
  other.setSync('still', enc('old'), { tags: ['user:2'], since: 4_500 })
  assert.is(a.getSync('still'), undefined, 'an older stamp never lowers a newer one')
  await a.close(); await other.close()
})
stamps.run()
