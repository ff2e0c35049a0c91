// Calls on byte backends (file, Redis, a tiered backend's L2): read the record, check key,
// version and freshness, serve stale or take a lease, call, then write the record. Written once
// as a generator of backend operations that persistent.ts drives sync or async.

import type { Lease } from '../backends/backend.js'
import type { StoredRecord } from '../codec.js'
import { DEBUG } from '../debug.js'
import { typeError, warnOnce } from '../errors.js'
import { G, callEnded, callStarted, invalidatedSince, reportError } from '../global.js'
import { backendOpEnd, clock, entryWritten, missEnd, missStart } from '../metrics.js'
import { FAILED, HELD, corruptRecord, drive, failed, isThenable, type Op } from '../persistent.js'
import { BAD_SIGNATURE, keyMatches, maxRecordBytes, readRecord as decodeStored, writeRecord } from '../record.js'
import { NONE, type Bound, type FnContext, type Local, type Note } from './context.js'
import { DROP, KEEP, STALE, fateOf } from '../soft.js'

/** Distributed stampede protection, on backends that offer acquire() without `lock` settings: lease and wait. */
const LEASE_MS = 10_000
/** First and last pause between re-reads while another process holds the lease. */
const WAIT_MIN_MS = 10
const WAIT_MAX_MS = 200

type Pre = Uint8Array | null | typeof FAILED

/** Writes the record of a result whose computation started at `since` (the runtime's clock). */
export function* putFlow(ctx: FnContext, b: Bound, full: string, value: unknown, args: ArrayLike<unknown>, epoch: number, since: number, local?: Local, note?: Note): Generator<Op, void, unknown> {
  if (!ctx.storable(b, value)) return
  const tags = ctx.tagsFor(b, value, args)
  if (tags === NONE) return
  const logical = full.slice(b.ns.length)
  // soft invalidation (runtime/soft.ts): an overtaken result is dropped, or written marked stale
  const fate = epoch === G.epoch ? KEEP : fateOf(ctx.cfg.swr, invalidatedSince(epoch, logical, tags))
  if (fate === DROP) return
  const now = G.now()
  const fresh = ctx.freshFrom(b, now)
  const rec: StoredRecord = { key: full, version: ctx.cfg.version, created: now, fresh, stale: fresh + ctx.window, tags: tags ?? [], value }
  const bytes = writeRecord(rec, fate === STALE ? now : Infinity)
  if (bytes === undefined) {
    warnOnce('FNCACHE_UNENCODABLE', ctx.id, `${ctx.id} returned a value that cannot be stored (a function, symbol or class instance inside it); such results are returned uncached.`)
    return
  }
  if (bytes.length > maxRecordBytes()) return ctx.tooLarge(bytes.length, maxRecordBytes())
  const ttl = rec.stale === Infinity ? undefined : rec.stale - now
  const written = yield { op: 'set', key: ctx.storageKey(b, logical), bytes, options: { ttl, tags: b.ns === '' ? rec.tags : rec.tags.map((t) => b.ns + t), since } }
  if (written === false) {
    // An invalidation overtook this computation (here or in another process): store nothing, and
    // let callers who joined it start afresh.
    if (note !== undefined) note.refused = true
    return
  }
  // The local tier keeps only what the shared tier accepted, unless an invalidation here came in between.
  if (local !== undefined) {
    const later = epoch === G.epoch ? KEEP : fateOf(ctx.cfg.swr, invalidatedSince(epoch, logical, tags))
    if (later !== DROP) local.put(value, later === STALE || written === 'stale' ? now : fresh, rec.tags)
  }
  entryWritten(b.c, bytes.length)
  b.c.sets++
  if (DEBUG) ctx.logLogical('store', logical)
}

/** The record if it is this call's (fresh or not) and verifies; corrupt ones are counted and removed. */
export function ownRecord(ctx: FnContext, b: Bound, sk: string, full: string, bytes: Uint8Array): StoredRecord | undefined {
  const rec = decodeStored(bytes)
  if (rec === undefined || rec === BAD_SIGNATURE) corruptRecord(b, sk, rec === BAD_SIGNATURE)
  else if (keyMatches(rec.key, full) && rec.version === ctx.cfg.version) return rec
  return undefined
}

/** The record at `sk` (see ownRecord), or FAILED when the backend failed. `pre`: bytes already read (null: known absent). */
function* readRecord(ctx: FnContext, b: Bound, sk: string, full: string, pre?: Pre): Generator<Op, StoredRecord | undefined | typeof FAILED, unknown> {
  const bytes = pre !== undefined ? pre : (yield { op: 'get', key: sk }) as Uint8Array | undefined | typeof FAILED
  if (bytes === FAILED) return FAILED
  if (bytes === undefined || bytes === null) return undefined
  return ownRecord(ctx, b, sk, full, bytes)
}

