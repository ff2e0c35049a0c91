// A cache directory someone else can write: links, FIFOs, /dev/zero, huge files and crafted index
// lines planted in it never make the file backend read, write, delete or touch anything outside it,
// block the process, or read without bound. Each attack is one test; the last plants all of them
// next to a canary tree and checks every canary byte for byte and by mtime.
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { execFileSync } from 'node:child_process'
import { appendFileSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync, symlinkSync, truncateSync, utimesSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { file, type FileBackend } from '../../../runtime/backends/file/index.js'
import { Layout } from '../../../runtime/backends/file/layout.js'

const enc = (s: string) => new TextEncoder().encode(s)
const text = (b: Uint8Array | undefined) => (b === undefined ? undefined : Buffer.from(b).toString())
const OLD = new Date('2001-02-03T04:05:06Z')

/** A canary tree: hex-named files (what a group holds), a data file, a subdirectory. */
function canaries(root: string): string {
  const v = join(root, 'victims')
  mkdirSync(join(v, 'C', 'deep'), { recursive: true })
  const files = {
    '0123456789abcdef0123456789abcdef': 'hex-named A',
    'ffffffffffffffffffffffffffffffff': 'hex-named B',
    'C/data.txt': 'precious data',
    'C/deep/more.txt': 'more precious data',
  }
  for (const [rel, text] of Object.entries(files)) {
    writeFileSync(join(v, rel), text)
    utimesSync(join(v, rel), OLD, OLD)
  }
  return v
}

/** path -> content + mtime, for every file under `dir`. */
function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {}
  const walk = (d: string) => {
    for (const n of readdirSync(d).sort()) {
      const p = join(d, n)
      const st = lstatSync(p)
      if (st.isDirectory()) walk(p)
      else out[p.slice(dir.length)] = `${readFileSync(p, 'utf8')} @${st.mtimeMs}`
    }
  }
  walk(dir)
  return out
}

function mkfifo(path: string): void {
  execFileSync('mkfifo', [path])
}

interface Ctx { root: string; dir: string; v: string; before: Record<string, string>; b: FileBackend; layout: Layout }
const hostile = suite<Ctx>('file backend: a hostile directory')
hostile.before.each((ctx) => {
  ctx.root = mkdtempSync(join(tmpdir(), 'fncache-hostile-'))
  ctx.dir = join(ctx.root, 'cache')
  ctx.v = canaries(ctx.root)
  ctx.before = snapshot(ctx.v)
  ctx.b = file({ dir: ctx.dir, pruneInterval: 0 })
  ctx.layout = new Layout(ctx.dir)
})
hostile.after.each(async (ctx) => {
  await ctx.b.close()
  assert.equal(snapshot(ctx.v), ctx.before, 'every canary unchanged, byte for byte and mtime')
  rmSync(ctx.root, { recursive: true, force: true })
})

const K = 'src/a.ts#f:1'

hostile('a link in trash/ is unlinked by prune(), its target tree is not entered', async (ctx) => {
  ctx.b.setSync(K, enc('x'))
  symlinkSync(ctx.v, join(ctx.layout.trash, 'evil'))
  symlinkSync(join(ctx.v, 'C', 'data.txt'), join(ctx.layout.trash, 'evil-file'))
  await ctx.b.prune()
  assert.equal(readdirSync(ctx.layout.trash), [], 'the links themselves are gone')
})

hostile('a group directory that is a link: prune, invalidatePrefix and set never act through it', async (ctx) => {
  const loc = ctx.layout.locate(K)
  ctx.b.setSync(K, enc('x'))
  // Replace our real group folder by a link to the canaries (their hex-named files look like entries).
  renameSync(loc.groupDir, join(ctx.root, 'moved'))
  symlinkSync(ctx.v, loc.groupDir)
  const planted = join(ctx.layout.groups, 'ffffffffffffffffffffffffffffffff')
  symlinkSync(ctx.v, planted)
  assert.is(ctx.b.getSync(K), undefined, 'not read through the link')
  assert.is(await ctx.b.invalidatePrefix(['zzz']), 0)
  ctx.b.setSync(K, enc('y'))
  assert.ok(lstatSync(loc.groupDir).isDirectory(), 'the link was replaced by a real group directory')
  assert.is(text(ctx.b.getSync(K)), 'y')
  await ctx.b.prune()
  assert.not.ok(existsSync(planted), 'a planted group link is removed by prune')
  assert.ok((ctx.b.stats().corrupt ?? 0) >= 2, `counted: ${ctx.b.stats().corrupt}`)
})

