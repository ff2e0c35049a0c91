// Soft invalidation on the file backend. Soft stamps live beside the hard ones, under `v1/s/soft/`
// (same format, stamps.ts): a write of a value computed at or before one is stored marked stale
// instead of refused. Covered entries are not removed: the time goes into the soft mark slot in
// front of their record (runtime/soft-mark.ts) with one pwrite, which the file CRC does not cover
// (record.ts). Writing in place is safe against a concurrent rewrite: that one renames a new file
// over the name, so the pwrite lands either in the old inode (gone) or in the new one (a value
// marked stale too early costs one refresh, never an old value). Tag entries come from the live
// tag index (not claimed: they stay filed under the tag), checked by inode like a removal.

import { join } from 'node:path'
import { MARK_BYTE, MARK_BYTES, hasMarkSlot, markBytes, recordOf, withMarkSlot } from '../../soft-mark.js'
import { checkGroup, entryPath, type Ctx } from './context.js'
import { isMissing, mkdirp, unlinkIfPresent } from './io.js'
import { groupName } from './groups.js'
import { shardOf } from './layout.js'
import { decodeEntry, HEADER_BYTES } from './record.js'
import { FOREIGN, RDWR_NOFOLLOW, isHash, kindOf, readRegular, removeName } from './safe.js'
import type { InvalidationCtx } from './invalidation.js'
import { Stamps } from './stamps.js'
import { MAX_INDEX_BYTES, parseIndex, type TagLine } from './tag-index.js'

const MAGIC = 0x464e4346 // 'FNCF', record.ts

const softStampsOf = new WeakMap<Ctx, Stamps>()

/** The soft stamps of a directory (made on first use). */
function softStamps(c: Ctx): Stamps {
  let s = softStampsOf.get(c)
  if (s === undefined) {
    const dir = join(c.layout.stamps, 'soft')
    mkdirp(c.fs, dir, 0o700)
    softStampsOf.set(c, (s = new Stamps(c.fs, dir, c.gens)))
  }
  return s
}

/**
 * What to write for a value whose computation started at `since` (hard stamps already checked):
 * `value` itself, a copy marked stale at the earliest soft stamp that overtook it, or undefined
 * to refuse (a record without a slot). Call between stamps.begin() and stamps.end().
 */
export function softWrite(c: InvalidationCtx, key: string, tags: readonly string[], since: number, value: Uint8Array): Uint8Array | undefined {
  const at = softStamps(c).earliestSince(tags.map((t) => c.layout.tagHash(t)), 'k' + c.layout.tagHash(key), key, since)
  if (at === Infinity) return value
  return hasMarkSlot(value) ? withMarkSlot(recordOf(value), at) : undefined
}

/** Soft stamps first, then the writes in progress elsewhere are waited for (as for hard stamps). */
function stampSoft(c: InvalidationCtx, tags: readonly string[], prefixes: readonly string[], at: number): void {
  const soft = softStamps(c)
  for (const tag of new Set(tags)) soft.raise(c.layout.tagHash(tag), at)
  if (prefixes.length > 0) soft.raisePrefixes(prefixes, at)
  c.stamps().drain()
}

export function softInvalidateTags(c: InvalidationCtx, tags: readonly string[], at = Date.now()): number {
  return c.guard('invalidate tags', () => {
    stampSoft(c, tags, [], at)
    return softTags(c, tags, at)
  })
}

export function softInvalidatePrefixes(c: InvalidationCtx, prefixes: readonly string[], at = Date.now()): number {
  return c.guard('invalidate prefixes', () => {
    stampSoft(c, [], prefixes, at)
    return softPrefixes(c, prefixes, at)
  })
}

/**
 * Sets the mark of the entry file at `path` (when `ino` is given, only if it is still that file).
 * An entry without a slot (an older version's) is removed: soft is hard for it. Returns 1 when covered.
 */
