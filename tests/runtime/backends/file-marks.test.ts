// The file backend's write marks (runtime/backends/file/marks.ts: one counter file per instance,
// odd while a conditional write is in progress) and the stamp epoch that lets a writer keep the
// stamps it read (stamps.ts): a stamp raised by another instance after they were read still
// refuses the next write.
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { file } from '../../../runtime/backends/file/index.js'
import { Layout } from '../../../runtime/backends/file/layout.js'

const enc = (s: string) => new TextEncoder().encode(s)
const test = suite<{ dir: string; m: string }>('file write marks and stamp epoch')
test.before.each((ctx) => {
  ctx.dir = mkdtempSync(join(tmpdir(), 'fncache-marks-'))
  ctx.m = join(new Layout(ctx.dir).stamps, 'm')
})
test.after.each((ctx) => { rmSync(ctx.dir, { recursive: true, force: true }) })

/** A pid that no process has now (a child that has exited). */
const deadPid = (): number => Number(spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']).stdout.toString())

test('conditional sets reuse one mark file per instance, left even (idle); close() removes it', async (ctx) => {
  const a = file({ dir: ctx.dir, pruneInterval: 0 })
  for (let i = 0; i < 5; i++) a.setSync(`k${i}`, enc('v'), { tags: ['t'], since: Date.now() })
  const names = readdirSync(ctx.m)
  assert.is(names.length, 1)
  assert.match(names[0]!, new RegExp(`^${process.pid}\\.[0-9a-f]{8}$`))
  const n = readFileSync(join(ctx.m, names[0]!)).readUInt32LE(0)
  assert.is(n, 10, 'begin and end of 5 writes: 10, even')
  assert.not.ok(existsSync(join(new Layout(ctx.dir).stamps, 'w')), 'no per-write mark files')
  await a.close()
  assert.equal(readdirSync(ctx.m), [])
})

test('a mark removed under its writer is made again by the next conditional set', async (ctx) => {
  const a = file({ dir: ctx.dir, pruneInterval: 0 })
  a.setSync('k', enc('v'), { since: Date.now() })
  for (const n of readdirSync(ctx.m)) unlinkSync(join(ctx.m, n))
  a.setSync('k', enc('v'), { since: Date.now() })
  assert.is(readdirSync(ctx.m).length, 1)
  await a.close()
})

test('a drain removes the mark of a dead process (even mid-write) and planted names, never following a link', async (ctx) => {
  const a = file({ dir: ctx.dir, pruneInterval: 0 })
  a.setSync('k', enc('v'), { since: Date.now() })
  const dead = join(ctx.m, `${deadPid()}.0badf00d`)
  const busy = Buffer.alloc(4); busy.writeUInt32LE(7)
  writeFileSync(dead, busy)
  const target = join(ctx.dir, 'target')
  writeFileSync(target, busy)
  symlinkSync(target, join(ctx.m, `${process.ppid}.deadbeef`))
  mkdirSync(join(ctx.m, 'junk'))
  writeFileSync(join(ctx.m, 'junk.txt'), busy)
  const other = file({ dir: ctx.dir, pruneInterval: 0 })
  other.invalidateTagsSync(['t'], { at: Date.now() })
  const left = readdirSync(ctx.m).sort()
  assert.is(left.length, 2, left.join(', ')) // a's mark, and the directory (not ours to remove)
  assert.ok(left.includes('junk'))
  assert.ok(existsSync(target), 'the link target is untouched')
  assert.is(readFileSync(target).readUInt32LE(0), 7)
  await a.close(); await other.close()
})

test('stamps kept by a writer are read again once another instance raised one (tag, key, prefix, soft)', async (ctx) => {
  const a = file({ dir: ctx.dir, pruneInterval: 0 })
  const other = file({ dir: ctx.dir, pruneInterval: 0 })
  // `other` reads (and keeps) the stamps of tag t, key ns#k:1 and the prefixes: none.
  assert.is(other.setSync('ns#k:1', enc('a'), { tags: ['t'], since: 100 }), true)
  await a.invalidateTags(['t'], { at: 200 })
  assert.is(other.setSync('ns#k:1', enc('b'), { tags: ['t'], since: 150 }), false, 'tag stamp')
  assert.is(other.setSync('ns#k:2', enc('a'), { since: 150 }), true)
  await a.delete('ns#k:2', { at: 300 })
  assert.is(other.setSync('ns#k:2', enc('b'), { since: 250 }), false, 'key stamp')
  assert.is(other.setSync('ns#p:1', enc('a'), { since: 250 }), true)
  await a.invalidatePrefix(['ns#p:'], { at: 400 })
  assert.is(other.setSync('ns#p:1', enc('b'), { since: 350 }), false, 'prefix stamp')
  assert.is(other.setSync('ns#s:1', enc('a'), { tags: ['s'], since: 350 }), true)
  await a.invalidateTags(['s'], { at: 500, soft: true })
  assert.is(other.setSync('ns#s:1', enc('b'), { tags: ['s'], since: 450 }), false, 'soft stamp: a value without a mark slot is refused')
  await a.close(); await other.close()
})

test.run()