hostile('index lines that are not `<hash>/<hash> <inode>` never reach a path', async (ctx) => {
  ctx.b.setSync(K, enc('x'), { tags: ['t'] })
  const ino = statSync(join(ctx.v, 'C', 'data.txt')).ino
  const idx = ctx.layout.tagPath('t')
  const up = '../'.repeat(8) + ctx.v.slice(1)
  appendFileSync(idx, `./././${'/'.repeat(20)}${up}/C/data.txt ${ino}\n`)
  appendFileSync(idx, `${join(ctx.v, 'C', 'data.txt')} ${ino}\n`)
  appendFileSync(idx, `..${'/0'.repeat(31)}/0123456789abcdef0123456789abcdef ${ino}\n`)
  appendFileSync(idx, `0123456789abcdef0123456789abcdef/../../../../x ${ino}\n`)
  assert.is(ctx.b.invalidateTagsSync(['t']), 1, 'our own entry goes')
  assert.is(ctx.b.stats().corrupt, 4, 'each crafted line counted as corrupt')
})

hostile('an entry replaced by a link: not read, not touched by prune (lutimes), the link removed', async (ctx) => {
  const loc = ctx.layout.locate(K)
  ctx.b.setSync(K, enc('x'))
  assert.is(text(ctx.b.getSync(K)), 'x') // recorded as touched: prune writes access times back
  rmSync(loc.path)
  symlinkSync(join(ctx.v, 'C', 'data.txt'), loc.path)
  await ctx.b.prune()
  assert.is(ctx.b.stats().corrupt, 1, 'prune removed the link as a corrupt entry')
  assert.not.ok(existsSync(loc.path))
  const b2 = file({ dir: ctx.dir, pruneInterval: 0 }) // no copy in memory
  assert.is(b2.getSync(K), undefined)
  await b2.close()
})

hostile('FIFOs as an entry, as a group .name, as a claim and as the change table never block', async (ctx) => {
  const loc = ctx.layout.locate(K)
  ctx.b.setSync(K, enc('x'), { tags: ['t'] })
  ctx.b.setSync('src/a.ts#f:2', enc('x'))
  const b2 = file({ dir: ctx.dir, pruneInterval: 0 })
  rmSync(loc.path)
  mkfifo(loc.path)
  assert.is(b2.getSync(K), undefined, 'a FIFO entry is a miss')
  assert.is(b2.stats().corrupt, 1)
  rmSync(join(loc.groupDir, '.name'))
  mkfifo(join(loc.groupDir, '.name'))
  mkfifo(join(ctx.layout.claims, `${ctx.layout.tagHash('t')}.9-9-fifo`))
  assert.is(await b2.invalidatePrefix(['src/a.ts#f:2']), 1)
  assert.is(await b2.invalidateTags(['t']), 0, 'the entry of tag t was the FIFO, already gone')
  const s = b2.stats()
  assert.ok((s.corrupt ?? 0) >= 3, `counted: ${s.corrupt}`)
  await b2.close()
  const gens = join(ctx.layout.gens, 'table')
  rmSync(gens)
  mkfifo(gens)
  const b3 = file({ dir: ctx.dir, pruneInterval: 0 })
  b3.setSync(K, enc('z'))
  assert.is(text(b3.getSync(K)), 'z')
  assert.ok(lstatSync(gens).isFile(), 'the table is a regular file again')
  await b3.close()
})

hostile('an entry linked to /dev/zero, or a 100 MB file, is never read', async (ctx) => {
  const loc = ctx.layout.locate(K)
  ctx.b.setSync(K, enc('x'))
  rmSync(loc.path)
  symlinkSync('/dev/zero', loc.path)
  const b2 = file({ dir: ctx.dir, pruneInterval: 0 })
  assert.is(b2.getSync(K), undefined)
  const big = ctx.layout.locate('src/a.ts#f:big')
  writeFileSync(big.path, '')
  truncateSync(big.path, 100 * 1024 * 1024) // sparse: 100 MB by size, no disk
  const heap = process.memoryUsage().arrayBuffers
  assert.is(b2.getSync('src/a.ts#f:big'), undefined, 'over the default maxEntrySize (64 MiB)')
  assert.ok(process.memoryUsage().arrayBuffers - heap < 50 * 1024 * 1024, 'not read into memory')
  assert.is(b2.stats().corrupt, 2)
  assert.not.ok(existsSync(big.path), 'removed')
  const small = file({ dir: ctx.dir, pruneInterval: 0, maxEntrySize: 1024 })
  small.setSync('src/a.ts#f:3', new Uint8Array(4096))
  assert.is(small.getSync('src/a.ts#f:3'), undefined, 'a write over maxEntrySize is dropped')
  await b2.close()
  await small.close()
})

