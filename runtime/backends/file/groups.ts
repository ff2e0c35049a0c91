// Group directories (`g/<hash(group)>`, one per function): creating one with its `.name`, and
// prefix invalidation, which trashes whole matching groups (one rename each) and reads entries only
// in groups the prefix ends inside of. Names listed from `g/` and from a group are accepted only in
// the layout's own shape (32 hex); links and special files planted there are never followed.

import { join } from 'node:path'
import { checkGroup, unsafe, type Ctx } from './context.js'
import { isMissing, mkdirp, unlinkIfPresent } from './io.js'
import { decodeEntry } from './record.js'
import { FOREIGN, isHash, kindOf, readRegular, removeName } from './safe.js'

let seq = 0
/** A group's text is the key up to its function id: far below this. */
const MAX_NAME_BYTES = 64 * 1024

/** Creates the group directory if needed; a new group records its text for prefix invalidation. */
export function makeGroup(c: Ctx, groupDir: string, group: string): void {
  if (!mkdirp(c.fs, groupDir, c.dirMode)) {
    if (checkGroup(c, groupDir) === 'foreign') throw unsafe(groupDir, 'not a directory of this user')
    return
  }
  if (kindOf(c.fs, groupDir, c.owner) !== 'dir') throw unsafe(groupDir, 'not a directory of this user')
  // Readers treat a missing .name as "scan". 'wx': a name planted at the temp path is never followed.
  const tmp = join(groupDir, `.n${process.pid}-${++seq}`)
  const fd = c.fs.openSync(tmp, 'wx', c.fileMode)
  try { c.fs.writeSync(fd, group) } finally { c.fs.closeSync(fd) }
  c.fs.renameSync(tmp, join(groupDir, '.name'))
}

export function invalidatePrefix(c: Ctx, prefixes: readonly string[]): number {
  let n = 0
  let groups: string[]
  if (kindOf(c.fs, c.layout.groups, c.owner) !== 'dir') throw unsafe(c.layout.groups, 'not a directory of this user (a link?)')
  try { groups = c.fs.readdirSync(c.layout.groups) } catch (e) { if (isMissing(e)) return 0; throw e }
  for (const gh of groups) {
    if (!isHash(gh)) continue // not ours: prune() leaves foreign names alone too
    const dir = join(c.layout.groups, gh)
    if (checkGroup(c, dir) !== 'dir') continue
    const name = groupName(c, dir)
    if (name !== null && prefixes.some((p) => name.startsWith(p))) {
      n += trashGroup(c, dir, gh)
    } else if (name === null || prefixes.some((p) => p.startsWith(name))) {
      n += scanGroup(c, dir, prefixes)
    }
  }
  return n
}

/** The group's text, or null when unknown (absent, or planted as a link or special file: removed). */
export function groupName(c: Ctx, dir: string): string | null {
  const path = join(dir, '.name')
  const buf = readRegular(c.fs, path, MAX_NAME_BYTES)
  if (buf === undefined) return null
  if (buf === FOREIGN) {
    c.counts.corrupt++
    removeName(c.fs, path)
    return null
  }
  return buf.toString('utf8')
}

/** One rename makes the whole group invisible; prune() deletes the files later, in slices. */
function trashGroup(c: Ctx, dir: string, gh: string): number {
  const to = join(c.layout.trash, `${gh}.${process.pid}-${++seq}`)
  try {
    c.fs.renameSync(dir, to)
  } catch (e) {
    if (isMissing(e)) return 0
    throw e
  }
  // Counted without following anything: a link swapped in after the check above is moved, not read.
  if (kindOf(c.fs, to, c.owner) !== 'dir') return 0
  return c.fs.readdirSync(to).filter(isHash).length
}

/** The prefix ends inside this group's keys: read this group's entries (and only these). */
function scanGroup(c: Ctx, dir: string, prefixes: readonly string[]): number {
  let n = 0
  let names: string[]
  try { names = c.fs.readdirSync(dir) } catch (e) { if (isMissing(e)) return 0; throw e }
  for (const name of names) {
    if (!isHash(name)) continue
    const path = join(dir, name)
    const buf = readRegular(c.fs, path, c.maxEntrySize)
    if (buf === undefined) continue
    const rec = buf === FOREIGN ? undefined : decodeEntry(buf)
    if (rec === undefined) {
      c.counts.corrupt++
      removeName(c.fs, path)
    } else if (prefixes.some((p) => rec.key.startsWith(p)) && unlinkIfPresent(c.fs, path)) {
      n++
    }
  }
  return n
}
