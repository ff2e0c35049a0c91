// A call on a byte backend (file, Redis, custom, a tiered backend's L2), from the wrapper's slow
// path: dedupe, then the async hit (one get, one decode) or the whole flow of bytes-flow.ts.
// This module is the byte path the memory path knows only through the BytePath interface
// (context.ts): enableBytes() registers it, and file(), redis() and tiered() call enableBytes(),
// so an app that caches in memory only never loads it (nor the codec, records, signing, breaker).

import type { Backend } from '../backends/backend.js'
import { breakerFor } from '../breaker.js'
import { DEBUG } from '../debug.js'
import { typeError } from '../errors.js'
import { globalCache, callEnded, callStarted } from '../global.js'
import { boundKey } from '../hash.js'
import { backendOpEnd, clock, missEnd, missStart } from '../metrics.js'
import { BAD_SIGNATURE, keyMatches, readRecord } from '../record.js'
import { isThenable, type Bound, type BytePath, type FnContext, type Local, type Note, type Put } from './context.js'
import { FAILED, drive, earlyRefreshBytes, failed, fill, putFlow, runBytes, type ByteBound, type ByteCall } from './bytes-flow.js'
import { dropInvalid, passes } from '../validate.js'

/** The key a byte backend stores a call under: namespace + logical key, bounded by hashing when too long. */
function storageKey(bound: Bound, logical: string): string {
  const full = bound.ns + logical
  return full.length <= globalCache.maxKeyLength ? full : boundKey(full, globalCache.maxKeyLength)
}

/** The slow path of a call on a byte backend. */
function bytesCall(ctx: FnContext, bound: Bound, self: unknown, args: ArrayLike<unknown>): unknown {
  const b = bound as ByteBound
  const logical = ctx.logicalKey(args)
  if (!b.sync && !ctx.returnsPromise) return learnShape(ctx, b, self, args, logical)
  if (ctx.cfg.dedupe) {
    const p = ctx.join(logical, () => bytesCall(ctx, ctx.current(), self, args))
    if (p !== undefined) {
      b.counters.dedupedCalls++
      return p
    }
  }
  const note: Note = { refused: false }
  const call: ByteCall = { self, args, logical, key: storageKey(b, logical), lookup: true, note }
  const r = b.sync && !ctx.returnsPromise ? runBytes(ctx, b, call) : asyncHit(ctx, b, call)
  return ctx.track(logical, r, args, note)
}

/**
 * The async hit path of byte backends: one get and one decode, then the full flow only when the
 * record is not a fresh hit (its bytes handed over, not read again).
 */
function asyncHit(ctx: FnContext, bound: ByteBound, call: ByteCall): unknown {
  // tiered: the epoch when the read leaves, so an invalidation logged meanwhile keeps its answer out of L1 (fill)
  const seen = globalCache.epoch
  const retry = (pre: Uint8Array | null | typeof FAILED) => runBytes(ctx, bound, { ...call, pre, seen })
  if (!bound.breaker.allow()) return retry(FAILED)
  const { logical, key, local } = call
  const full = bound.ns + logical
  let pending: Promise<Uint8Array | undefined>
  const t0 = clock.now()
  try {
    pending = bound.backend.get(key)
  } catch (e) {
    failed(bound, 'get', e)
    return retry(FAILED)
  }
  return pending.then((bytes) => {
    backendOpEnd(bound.counters, 'get', t0)
    bound.breaker.success()
    if (bytes === undefined) return retry(null)
    const rec = readRecord(bytes)
    if (rec !== undefined && rec !== BAD_SIGNATURE && keyMatches(rec.key, full) && rec.version === ctx.cfg.version && rec.fresh > globalCache.now()) {
      // validate: a value that fails is a miss, removed; the full flow then sees no record (runtime/validate.ts).
      if (ctx.cfg.validate !== null && !passes(ctx.cfg.validate, bound, rec.value)) {
        dropInvalid(bound, key)
        return retry(null)
      }
      bound.counters.hits++
      if (DEBUG) ctx.logLogical('hit', logical)
      fill(local, seen, rec)
      if (ctx.cfg.earlyRefresh !== null) earlyRefreshBytes(ctx, bound, call, rec.fresh) // earlyRefresh
      return rec.value
    }
    return retry(bytes)
  }, (e) => {
    failed(bound, 'get', e)
    return retry(FAILED)
  })
}