function* callFlow(ctx: FnContext, b: Bound, self: unknown, args: ArrayLike<unknown>, logical: string, lookup: boolean, local?: Local, pre?: Pre, note?: Note): Generator<Op, unknown, unknown> {
  const full = b.ns + logical
  const sk = ctx.storageKey(b, logical)
  const read = lookup ? yield* readRecord(ctx, b, sk, full, pre) : undefined
  // A backend that just failed a read will likely fail the write too: do not wait for it twice.
  const reachable = read !== FAILED
  const rec = read === FAILED ? undefined : read
  const now = G.now()
  if (rec !== undefined) {
    if (rec.fresh > now) {
      b.c.hits++
      if (DEBUG) ctx.logLogical('hit', logical)
      local?.put(rec.value, rec.fresh, rec.tags)
      return rec.value
    }
    if (now < rec.fresh + ctx.cfg.swr) {
      b.c.staleHits++
      if (DEBUG) ctx.logLogical('stale', logical)
      revalidateBytes(ctx, b, self, args, logical, local)
      return rec.value
    }
  }
  if (lookup) {
    b.c.misses++
    if (DEBUG) ctx.logLogical('miss', logical)
  }
  let lease: Lease | undefined
  if (lookup && reachable && ctx.returnsPromise && b.backend.acquire !== undefined) {
    // Another process may be computing this key: take the lease, or wait (boundedly) for its result.
    const leaseMs = b.backend.lock?.leaseMs ?? LEASE_MS
    const deadline = G.now() + (b.backend.lock?.waitMs ?? leaseMs)
    for (let pause = WAIT_MIN_MS; ; pause = Math.min(WAIT_MAX_MS, pause * 2)) {
      const got = yield { op: 'acquire', key: sk, leaseMs }
      if (got !== HELD) {
        lease = got as Lease | undefined
        // Read again once the lease is ours: the holder before us may have written its result and
        // released between our miss (or last re-read) and this acquire. Computing then would run
        // the function twice, which the lease exists to prevent.
        if (lease !== undefined) {
          const theirs = yield* readRecord(ctx, b, sk, full)
          if (theirs !== undefined && theirs !== FAILED && theirs.fresh > G.now()) {
            yield { op: 'release', lease }
            b.c.dedupedCalls++
            local?.put(theirs.value, theirs.fresh, theirs.tags)
            return theirs.value
          }
        }
        break
      }
      if (G.now() >= deadline) break
      yield { op: 'sleep', ms: pause }
      const theirs = yield* readRecord(ctx, b, sk, full)
      if (theirs !== undefined && theirs !== FAILED && theirs.fresh > G.now()) {
        b.c.dedupedCalls++
        local?.put(theirs.value, theirs.fresh, theirs.tags)
        return theirs.value
      }
    }
  }
  if (!lookup && ctx.returnsPromise && b.backend.acquire !== undefined) {
    // A background refresh takes the lease without waiting: when another process holds it (or has
    // just refreshed), that one refreshes and this one keeps serving stale (soft invalidation's
    // "one refresh per key").
    const got = yield { op: 'acquire', key: sk, leaseMs: b.backend.lock?.leaseMs ?? LEASE_MS }
    if (got === HELD) return undefined
    lease = got as Lease | undefined
    const theirs = lease === undefined ? undefined : yield* readRecord(ctx, b, sk, full)
    if (theirs !== undefined && theirs !== FAILED && theirs.fresh > G.now()) {
      yield { op: 'release', lease: lease! }
      return theirs.value
    }
  }
  const epoch = callStarted()
  const since = G.now()
  try {
    let value: unknown
    const t0 = missStart(b.c)
    try {
      value = yield { op: 'call' }
      missEnd(b.c, t0)
    } catch (err) {
      if (rec !== undefined && G.now() < rec.fresh + ctx.cfg.sie) {
        b.c.staleHits++
        return rec.value
      }
      throw err
    }
    if (reachable) yield* putFlow(ctx, b, full, value, args, epoch, since, local, note)
    else if (local !== undefined && ctx.storable(b, value)) {
      const tags = ctx.tagsFor(b, value, args)
      if (tags !== NONE) local.put(value, ctx.freshFrom(b, G.now()), tags ?? [])
    }
    return value
  } finally {
    callEnded(epoch)
    if (lease !== undefined) yield { op: 'release', lease }
  }
}

/** Runs the whole flow (sync while the backend and the function answer synchronously). */
export function runBytes(ctx: FnContext, b: Bound, self: unknown, args: ArrayLike<unknown>, logical: string, lookup: boolean, local?: Local, pre?: Pre, note?: Note): unknown {
  const call = () => ctx.fn.apply(self, args as unknown[])
  const r = drive(callFlow(ctx, b, self, args, logical, lookup, local, pre, note), b, b.sync && !ctx.returnsPromise, call)
  if (isThenable(r)) ctx.returnsPromise = true
  return r
}

