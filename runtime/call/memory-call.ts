// A call that missed the wrapper's hit path on a backend holding live values (memory, or a
// tiered backend's L1), top to bottom: lookup and freshness, stale serving, dedupe, the call,
// stale-if-error, store. A tiered backend's L2 is reached only through the BytePath interface
// (bound.bytes), never by importing the byte path. The validate, earlyRefresh and emptyTtl steps
// are called through their option objects (FnConfig), so an app that sets none of them does not
// bundle their modules.

import { estimateSize } from '../backends/size.js'
import { DEBUG } from '../debug.js'
import { warnOnce } from '../errors.js'
import { globalCache, callEnded, callStarted, invalidatedSince, reportError } from '../global.js'
import { missEnd, missStart } from '../metrics.js'
import type { FnContext } from './context.js'
import { NONE, isThenable, type Bound, type CallKey, type Local, type Note, type Put } from './types.js'
import type { Slot } from '../eviction/policy.js'
import { DROP, KEEP, STALE, fateOf } from '../soft.js'

/** How {@link invoke} runs one computation. */
export interface Invocation {
  /** Register the computation so concurrent callers of its key share it (dedupe). */
  share: boolean
  /** A stale value to serve if the computation fails (stale-if-error), else NONE. */
  stale: unknown
  /** Until when (runtime clock, ms) `stale` may be served. */
  staleUntil: number
  /** Stores the result in a shared tier (tiered backends); null: into this memory store. */
  put: Put | null
}

/** A plain miss: shared, nothing stale to fall back on, stored in memory. */
const PLAIN: Invocation = { share: true, stale: NONE, staleUntil: 0, put: null }
/** refresh(): computed and stored, not shared. */
export const REFRESH: Invocation = { share: false, stale: NONE, staleUntil: 0, put: null }

function putMemory(ctx: FnContext, bound: Bound, k: CallKey, value: unknown, args: ArrayLike<unknown>, epoch: number): void {
  if (!ctx.storable(bound, value)) return
  const tags = ctx.tagsFor(bound, value, args)
  if (tags === NONE) return
  // soft invalidation (runtime/soft.ts): an overtaken result is dropped, or stored stale
  const fate = epoch === globalCache.epoch ? KEEP : fateOf(ctx.cfg.swr, invalidatedSince(epoch, ctx.logicalOf(k), tags))
  if (fate === DROP) return
  if (globalCache.maxEntrySize !== Infinity) {
    const size = estimateSize(value, k.key)
    if (size > globalCache.maxEntrySize) return ctx.tooLarge(size)
  }
  const mem = bound.mem!
  const ttl = ctx.cfg.empty === null ? bound.ttl : ctx.cfg.empty.ttlFor(ctx.cfg.empty, bound.ttl, value, bound.counters, ctx.id) // emptyTtl
  // The clock is read only for entries that expire: most memory caches have no ttl.
  if (mem.put(bound.store!, k.key, k.kind, value, fate === STALE ? mem.now() : ttl > 0 ? mem.now() + ttl : Infinity, tags)) {
    bound.counters.sets++
    if (DEBUG) ctx.log('store', k)
  }
}

/** Where a tiered backend keeps a value in this process. */
export function localTier(bound: Bound, k: CallKey): Local {
  return { put: (value, fresh, tags) => { bound.mem!.put(bound.store!, k.key, k.kind, value, fresh, tags) } }
}

/**
 * Calls the function and stores its result (see {@link Invocation}). Settles dedupe,
 * stale-if-error and the in-flight log. Returns the result (a promise for async results). No
 * closure is made unless the result is a promise: this is the miss path of sync functions.
 */
export function invoke(ctx: FnContext, bound: Bound, self: unknown, args: ArrayLike<unknown>, k: CallKey, how: Invocation): unknown {
  const { put, stale, staleUntil } = how
  const counters = bound.counters
  const epoch = callStarted()
  const note: Note = { refused: false }
  // Only shared tiers need the start time (to refuse a write an invalidation overtook).
  const since = put === null ? 0 : globalCache.now()
  let result: unknown
  const t0 = missStart(counters)
  try {
    result = ctx.fn.apply(self, args as unknown[])
  } catch (err) {
    callEnded(epoch)
    if (stale !== NONE && globalCache.now() < staleUntil) {
      counters.staleHits++
      return stale
    }
    throw err
  }
  if (!isThenable(result)) {
    missEnd(counters, t0)
    try {
      if (put === null) putMemory(ctx, bound, k, result, args, epoch)
      else put(result, epoch, since, note)
    } finally {
      callEnded(epoch)
    }
    return result
  }
  ctx.returnsPromise = true
  const flightKey = how.share ? ctx.logicalOf(k) : null
  const p = Promise.resolve(result).then(
    async (value) => {
      missEnd(counters, t0)
      if (put === null) putMemory(ctx, bound, k, value, args, epoch)
      else await put(value, epoch, since, note)
      return value
    },
    (err) => {
      if (stale !== NONE && globalCache.now() < staleUntil) {
        counters.staleHits++
        return stale
      }
      throw err
    },
  )
  const done = () => {
    if (flightKey !== null) ctx.land(flightKey, p)
    callEnded(epoch)
  }
  p.then(done, done)
  if (ctx.cfg.dedupe && flightKey !== null) ctx.fly(flightKey, p, args, note)
  return p
}