/**
 * First call of a function not known to be async, on a backend without sync access: run it
 * uncached to learn whether it returns a promise (then cache as async) or not (a sync function
 * cannot wait for the backend: a TypeError that says so).
 */
function learnShape(ctx: FnContext, bound: ByteBound, self: unknown, args: ArrayLike<unknown>, logical: string, local?: Local): unknown {
  const since = globalCache.now()
  const t0 = missStart(bound.counters)
  const result = ctx.fn.apply(self, args as unknown[])
  if (!isThenable(result)) {
    throw typeError('E_SYNC_ON_ASYNC_BACKEND', `${ctx.id} is synchronous, but backend "${bound.name}" (${bound.backend.kind}) has no synchronous access; a sync function cannot wait for it.`,
      `make ${ctx.id.split('#').pop()} async, or cache it on a memory or file backend ({ backend: 'default' }).`)
  }
  ctx.returnsPromise = true
  bound.counters.misses++
  const epoch = callStarted()
  return Promise.resolve(result).then(async (value) => {
    missEnd(bound.counters, t0)
    try {
      await drive(putFlow(ctx, bound, { logical, key: storageKey(bound, logical), value, args, epoch, since, local }), bound, false, () => undefined)
    } finally {
      callEnded(epoch)
    }
    return value
  }, (err) => {
    callEnded(epoch)
    throw err
  })
}

const BYTES: BytePath = {
  call: bytesCall,

  tieredMiss(ctx, bound, self, args, logical, local) {
    const b = bound as ByteBound
    if (!ctx.returnsPromise) return learnShape(ctx, b, self, args, logical, local)
    const note: Note = { refused: false }
    return ctx.track(logical, asyncHit(ctx, b, { self, args, logical, key: storageKey(b, logical), lookup: true, local, note }), args, note)
  },

  tieredPut(ctx, bound, logical, args, local): Put {
    const key = storageKey(bound, logical)
    return (value, epoch, since, note) =>
      drive(putFlow(ctx, bound, { logical, key, value, args, epoch, since, local, note }), bound as ByteBound, false, () => undefined) as Promise<void>
  },

  refresh: (ctx, bound, self, args, logical, local) => runBytes(ctx, bound as ByteBound, { self, args, logical, key: storageKey(bound, logical), lookup: false, local }),

  peek(ctx, bound, logical) {
    const full = bound.ns + logical
    return drive((function* () {
      const bytes = (yield { op: 'get', key: storageKey(bound, logical) }) as Uint8Array | undefined
      const rec = bytes === undefined ? undefined : readRecord(bytes)
      if (rec === undefined || rec === BAD_SIGNATURE || !keyMatches(rec.key, full) || rec.version !== ctx.cfg.version || !(rec.fresh > globalCache.now())) return undefined
      // validate: a value that fails is not served, and removed (runtime/validate.ts).
      if (ctx.cfg.validate !== null && !passes(ctx.cfg.validate, bound, rec.value)) return dropInvalid(bound, storageKey(bound, logical))
      return rec.value
    })(), bound as ByteBound, bound.sync && !ctx.returnsPromise, () => undefined)
  },

  remove(_ctx, bound, logical) {
    return drive((function* () {
      return (yield { op: 'delete', key: storageKey(bound, logical), at: globalCache.now() }) as boolean | undefined
    })(), bound as ByteBound, bound.sync, () => undefined)
  },

  breaker: (backend: Backend) => breakerFor(backend),
}

/**
 * Loads the byte path, so functions can cache on byte backends. file(), redis() and tiered() call
 * it; a backend of your own (one that stores bytes) needs one call before its first use.
 */
export function enableBytes(): void {
  globalCache.bytePath ??= BYTES
}
