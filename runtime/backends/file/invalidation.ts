// The file backend's invalidations (one key, tags, prefixes, everything) and the stamps that make
// a value computed before one of them unwritable after it (stamps.ts says how). Each stamps first,
// then removes: a write that checks after the stamp is refused; one that checked before it is
// waited for (drain), so its entry is in place (and its line in the claimed tag index) when the
// removal runs.

import { join } from 'node:path'
import type { InvalidateOptions } from '../backend.js'
import type { Ctx } from './context.js'
import { invalidatePrefix } from './groups.js'
import { isMissing, mkdirp } from './io.js'
import type { Stamps } from './stamps.js'
import { claimTags, finishTags, removeIfSame } from './tags.js'
import { removeEntry, uniqueSuffix } from './write.js'

export interface InvalidationCtx extends Ctx {
  /** The stamp store, made on first use. */
  stamps(): Stamps
  /** Runs `f`, turning a filesystem failure into the backend's error naming `operation`. */
  guard<T>(operation: string, f: () => T): T
}

/**
 * Whether an invalidation of the key, a prefix of it or one of its tags came at or after `since`
 * (the value may predate it). Call between stamps.begin() and stamps.end().
 */
export function overtaken(c: InvalidationCtx, key: string, tags: readonly string[], since: number): boolean {
  return c.stamps().overtook(tags.map((t) => c.layout.tagHash(t)), 'k' + c.layout.tagHash(key), key, since)
}

export function deleteKey(c: InvalidationCtx, key: string, options: InvalidateOptions | undefined): boolean {
  return c.guard('delete an entry', () => {
    if (options?.at !== undefined) {
      c.stamps().raise('k' + c.layout.tagHash(key), options.at)
      c.stamps().drain()
    }
    return removeEntry(c, c.layout.locate(key))
  })
}

function stampTags(c: InvalidationCtx, tags: readonly string[], options: InvalidateOptions | undefined): void {
  if (options?.at === undefined) return
  for (const tag of new Set(tags)) c.stamps().raise(c.layout.tagHash(tag), options.at)
  c.stamps().drain()
}

export function invalidateTagsNow(c: InvalidationCtx, tags: readonly string[], options: InvalidateOptions | undefined): number {
  return c.guard('invalidate tags', () => {
    stampTags(c, tags, options)
    const work = claimTags(c, tags)
    let n = 0
    for (const [rel, ino] of work.lines) n += removeIfSame(c, rel, ino, work)
    return finishTags(c, work, n)
  })
}

/** As invalidateTagsNow, yielding to the event loop every ~5 ms (1,000 entries take ~20 ms). */
export async function invalidateTagsYielding(c: InvalidationCtx, tags: readonly string[], options: InvalidateOptions | undefined): Promise<number> {
  const work = c.guard('invalidate tags', () => {
    stampTags(c, tags, options)
    return claimTags(c, tags)
  })
  let n = 0
  let t0 = performance.now()
  for (const [rel, ino] of work.lines) {
    n += c.guard('invalidate tags', () => removeIfSame(c, rel, ino, work))
    if (performance.now() - t0 > 5) {
      await new Promise((r) => setImmediate(r))
      t0 = performance.now()
    }
  }
  return c.guard('invalidate tags', () => finishTags(c, work, n))
}

export function invalidatePrefixes(c: InvalidationCtx, prefixes: readonly string[], options: InvalidateOptions | undefined): number {
  return c.guard('invalidate prefixes', () => {
    if (options?.at !== undefined) {
      c.stamps().raisePrefixes(prefixes, options.at)
      c.stamps().drain()
    }
    const n = invalidatePrefix(c, prefixes)
    // Always: a concurrent invalidation may have moved the group away and not bumped yet.
    c.gens.bumpAll()
    return n
  })
}

/** Moves the entry and tag trees to trash (prune() empties it) and starts empty ones. */
export function clearAll(c: InvalidationCtx, options: InvalidateOptions | undefined): void {
  c.guard('clear', () => {
    if (options?.at !== undefined) {
      c.stamps().raisePrefixes([''], options.at)
      c.stamps().drain()
    }
    const stamp = uniqueSuffix()
    for (const sub of [c.layout.groups, c.layout.tags]) {
      try { c.fs.renameSync(sub, join(c.layout.trash, `${sub.slice(-1)}.${stamp}`)) } catch (e) { if (!isMissing(e)) throw e }
      mkdirp(c.fs, sub, c.dirMode)
    }
    c.gens.bumpAll()
  })
}
