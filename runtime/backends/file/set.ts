// One set: where the entry goes, and for a conditional set (`since`: what a cached call stores)
// the check that no invalidation overtook the computation, bracketed by this instance's write
// mark (stamps.ts and marks.ts say why that closes the window against other processes).

import type { SetOptions } from '../backend.js'
import { overtaken, type InvalidationCtx } from './invalidation.js'
import type { ReadCtx } from './read.js'
import { encodeEntry } from './record.js'
import { softWrite } from './soft.js'
import { writeEntry, type WriteCtx } from './write.js'

/** Writes `value` under `key`: true, 'stale' (written marked stale by a soft stamp), or false (refused). */
export function storeEntry(c: WriteCtx & InvalidationCtx & ReadCtx, key: string, value: Uint8Array, options: SetOptions | undefined): boolean | 'stale' {
  const ttl = options?.ttl
  const expires = ttl === undefined || ttl === Infinity ? Infinity : c.now() + ttl
  const tags = options?.tags ?? []
  const loc = c.layout.locate(key)
  c.hot.delete(key)
  const since = options?.since
  if (since === undefined) {
    writeEntry(c, loc, encodeEntry(key, value, expires, tags), expires, tags)
    return true
  }
  // A value computed before its key, a prefix of it or one of its tags was invalidated (by any
  // process) is not written. Marked in progress first, then the stamps are read.
  const stamps = c.stamps()
  c.guard('set', () => stamps.marks.begin())
  try {
    if (c.guard('set', () => overtaken(c, key, tags, since))) return false
    // soft invalidation (soft.ts): overtaken by a soft stamp only, the value is written marked stale
    const soft = c.guard('set', () => softWrite(c, key, tags, since, value))
    if (soft === undefined) return false
    writeEntry(c, loc, encodeEntry(key, soft, expires, tags), expires, tags)
    return soft === value ? true : 'stale'
  } finally {
    stamps.marks.end()
  }
}