hostile('links as the tag index, the change table or a stamp are not written through', async (ctx) => {
  ctx.b.setSync(K, enc('x'), { tags: ['t'] })
  await ctx.b.close()
  rmSync(ctx.layout.tagPath('t'))
  symlinkSync(join(ctx.v, 'C', 'data.txt'), ctx.layout.tagPath('t'))
  const gens = join(ctx.layout.gens, 'table')
  rmSync(gens)
  symlinkSync(join(ctx.v, 'C', 'deep', 'more.txt'), gens)
  symlinkSync(join(ctx.v, 'ffffffffffffffffffffffffffffffff'), join(ctx.layout.stamps, ctx.layout.tagHash('u')))
  ctx.b = file({ dir: ctx.dir, pruneInterval: 0 })
  ctx.b.setSync(K, enc('y'), { tags: ['t', 'u'], since: 1 })
  assert.is(text(ctx.b.getSync(K)), 'y')
  assert.is(ctx.b.invalidateTagsSync(['t']), 1)
  assert.is(ctx.b.getSync(K), undefined)
})

hostile('v1/g as a link: the backend refuses the directory (a clear error), nothing is written there', async (ctx) => {
  ctx.b.setSync(K, enc('x'))
  await ctx.b.close()
  rmSync(ctx.layout.groups, { recursive: true })
  symlinkSync(ctx.v, ctx.layout.groups)
  ctx.b = file({ dir: ctx.dir, pruneInterval: 0 })
  assert.is(ctx.b.getSync(K), undefined)
  assert.throws(() => ctx.b.setSync(K, enc('y')), /not a directory of this user \(a link\?\)/)
  assert.throws(() => ctx.b.invalidatePrefixSync(['']), /E_BACKEND_UNAVAILABLE|not a directory/)
  rmSync(ctx.layout.groups)
  mkdirSync(ctx.layout.groups)
})

hostile('files and directories are created private: 0600 and 0700', async (ctx) => {
  const old = process.umask(0)
  try {
    const b2 = file({ dir: join(ctx.root, 'private'), pruneInterval: 0 })
    b2.setSync(K, enc('x'), { tags: ['t'] })
    const l = new Layout(join(ctx.root, 'private'))
    const loc = l.locate(K)
    for (const d of [l.root, l.groups, loc.groupDir, l.tags, l.trash]) assert.is(statSync(d).mode & 0o777, 0o700, d)
    for (const f of [loc.path, join(loc.groupDir, '.name'), l.tagPath('t'), join(l.gens, 'table')]) assert.is(statSync(f).mode & 0o777, 0o600, f)
    await b2.close()
  } finally {
    process.umask(old)
  }
})

hostile('every attack at once, then every operation: 0 canaries read-modified, deleted or touched', async (ctx) => {
  const keys = Array.from({ length: 20 }, (_, i) => `src/a.ts#f:${i}`)
  for (const k of keys) ctx.b.setSync(k, enc(k), { tags: ['t'] })
  for (const k of keys) ctx.b.getSync(k)
  const locs = keys.map((k) => ctx.layout.locate(k))
  const target = (i: number) => [ctx.v, join(ctx.v, 'C'), join(ctx.v, 'C', 'data.txt'), '/dev/zero'][i % 4]!
  // Entries as links, FIFOs; groups as links; trash links; crafted index lines; .name FIFO.
  for (let i = 0; i < 8; i++) { rmSync(locs[i]!.path); symlinkSync(target(i), locs[i]!.path) }
  for (let i = 8; i < 10; i++) { rmSync(locs[i]!.path); mkfifo(locs[i]!.path) }
  symlinkSync(ctx.v, join(ctx.layout.trash, 'a'))
  symlinkSync(join(ctx.v, 'C', 'data.txt'), join(ctx.layout.trash, 'b'))
  symlinkSync(ctx.v, join(ctx.layout.groups, '0123456789abcdef0123456789abcdef'))
  symlinkSync(join(ctx.v, 'C'), join(ctx.layout.groups, 'abababababababababababababababab'))
  symlinkSync(ctx.v, join(ctx.layout.claims, `${ctx.layout.tagHash('t')}.1-1-x`))
  const ino = statSync(join(ctx.v, 'C', 'data.txt')).ino
  appendFileSync(ctx.layout.tagPath('t'), `${'../'.repeat(10)}${ctx.v.slice(1)}/C/data.txt ${ino}\n0123456789abcdef0123456789abcdef/0123456789abcdef0123456789abcdef ${statSync(join(ctx.v, '0123456789abcdef0123456789abcdef')).ino}\n`)
  const b2 = file({ dir: ctx.dir, pruneInterval: 0 })
  for (const k of keys) b2.getSync(k)
  for (const k of keys) ctx.b.getSync(k)
  await ctx.b.prune()
  for (const k of keys.slice(0, 12)) b2.setSync(k, enc('again'), { tags: ['t'] })
  await b2.invalidatePrefix(['zzz', 'src/a.ts#f:1'])
  await b2.invalidateTags(['t'])
  await b2.prune()
  b2.clearSync()
  await b2.prune()
  await b2.close()
  assert.ok((b2.stats().corrupt ?? 0) >= 10, `corrupt counted: ${b2.stats().corrupt}`)
})

hostile.run()