function markEntry(c: Ctx, path: string, ino: number | undefined, mark: Uint8Array): number {
  let fd: number
  try { fd = c.fs.openSync(path, RDWR_NOFOLLOW) } catch (e) { if (isMissing(e)) return 0; if ((e as { code?: string }).code === 'ELOOP') return 0; throw e }
  let hard = false
  try {
    const st = c.fs.fstatSync(fd)
    if (!st.isFile() || (ino !== undefined && st.ino !== ino)) return 0
    const head = Buffer.alloc(HEADER_BYTES)
    if (c.fs.readSync(fd, head, 0, HEADER_BYTES, 0) !== HEADER_BYTES || head.readUInt32BE(0) !== MAGIC) return 0
    const valueStart = HEADER_BYTES + head.readUInt32BE(8) + head.readUInt32BE(20)
    const slot = Buffer.alloc(MARK_BYTES)
    if (c.fs.readSync(fd, slot, 0, MARK_BYTES, valueStart) !== MARK_BYTES || slot[0] !== MARK_BYTE) hard = true
    else if (slot[1] === 0x7f && slot[2] === 0xf0) c.fs.writeSync(fd, mark, 0, 8, valueStart + 1) // unmarked: keep an earlier mark
  } finally {
    c.fs.closeSync(fd)
  }
  if (hard) return unlinkIfPresent(c.fs, path) ? 1 : 0
  return 1
}

/** Marks the entries filed under `tags` (their live indexes); bumps their shards. */
function softTags(c: Ctx, tags: readonly string[], at: number): number {
  const mark = markBytes(at)
  const seen = new Set<string>()
  const lines: TagLine[] = []
  for (const tag of new Set(tags)) {
    const path = join(c.layout.tags, c.layout.tagHash(tag))
    const buf = readRegular(c.fs, path, MAX_INDEX_BYTES)
    if (buf === undefined) continue
    if (buf === FOREIGN) { c.counts.corrupt++; removeName(c.fs, path); continue }
    c.counts.corrupt += parseIndex(buf, seen, lines)
  }
  const groups = new Map<string, boolean>()
  let n = 0
  for (const { rel, ino } of lines) {
    const gh = rel.slice(0, 32)
    const kh = rel.slice(33, 65)
    let ok = groups.get(gh)
    if (ok === undefined) groups.set(gh, (ok = checkGroup(c, join(c.layout.groups, gh)) === 'dir'))
    if (!ok) continue
    n += markEntry(c, entryPath(c, gh, kh), ino, mark)
    c.gens.bump(shardOf(kh))
  }
  return n
}

/** Marks the entries whose key starts with one of `prefixes`: reads only the groups they can be in. */
function softPrefixes(c: Ctx, prefixes: readonly string[], at: number): number {
  const mark = markBytes(at)
  if (kindOf(c.fs, c.layout.groups, c.owner) !== 'dir') return 0
  let groups: string[]
  try { groups = c.fs.readdirSync(c.layout.groups) } catch (e) { if (isMissing(e)) return 0; throw e }
  let n = 0
  for (const gh of groups) {
    if (!isHash(gh)) continue
    const dir = join(c.layout.groups, gh)
    if (checkGroup(c, dir) !== 'dir') continue
    const name = groupName(c, dir)
    if (name !== null && !prefixes.some((p) => name.startsWith(p) || p.startsWith(name))) continue
    let names: string[]
    try { names = c.fs.readdirSync(dir) } catch (e) { if (isMissing(e)) continue; throw e }
    for (const kh of names) {
      if (!isHash(kh)) continue
      const path = join(dir, kh)
      const buf = readRegular(c.fs, path, c.maxEntrySize)
      if (buf === undefined || buf === FOREIGN) continue
      const rec = decodeEntry(buf)
      if (rec === undefined || !prefixes.some((p) => rec.key.startsWith(p))) continue
      n += markEntry(c, path, undefined, mark)
      c.gens.bump(shardOf(kh))
    }
  }
  return n
}
