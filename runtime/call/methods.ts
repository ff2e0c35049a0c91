// The methods every cached function carries: invalidate, peek, refresh, warm, key, clear, stats.
// Each mirrors the function's own shape where it returns a value (sync for sync functions). On a
// byte backend (or a tiered backend's L2) they go through the BytePath interface (bound.bytes).

import { DEBUG } from '../debug.js'
import { typeError, warnOnce } from '../errors.js'
import { globalCache, logInvalidation, reportError } from '../global.js'
import type { CachedMethods } from '../types.js'
import type { FnContext } from './context.js'
import { isThenable, type AnyFn } from './types.js'
import { REFRESH, invoke, localTier } from './memory-call.js'

export function methodsOf(ctx: FnContext, wrapper: AnyFn): Omit<CachedMethods<unknown[], unknown>, 'id'> {
  const { prefix, id } = ctx

  function invalidate(...args: unknown[]): Promise<boolean> {
    try {
      return invalidateKey(args)
    } catch (e) {
      return Promise.reject(e)
    }
  }

  function invalidateKey(args: unknown[]): Promise<boolean> {
    const bound = ctx.current()
    const k = ctx.computeKey(args)
    const logical = ctx.logicalOf(k)
    logInvalidation({ keys: [logical] })
    if (DEBUG) ctx.logLogical('invalidate', logical)
    let local = false
    if (bound.store !== null) {
      local = bound.mem!.remove(bound.store, k.key, k.kind)
      if (!bound.tiered) {
        if (local) bound.counters.invalidations++
        return Promise.resolve(local)
      }
    }
    const removed = (r: boolean | undefined): boolean => {
      if (r || local) bound.counters.invalidations++
      return r === true || local
    }
    const r = bound.bytes!.remove(ctx, bound, logical)
    return isThenable(r) ? Promise.resolve(r).then(removed) : Promise.resolve(removed(r))
  }

  // peek and refresh mirror the function's shape: a promise-returning function's reject.
  const shaped = <A extends unknown[]>(f: (this: unknown, ...a: A) => unknown) => function (this: unknown, ...a: A): unknown {
    try {
      return f.apply(this, a)
    } catch (e) {
      if (ctx.returnsPromise) return Promise.reject(e)
      throw e
    }
  }

  function peek(...args: unknown[]): unknown {
    const bound = ctx.current()
    const k = ctx.computeKey(args)
    if (bound.store !== null) {
      const slot = bound.store.slotOf(k.key, k.kind)
      const mem = bound.mem!
      return ctx.ret(slot !== undefined && mem.freshOf(slot) > mem.now() ? mem.valueAt(slot) : undefined)
    }
    const r = bound.bytes!.peek(ctx, bound, ctx.logicalOf(k))
    return ctx.returnsPromise ? Promise.resolve(r) : r
  }

  function refresh(this: unknown, ...args: unknown[]): unknown {
    const bound = ctx.current()
    const k = ctx.computeKey(args)
    if (bound.store === null) return bound.bytes!.refresh(ctx, bound, this, args, ctx.logicalOf(k))
    if (bound.tiered) return bound.bytes!.refresh(ctx, bound, this, args, ctx.logicalOf(k), localTier(bound, k))
    bound.counters.misses++
    return invoke(ctx, bound, this, args, k, REFRESH)
  }

  async function warm(argLists: Iterable<unknown[]>, options: { concurrency?: number } = {}): Promise<{ stored: number; failed: number }> {
    const concurrency = options.concurrency ?? 4
    if (!Number.isInteger(concurrency) || concurrency < 1) {
      throw typeError('E_OPTION', `${id}.warm(): option concurrency must be a positive integer; received ${String(concurrency)}.`)
    }
    const it = argLists[Symbol.iterator]()
    let stored = 0
    let failed = 0
    const worker = async () => {
      for (let n = it.next(); !n.done; n = it.next()) {
        try {
          await wrapper(...n.value)
          stored++
        } catch (e) {
          failed++
          reportError(e, { operation: 'warm', functionId: id }, warnOnce)
        }
      }
    }
    await Promise.all(Array.from({ length: concurrency }, worker))
    return { stored, failed }
  }

  const key = (...args: unknown[]): string => ctx.logicalKey(args)

  async function clear(): Promise<void> {
    const bound = ctx.current()
    logInvalidation({ prefixes: [prefix] })
    if (bound.store !== null) {
      bound.counters.invalidations += bound.mem!.clearStore(bound.store)
      if (!bound.tiered) return
    }
    bound.counters.invalidations += await bound.backend.invalidatePrefix([bound.ns + prefix], { at: globalCache.now() })
  }

  return { invalidate, peek: shaped(peek) as never, refresh: shaped(refresh) as never, warm, key, clear, stats: () => ctx.stats() }
}
