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
import type { FnContext } from './context.js'
import { isThenable, type Bound, type BytePath, type Local, type Put } from './types.js'
import { FAILED, drive, earlyRefreshBytes, failed, fill, runBytes, type ByteBound, type ByteCall, type Prefetched } from './bytes-flow.js'
import { putFlow } from './put-flow.js'
import type { StoredRecord } from '../codec.js'
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
  // No closure for join() unless a call is in flight: this is the hit path.
  if (ctx.cfg.dedupe && ctx.inflight.size !== 0) {
    const p = ctx.join(logical, () => bytesCall(ctx, ctx.current(), self, args))
    if (p !== undefined) {
      b.counters.dedupedCalls++
      return p
    }
  }
  const call: ByteCall = { self, args, logical, key: storageKey(b, logical), lookup: true, note: { refused: false } }
  if (b.sync && !ctx.returnsPromise) return ctx.track(logical, runBytes(ctx, b, call), args, call.note!)
  return asyncCall(ctx, b, call)
}

/**
 * An async call: one get; a fresh record is served from its bytes (one decode), anything else
 * goes through the whole flow with the bytes handed over (not read again). The call is
 * registered in flight here and lands in {@link settle}, which owns the rest.
 */
function asyncCall(ctx: FnContext, bound: ByteBound, call: ByteCall): unknown {
  const note = call.note!
  // tiered: the epoch when the read leaves, so an invalidation logged meanwhile keeps its answer out of L1 (fill)
  call.seen = globalCache.epoch
  let pending: Promise<Uint8Array | undefined> | undefined
  const t0 = clock.now()
  if (bound.breaker.allow()) {
    try {
      pending = bound.backend.get(call.key)
    } catch (e) {
      failed(bound, 'get', e)
    }
  }
  if (pending === undefined) return ctx.track(call.logical, runBytes(ctx, bound, { ...call, pre: FAILED }), call.args, note)
  // settle() awaits before anything else, so it cannot land before fly() registers it.
  const p = settle(ctx, bound, call, pending, t0)
  if (ctx.cfg.dedupe) ctx.fly(call.logical, p, call.args, note)
  return p
}

/** The reply of an async call's get: the value of a fresh hit, else the flow's result. Lands the call. */
async function settle(ctx: FnContext, bound: ByteBound, call: ByteCall, pending: Promise<Uint8Array | undefined>, t0: number): Promise<unknown> {
  let pre: Prefetched
  try {
    const bytes = await pending
    backendOpEnd(bound.counters, 'get', t0)
    bound.breaker.success()
    pre = bytes === undefined ? null : bytes
  } catch (e) {
    failed(bound, 'get', e)
    pre = FAILED
  }
  try {
    if (pre !== null && pre !== FAILED) {
      const rec = readRecord(pre)
      if (rec !== undefined && rec !== BAD_SIGNATURE && keyMatches(rec.key, bound.ns + call.logical) && rec.version === ctx.cfg.version && rec.fresh > globalCache.now()) {
        // validate: a value that fails is a miss, removed; the full flow then sees no record (runtime/validate.ts).
        if (ctx.cfg.validate === null || passes(ctx.cfg.validate, bound, rec.value)) return hit(ctx, bound, call, rec)
        dropInvalid(bound, call.key)
        pre = null
      }
    }
    call.pre = pre
    return await runBytes(ctx, bound, call)
  } finally {
    ctx.landFlight(call.logical, call.note!)
  }
}

function hit(ctx: FnContext, bound: ByteBound, call: ByteCall, rec: StoredRecord): unknown {
  bound.counters.hits++
  if (DEBUG) ctx.logLogical('hit', call.logical)
  fill(call.local, call.seen!, rec)
  if (ctx.cfg.earlyRefresh !== null) earlyRefreshBytes(ctx, bound, call, rec.fresh) // earlyRefresh
  return rec.value
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
    return asyncCall(ctx, b, { self, args, logical, key: storageKey(b, logical), lookup: true, local, note: { refused: false } })
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
