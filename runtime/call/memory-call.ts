// Calls on a backend that holds live values (memory, or a tiered backend's L1): stale serving,
// in-flight dedupe, the call itself, stale-if-error, and storing the result.

import { type KeyKind } from '../backends/memory.js'
import { estimateSize } from '../backends/size.js'
import { DEBUG } from '../debug.js'
import { warnOnce } from '../errors.js'
import { G, callEnded, callStarted, invalidatedSince, reportError } from '../global.js'
import { missEnd, missStart } from '../metrics.js'
import { drive, isThenable } from '../persistent.js'
import { asyncBytes, probe, putFlow } from './bytes-call.js'
import { NONE, type Bound, type FnContext, type Local, type Note } from './context.js'
import { DROP, KEEP, STALE, fateOf } from '../soft.js'

/** Stores a result; `since` is when its computation started (the runtime's clock). */
export type Put = (value: unknown, epoch: number, since: number, note: Note) => void | Promise<void>

export function putMemory(ctx: FnContext, b: Bound, key: unknown, kind: KeyKind, value: unknown, args: ArrayLike<unknown>, epoch: number): void {
  if (!ctx.storable(b, value)) return
  const tags = ctx.tagsFor(b, value, args)
  if (tags === NONE) return
  // soft invalidation (runtime/soft.ts): an overtaken result is dropped, or stored stale
  const fate = epoch === G.epoch ? KEEP : fateOf(ctx.cfg.swr, invalidatedSince(epoch, ctx.prefix + ctx.encodedOf(key, kind), tags))
  if (fate === DROP) return
  if (G.maxEntrySize !== Infinity) {
    const size = estimateSize(value, key)
    if (size > G.maxEntrySize) return ctx.tooLarge(size)
  }
  // The clock is read only for entries that expire: most memory caches have no ttl.
  if (b.mem!.put(b.store!, key, kind, value, fate === STALE ? b.mem!.now() : b.ttl > 0 ? b.mem!.now() + b.ttl : Infinity, tags)) {
    b.c.sets++
    if (DEBUG) ctx.log('store', key, kind)
  }
}

/** Where a tiered backend keeps a value in this process. */
export function localTier(b: Bound, key: unknown, kind: KeyKind): Local {
  return { put: (value, fresh, tags) => { b.mem!.put(b.store!, key, kind, value, fresh, tags) } }
}

/** The string that keys a call in flight: its logical key (built only for promise results and stale refreshes). */
function inflightKey(ctx: FnContext, key: unknown, kind: KeyKind): string {
  return ctx.prefix + ctx.encodedOf(key, kind)
}

/**
 * Calls the function and stores its result: into this memory store, or through `put` when given
 * (tiered backends). Settles dedupe (when `share`), stale-if-error and the in-flight log.
 * Returns the result (a promise for async results). No closure is made unless the result is a
 * promise: this is the miss path of sync functions.
 */
export function invoke(ctx: FnContext, b: Bound, self: unknown, args: ArrayLike<unknown>, key: unknown, kind: KeyKind,
  share: boolean, staleValue: unknown, staleUntil: number, put: Put | null): unknown {
  const epoch = callStarted()
  const note: Note = { refused: false }
  // Only shared tiers need the start time (to refuse a write an invalidation overtook).
  const since = put === null ? 0 : G.now()
  let result: unknown
  const t0 = missStart(b.c)
  try {
    result = ctx.fn.apply(self, args as unknown[])
  } catch (err) {
    callEnded(epoch)
    if (staleValue !== NONE && G.now() < staleUntil) {
      b.c.staleHits++
      return staleValue
    }
    throw err
  }
  if (!isThenable(result)) {
    missEnd(b.c, t0)
    try {
      if (put === null) putMemory(ctx, b, key, kind, result, args, epoch)
      else put(result, epoch, since, note)
    } finally {
      callEnded(epoch)
    }
    return result
  }
  ctx.returnsPromise = true
  const ik = share ? inflightKey(ctx, key, kind) : null
  const p = Promise.resolve(result).then(
    async (value) => {
      missEnd(b.c, t0)
      if (put === null) putMemory(ctx, b, key, kind, value, args, epoch)
      else await put(value, epoch, since, note)
      return value
    },
    (err) => {
      if (staleValue !== NONE && G.now() < staleUntil) {
        b.c.staleHits++
        return staleValue
      }
      throw err
    },
  )
  const done = () => {
    if (ik !== null) ctx.land(ik, p)
    callEnded(epoch)
  }
  p.then(done, done)
  if (ctx.cfg.dedupe && ik !== null) ctx.fly(ik, p, args, note)
  return p
}

