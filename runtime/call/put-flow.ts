// Writing the record of a result to a byte backend (putFlow), shared by a miss (callFlow in
// bytes-flow.ts), the first call of a function learning its shape and a tiered backend's L2 put.
// It decides what is stored (cacheIf, tags, soft invalidation's fate of an overtaken
// computation, emptyTtl), encodes the record and yields one `set` for the driver to perform.

import type { StoredRecord } from '../codec.js'
import { DEBUG } from '../debug.js'
import { warnOnce } from '../errors.js'
import { globalCache, invalidatedSince } from '../global.js'
import { entryWritten } from '../metrics.js'
import { maxRecordBytes, writeRecord } from '../record.js'
import { freshFor } from '../empty-ttl.js'
import { DROP, KEEP, STALE, fateOf } from '../soft.js'
import type { Op } from './bytes-flow.js'
import type { FnContext } from './context.js'
import { NONE, type Bound, type Local, type Note } from './types.js'

/** One result to write as a record ({@link putFlow}). */
export interface RecordWrite {
  logical: string
  /** Where the backend stores it (bytes-call.ts storageKey). */
  key: string
  value: unknown
  args: ArrayLike<unknown>
  /** The invalidation epoch the computation started in. */
  epoch: number
  /** When the computation started (the runtime's clock): a backend refuses the write if an invalidation came after. */
  since: number
  local?: Local
  note?: Note
}

/** Writes the record of a result. */
export function* putFlow(ctx: FnContext, bound: Bound, write: RecordWrite): Generator<Op, void, unknown> {
  const { logical, key, value, args, epoch, since, local, note } = write
  if (!ctx.storable(bound, value)) return
  const tags = ctx.tagsFor(bound, value, args)
  if (tags === NONE) return
  // soft invalidation (runtime/soft.ts): an overtaken result is dropped, or written marked stale
  const fate = epoch === globalCache.epoch ? KEEP : fateOf(ctx.cfg.swr, invalidatedSince(epoch, logical, tags))
  if (fate === DROP) return
  const now = globalCache.now()
  const fresh = ctx.cfg.empty === null ? ctx.freshFrom(bound, now) : freshFor(ctx.cfg.empty, bound, now, value, ctx.id) // emptyTtl
  const rec: StoredRecord = { key: bound.ns + logical, version: ctx.cfg.version, created: now, fresh, stale: fresh + ctx.window, tags: tags ?? [], value }
  const bytes = writeRecord(rec, fate === STALE ? now : Infinity)
  if (bytes === undefined) {
    warnOnce('FNCACHE_UNENCODABLE', ctx.id, `${ctx.id} returned a value that cannot be stored (a function, symbol or class instance inside it); such results are returned uncached.`)
    return
  }
  if (bytes.length > maxRecordBytes()) return ctx.tooLarge(bytes.length, maxRecordBytes())
  const ttl = rec.stale === Infinity ? undefined : rec.stale - now
  const ns = bound.ns
  const written = yield { op: 'set', key, bytes, options: { ttl, tags: ns === '' ? rec.tags : rec.tags.map((t) => ns + t), since } }
  if (written === false) {
    // An invalidation overtook this computation (here or in another process): store nothing, and
    // let callers who joined it start afresh.
    if (note !== undefined) note.refused = true
    return
  }
  // The local tier keeps only what the shared tier accepted, unless an invalidation here came in between.
  if (local !== undefined) {
    const later = epoch === globalCache.epoch ? KEEP : fateOf(ctx.cfg.swr, invalidatedSince(epoch, logical, tags))
    if (later !== DROP) local.put(value, later === STALE || written === 'stale' ? now : fresh, rec.tags)
  }
  entryWritten(bound.counters, bytes.length)
  bound.counters.sets++
  if (DEBUG) ctx.logLogical('store', logical)
}