/**
 * The async hit path of byte backends: one get and one decode, then the full flow only when the
 * record is not a fresh hit (its bytes handed over, not read again).
 */
export function asyncBytes(ctx: FnContext, b: Bound, self: unknown, args: ArrayLike<unknown>, logical: string, local?: Local, note?: Note): unknown {
  if (!b.breaker.allow()) return runBytes(ctx, b, self, args, logical, true, local, FAILED, note)
  const full = b.ns + logical
  let pending: Promise<Uint8Array | undefined>
  const t0 = clock.now()
  try {
    pending = b.backend.get(ctx.storageKey(b, logical))
  } catch (e) {
    failed(b, 'get', e)
    return runBytes(ctx, b, self, args, logical, true, local, FAILED, note)
  }
  return pending.then((bytes) => {
    backendOpEnd(b.c, 'get', t0)
    b.breaker.success()
    if (bytes === undefined) return runBytes(ctx, b, self, args, logical, true, local, null, note)
    const rec = decodeStored(bytes)
    if (rec !== undefined && rec !== BAD_SIGNATURE && keyMatches(rec.key, full) && rec.version === ctx.cfg.version && rec.fresh > G.now()) {
      b.c.hits++
      if (DEBUG) ctx.logLogical('hit', logical)
      local?.put(rec.value, rec.fresh, rec.tags)
      return rec.value
    }
    return runBytes(ctx, b, self, args, logical, true, local, bytes, note)
  }, (e) => {
    failed(b, 'get', e)
    return runBytes(ctx, b, self, args, logical, true, local, FAILED, note)
  })
}

function revalidateBytes(ctx: FnContext, b: Bound, self: unknown, args: ArrayLike<unknown>, logical: string, local?: Local): void {
  if (ctx.refreshing.has(logical)) return
  ctx.refreshing.add(logical)
  const argv = Array.from(args)
  const fail = (e: unknown) => {
    ctx.refreshing.delete(logical)
    b.c.errors++
    reportError(e, { operation: 'revalidate', functionId: ctx.id }, warnOnce)
  }
  setTimeout(() => {
    try {
      const r = runBytes(ctx, b, self, argv, logical, false, local)
      if (isThenable(r)) Promise.resolve(r).then(() => ctx.refreshing.delete(logical), fail)
      else ctx.refreshing.delete(logical)
    } catch (e) {
      fail(e)
    }
  }, 0)
}

export function bytesCall(ctx: FnContext, b: Bound, self: unknown, args: ArrayLike<unknown>): unknown {
  const logical = ctx.logicalKey(args)
  if (!b.sync && !ctx.returnsPromise) return probe(ctx, b, self, args, logical)
  if (ctx.cfg.dedupe) {
    const p = ctx.join(logical, () => bytesCall(ctx, ctx.current(), self, args))
    if (p !== undefined) {
      b.c.dedupedCalls++
      return p
    }
  }
  const note: Note = { refused: false }
  const r = b.sync && !ctx.returnsPromise ? runBytes(ctx, b, self, args, logical, true, undefined, undefined, note) : asyncBytes(ctx, b, self, args, logical, undefined, note)
  return ctx.track(logical, r, args, note)
}

/**
 * First call of a function not known to be async, on a backend without sync access: run it
 * uncached to learn whether it returns a promise (then cache as async) or not (a sync function
 * cannot wait for the backend: a TypeError that says so).
 */
export function probe(ctx: FnContext, b: Bound, self: unknown, args: ArrayLike<unknown>, logical: string, local?: Local): unknown {
  const since = G.now()
  const t0 = missStart(b.c)
  const result = ctx.fn.apply(self, args as unknown[])
  if (!isThenable(result)) {
    throw typeError('E_SYNC_ON_ASYNC_BACKEND', `${ctx.id} is synchronous, but backend "${b.name}" (${b.backend.kind}) has no synchronous access; a sync function cannot wait for it.`,
      `make ${ctx.id.split('#').pop()} async, or cache it on a memory or file backend ({ backend: 'default' }).`)
  }
  ctx.returnsPromise = true
  b.c.misses++
  const epoch = callStarted()
  return Promise.resolve(result).then(async (value) => {
    missEnd(b.c, t0)
    try {
      await drive(putFlow(ctx, b, b.ns + logical, value, args, epoch, since, local), b, false, () => undefined)
    } finally {
      callEnded(epoch)
    }
    return value
  }, (err) => {
    callEnded(epoch)
    throw err
  })
}
