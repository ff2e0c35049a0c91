// Writing one entry file so that no reader ever sees half of it, and removing one: temp file in
// the same directory → write → mtime := expiry → [fsync] → tag lines → rename → confirm tag lines
// → bump the shard's generation. Any failure removes the temp file: no partial entry.

import { join } from 'node:path'
import { checkGroup, unsafe, type Ctx } from './context.js'
import { makeGroup } from './groups.js'
import { isMissing } from './io.js'
import type { Location } from './layout.js'
import { removeName } from './safe.js'
import { mtimeOf } from './sweep.js'
import { appendLines, closeAll, confirm, lineOf } from './tag-index.js'

/** What a write needs beyond the shared context. */
export interface WriteCtx extends Ctx {
  fsync: boolean
  /** Access order for the atime (real time, strictly increasing in the process). */
  stamp(): number
  /** Wraps a filesystem failure in the backend's error, naming the operation. */
  fail(operation: string, e: unknown): Error
}

let seq = 0

/** A name part no other write of this process uses: `<pid>-<n>`. */
export function uniqueSuffix(): string {
  return `${process.pid}-${++seq}`
}

/** Removes an entry by name (never through a planted group link) and bumps its shard. */
export function removeEntry(c: Ctx, loc: Location): boolean {
  // Removing through a planted group link would delete a file elsewhere: check, then unlink the name.
  const removed = checkGroup(c, loc.groupDir) === 'dir' && removeName(c.fs, loc.path)
  // Even when absent: another process may have unlinked it and not bumped yet.
  c.gens.bump(loc.shard)
  return removed
}

/** Writes the entry at `loc` (see the header). A write that keeps racing invalidations (its group renamed away) is dropped after a few tries. */
export function writeEntry(c: WriteCtx, loc: Location, bytes: Uint8Array, expires: number, tags: readonly string[], attempt = 0): void {
  const fs = c.fs
  // Too big to be read back (maxEntrySize): the old entry goes, the new one is not written.
  if (bytes.length > c.maxEntrySize) {
    try { removeEntry(c, loc) } catch (e) { throw c.fail('remove an entry', e) }
    return
  }
  // Never write through a link planted as the group directory (or `g/`): it is removed first.
  let group
  try { group = checkGroup(c, loc.groupDir) } catch (e) { throw c.fail('check a group', e) }
  if (group === 'foreign') throw c.fail('write an entry', unsafe(loc.groupDir, 'not a directory of this user'))
  const tmp = join(loc.groupDir, `.t${uniqueSuffix()}`)
  let fd = -1
  let renamed = false
  try {
    try {
      fd = fs.openSync(tmp, 'wx', c.fileMode)
    } catch (e) {
      if (!isMissing(e)) throw e
      makeGroup(c, loc.groupDir, loc.group)
      fd = fs.openSync(tmp, 'wx', c.fileMode)
    }
    for (let off = 0; off < bytes.length;) off += fs.writeSync(fd, bytes, off, bytes.length - off)
    fs.futimesSync(fd, c.stamp() / 1000, mtimeOf(expires) / 1000)
    if (c.fsync) fs.fsyncSync(fd)
    const ino = tags.length > 0 ? fs.fstatSync(fd).ino : 0
    fs.closeSync(fd)
    fd = -1
    const paths = tags.map((t) => c.layout.tagPath(t))
    const line = lineOf(loc.gh, loc.kh, ino)
    const tagFds = tags.length > 0 ? appendLines(fs, paths, line, c.fileMode) : []
    try {
      fs.renameSync(tmp, loc.path)
      renamed = true
    } finally {
      if (!renamed) closeAll(fs, tagFds)
    }
    if (tags.length > 0) confirm(fs, paths, tagFds, line, c.fileMode)
    if (c.fsync) syncDir(c, loc.groupDir)
    c.gens.bump(loc.shard)
  } catch (e) {
    if (fd >= 0) try { fs.closeSync(fd) } catch { /* closed */ }
    if (!renamed) try { fs.unlinkSync(tmp) } catch { /* moved or never made */ }
    if (!renamed && isMissing(e) && fd < 0) {
      // The group directory was renamed away by a concurrent invalidation or clear: write again.
      // After a few such races in a row the write is dropped; it raced invalidations each time.
      if (attempt < 4) return writeEntry(c, loc, bytes, expires, tags, attempt + 1)
      return
    }
    throw c.fail('write an entry', e)
  }
}

function syncDir(c: Ctx, dir: string): void {
  const fd = c.fs.openSync(dir, 'r')
  try { c.fs.fsyncSync(fd) } finally { c.fs.closeSync(fd) }
}
