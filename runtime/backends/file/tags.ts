// Tag invalidation steps: claim each tag's index file (tag-index.ts), remove the entries its lines
// name when they are still the files written with the tag, then bump their shards and drop the
// claims. The lines come from a file others can write: claim() only yields `<hash>/<hash>` paths.

import { join } from 'node:path'
import { checkGroup, entryPath, type Ctx } from './context.js'
import { isMissing, unlinkIfPresent } from './io.js'
import { shardOf } from './layout.js'
import { claim } from './tag-index.js'

export interface TagWork {
  /** `<gh>/<kh> <ino>` -> ino */
  lines: Map<string, number>
  claimed: string[]
  shards: Set<number>
  /** Group directories checked by this invalidation (one lstat pair per group, not per entry). */
  groups: Map<string, boolean>
}

export function claimTags(c: Ctx, tags: readonly string[]): TagWork {
  const lines = new Map<string, number>()
  const claimed: string[] = []
  for (const tag of new Set(tags)) {
    const th = c.layout.tagHash(tag)
    const got = claim(c.fs, join(c.layout.tags, th), c.layout.claims, th)
    c.counts.corrupt += got.bad
    if (got.claimed !== undefined) claimed.push(got.claimed)
    // An entry rewritten with the tag is listed once per inode: whichever is current goes.
    for (const l of got.lines) lines.set(l.rel + ' ' + l.ino, l.ino)
  }
  return { lines, claimed, shards: new Set(), groups: new Map() }
}

/** Removes the entry at `<gh>/<kh>` if it is still the file written with the tag (same inode). */
export function removeIfSame(c: Ctx, relIno: string, ino: number, work: Pick<TagWork, 'shards' | 'groups'>): number {
  const gh = relIno.slice(0, 32)
  const kh = relIno.slice(33, 65)
  // Bumped even when the entry is already gone: a concurrent invalidation may have removed it
  // without bumping yet, and this one must not resolve while readers could still serve it.
  work.shards.add(shardOf(kh))
  let ok = work.groups.get(gh)
  if (ok === undefined) work.groups.set(gh, (ok = checkGroup(c, join(c.layout.groups, gh)) === 'dir'))
  if (!ok) return 0
  const path = entryPath(c, gh, kh)
  let st
  try { st = c.fs.lstatSync(path) } catch (e) { if (isMissing(e)) return 0; throw e }
  return st.ino === ino && st.isFile() && unlinkIfPresent(c.fs, path) ? 1 : 0
}

export function finishTags(c: Ctx, work: { claimed: string[]; shards: Set<number> }, n: number): number {
  for (const s of work.shards) c.gens.bump(s)
  for (const cl of work.claimed) unlinkIfPresent(c.fs, cl)
  return n
}
