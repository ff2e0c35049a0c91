// Reading one entry file on a miss of the in-memory read copy: never a link, FIFO or device,
// never more than maxEntrySize; a corrupt or foreign entry is counted and removed, an expired one
// removed. A good entry goes into the read copy (hot.ts) under its shard's generation.

import type { Ctx } from './context.js'
import type { HotCache, HotEntry } from './hot.js'
import type { Touch } from './sweep.js'
import type { Location } from './layout.js'
import { decodeEntry } from './record.js'
import { FOREIGN, readRegular } from './safe.js'
import { removeEntry } from './write.js'

export interface ReadCtx extends Ctx {
  hot: HotCache
  /** The expiry clock. */
  now(): number
  /** Notes a use of an entry file (prune() writes the atimes back: approximate LRU). */
  touch(path: string, t: Touch): void
  fail(operation: string, e: unknown): Error
}

/** A get: the read copy while its shard is unchanged and it has not expired, else the file. */
export function getEntry(c: ReadCtx, key: string): Uint8Array | undefined {
  const h = c.hot.get(key)
  if (h !== undefined) {
    // Served from memory only while no process has changed this shard since the file was read.
    if (c.gens.snapshot(h.shard) === h.gen && h.expires > c.now()) {
      c.touch(h.path, h.touch)
      return h.value
    }
    c.hot.delete(key)
  }
  return readEntry(c, key)
}

export function readEntry(c: ReadCtx, key: string): Uint8Array | undefined {
  const loc = c.layout.locate(key)
  let gen: number
  let buf: Buffer | undefined | typeof FOREIGN
  try {
    gen = c.gens.snapshot(loc.shard) // before the read: a change during it shows next time
    buf = readRegular(c.fs, loc.path, c.maxEntrySize)
  } catch (e) {
    throw c.fail('read an entry', e)
  }
  if (buf === undefined) return undefined
  if (buf === FOREIGN) return corrupt(c, loc)
  const rec = decodeEntry(buf)
  if (rec === undefined || rec.key !== key) return corrupt(c, loc)
  if (rec.expires <= c.now()) {
    c.counts.expirations++
    try { removeEntry(c, loc) } catch (e) { throw c.fail('remove an expired entry', e) }
    return undefined
  }
  const e: HotEntry = { value: rec.value, expires: rec.expires, shard: loc.shard, gen, path: loc.path, touch: { used: 0, expires: rec.expires } }
  c.hot.set(key, e)
  c.touch(loc.path, e.touch)
  return rec.value
}

function corrupt(c: Ctx, loc: Location): undefined {
  c.counts.corrupt++
  try { removeEntry(c, loc) } catch { /* best effort: the next set replaces it */ }
  return undefined
}