/** One background refresh per key; failures are counted and reported, never thrown. */
function revalidate(ctx: FnContext, b: Bound, self: unknown, args: ArrayLike<unknown>, key: unknown, kind: KeyKind, put: Put | null): void {
  const ik = inflightKey(ctx, key, kind)
  if (ctx.refreshing.has(ik) || ctx.inflight.has(ik)) return
  ctx.refreshing.add(ik)
  const argv = Array.from(args)
  const fail = (e: unknown) => {
    ctx.refreshing.delete(ik)
    b.c.errors++
    reportError(e, { operation: 'revalidate', functionId: ctx.id }, warnOnce)
  }
  setTimeout(() => {
    try {
      const r = invoke(ctx, b, self, argv, key, kind, true, NONE, 0, put)
      if (isThenable(r)) Promise.resolve(r).then(() => ctx.refreshing.delete(ik), fail)
      else ctx.refreshing.delete(ik)
    } catch (e) {
      fail(e)
    }
  }, 0)
}

export function memoryCall(ctx: FnContext, b: Bound, self: unknown, args: ArrayLike<unknown>): unknown {
  const key = ctx.computeKey(args)
  const kind = ctx.kindOf
  const mem = b.mem!
  const store = b.store!
  const slot = store.slotOf(key, kind)
  let stale: unknown = NONE
  let fresh = 0
  let now = 0
  if (slot !== undefined) {
    fresh = mem.freshOf(slot)
    now = fresh === Infinity ? 0 : mem.now()
    if (fresh === Infinity || fresh > now) {
      b.c.hits++
      return ctx.ret(mem.read(slot))
    }
    if (fresh + ctx.window > now) stale = mem.valueAt(slot)
    else mem.expire(slot)
  }
  // Tiered backends also write the shared tier (rare enough for a closure); memory stores directly.
  const put: Put | null = b.tiered
    ? (value, epoch, since, note) => drive(putFlow(ctx, b, b.ns + ctx.prefix + ctx.encodedOf(key, kind), value, args, epoch, since, localTier(b, key, kind), note),
      b, false, () => undefined) as Promise<void>
    : null
  if (stale !== NONE && now < fresh + ctx.cfg.swr) {
    b.c.staleHits++
    if (DEBUG) ctx.log('stale', key, kind)
    revalidate(ctx, b, self, args, key, kind, put)
    return ctx.ret(stale)
  }
  if (ctx.cfg.dedupe && ctx.inflight.size > 0) {
    const p = ctx.join(inflightKey(ctx, key, kind), () => memoryCall(ctx, ctx.current(), self, args))
    if (p !== undefined) {
      b.c.dedupedCalls++
      if (DEBUG) ctx.log('dedupe', key, kind)
      return p
    }
  }
  if (b.tiered) return tieredMiss(ctx, b, self, args, key, kind, inflightKey(ctx, key, kind))
  b.c.misses++
  if (DEBUG) ctx.log('miss', key, kind)
  return invoke(ctx, b, self, args, key, kind, true, stale, fresh + ctx.cfg.sie, put)
}

/** A miss in a tiered backend's L1: the shared tier answers (or the function runs), and L1 keeps the value. */
function tieredMiss(ctx: FnContext, b: Bound, self: unknown, args: ArrayLike<unknown>, key: unknown, kind: KeyKind, logical: string): unknown {
  const ik = logical
  const local = localTier(b, key, kind)
  if (!ctx.returnsPromise) return probe(ctx, b, self, args, logical, local)
  const note: Note = { refused: false }
  return ctx.track(ik, asyncBytes(ctx, b, self, args, logical, local, note), args, note)
}