/** One background refresh per key after a stale value was served; failures are counted and reported, never thrown. */
function revalidate(ctx: FnContext, bound: Bound, self: unknown, args: ArrayLike<unknown>, k: CallKey, put: Put | null): void {
  const flightKey = ctx.logicalOf(k)
  if (ctx.refreshing.has(flightKey) || ctx.inflight.has(flightKey)) return
  ctx.refreshing.add(flightKey)
  const argv = Array.from(args)
  const fail = (e: unknown) => {
    ctx.refreshing.delete(flightKey)
    bound.counters.errors++
    reportError(e, { operation: 'revalidate', functionId: ctx.id }, warnOnce)
  }
  setTimeout(() => {
    try {
      const r = invoke(ctx, bound, self, argv, k, put === null ? PLAIN : { ...PLAIN, put })
      if (isThenable(r)) Promise.resolve(r).then(() => ctx.refreshing.delete(flightKey), fail)
      else ctx.refreshing.delete(flightKey)
    } catch (e) {
      fail(e)
    }
  }, 0)
}

/** Tiered backends also write the shared tier (rare enough for a closure); memory stores directly. */
function putFor(ctx: FnContext, bound: Bound, k: CallKey, args: ArrayLike<unknown>): Put | null {
  return bound.tiered ? bound.bytes!.tieredPut(ctx, bound, ctx.logicalOf(k), args, localTier(bound, k)) : null
}

/**
 * A fresh memory hit of a function with `validate: { onMemory: true }` or `earlyRefresh`: the
 * value, counted as a hit; or NONE when it fails validation (counted `invalid`, removed: a miss).
 */
function hitChecks(ctx: FnContext, bound: Bound, self: unknown, args: ArrayLike<unknown>, k: CallKey, slot: Slot, fresh: number): unknown {
  const mem = bound.mem!
  const value = mem.valueAt(slot)
  const v = ctx.cfg.validate
  if (v !== null && v.onMemory && !v.passes(v, bound, value)) {
    mem.remove(bound.store!, k.key, k.kind)
    return NONE
  }
  bound.counters.hits++
  mem.read(slot) // marks the entry used, as a fast-path hit does
  const early = ctx.cfg.earlyRefresh
  if (early !== null && early.due(early, bound.counters, mem.now(), fresh)) {
    const argv = Array.from(args)
    const put = putFor(ctx, bound, k, argv)
    early.start(ctx.logicalOf(k), {
      inflight: ctx.inflight, refreshing: ctx.refreshing, fnId: ctx.id, counters: bound.counters,
      run: () => invoke(ctx, bound, self, argv, k, put === null ? PLAIN : { ...PLAIN, put }),
    })
  }
  return value
}

export function memoryCall(ctx: FnContext, bound: Bound, self: unknown, args: ArrayLike<unknown>): unknown {
  const k = ctx.computeKey(args)
  const mem = bound.mem!
  const counters = bound.counters
  const slot = bound.store!.slotOf(k.key, k.kind)
  let stale: unknown = NONE
  let fresh = 0
  let now = 0
  if (slot !== undefined) {
    fresh = mem.freshOf(slot)
    now = fresh === Infinity ? 0 : mem.now()
    if (fresh === Infinity || fresh > now) {
      // Hits reach here only when wrap.ts's fast path is off: validate onMemory, earlyRefresh.
      if (ctx.cfg.validate?.onMemory !== true && ctx.cfg.earlyRefresh === null) {
        counters.hits++
        return ctx.ret(mem.read(slot))
      }
      const hit = hitChecks(ctx, bound, self, args, k, slot, fresh)
      if (hit !== NONE) return ctx.ret(hit)
    } else if (fresh + ctx.window > now) stale = mem.valueAt(slot)
    else mem.expire(slot)
  }
  const put = putFor(ctx, bound, k, args)
  if (stale !== NONE && now < fresh + ctx.cfg.swr) {
    counters.staleHits++
    if (DEBUG) ctx.log('stale', k)
    revalidate(ctx, bound, self, args, k, put)
    return ctx.ret(stale)
  }
  if (ctx.cfg.dedupe && ctx.inflight.size > 0) {
    const p = ctx.join(ctx.logicalOf(k), () => memoryCall(ctx, ctx.current(), self, args))
    if (p !== undefined) {
      counters.dedupedCalls++
      if (DEBUG) ctx.log('dedupe', k)
      return p
    }
  }
  if (bound.tiered) return bound.bytes!.tieredMiss(ctx, bound, self, args, ctx.logicalOf(k), localTier(bound, k))
  counters.misses++
  if (DEBUG) ctx.log('miss', k)
  return invoke(ctx, bound, self, args, k, stale === NONE ? PLAIN : { share: true, stale, staleUntil: fresh + ctx.cfg.sie, put: null })
}
