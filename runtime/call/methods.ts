// The methods every cached function carries: invalidate, peek, refresh, warm, key, clear, stats.
// Each mirrors the function's own shape where it returns a value (sync for sync functions).

import { DEBUG } from '../debug.js'
import { typeError, warnOnce } from '../errors.js'
import { G, logInvalidation, reportError } from '../global.js'
import { drive } from '../persistent.js'
import { BAD_SIGNATURE, keyMatches, readRecord as decodeStored } from '../record.js'
import type { CachedMethods } from '../types.js'
import { runBytes } from './bytes-call.js'
import { NONE, type AnyFn, type FnContext } from './context.js'
import { invoke, localTier } from './memory-call.js'
import { dropInvalid, passes } from '../validate.js'

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
    const b = ctx.current()
    const key = ctx.computeKey(args)
    const kind = ctx.kindOf
    const logical = prefix + ctx.encodedOf(key, kind)
    logInvalidation({ keys: [logical] })
    if (DEBUG) ctx.logLogical('invalidate', logical)
    let local = false
    if (b.store !== null) {
      local = b.mem!.remove(b.store, key, kind)
      if (!b.tiered) {
        if (local) b.c.invalidations++
        return Promise.resolve(local)
      }
    }
    return Promise.resolve(drive((function* () {
      // Stamped: a computation of this key in flight in another process cannot write it back.
      const r = (yield { op: 'delete', key: ctx.storageKey(b, logical), at: G.now() }) as boolean | undefined
      if (r || local) b.c.invalidations++
      return r === true || local
    })(), b, b.sync, () => undefined))
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
    const b = ctx.current()
    const key = ctx.computeKey(args)
    const kind = ctx.kindOf
    if (b.store !== null) {
      const slot = b.store.slotOf(key, kind)
      return ctx.ret(slot !== undefined && b.mem!.freshOf(slot) > b.mem!.now() ? b.mem!.valueAt(slot) : undefined)
    }
    const logical = prefix + ctx.encodedOf(key, kind)
    const full = b.ns + logical
    const r = drive((function* () {
      const bytes = (yield { op: 'get', key: ctx.storageKey(b, logical) }) as Uint8Array | undefined
      const rec = bytes === undefined ? undefined : decodeStored(bytes)
      if (rec === undefined || rec === BAD_SIGNATURE || !keyMatches(rec.key, full) || rec.version !== ctx.cfg.version || !(rec.fresh > G.now())) return undefined
      // validate: a value that fails is not served, and removed (runtime/validate.ts).
      if (ctx.cfg.validate !== null && !passes(ctx.cfg.validate, b, rec.value)) return dropInvalid(b, ctx.storageKey(b, logical))
      return rec.value
    })(), b, b.sync && !ctx.returnsPromise, () => undefined)
    return ctx.returnsPromise ? Promise.resolve(r) : r
  }

  function refresh(this: unknown, ...args: unknown[]): unknown {
    const b = ctx.current()
    const key = ctx.computeKey(args)
    const kind = ctx.kindOf
    if (b.store === null) return runBytes(ctx, b, this, args, prefix + ctx.encodedOf(key, kind), false)
    if (b.tiered) return runBytes(ctx, b, this, args, prefix + ctx.encodedOf(key, kind), false, localTier(b, key, kind))
    b.c.misses++
    return invoke(ctx, b, this, args, key, kind, false, NONE, 0, null)
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
    const b = ctx.current()
    logInvalidation({ prefixes: [prefix] })
    if (b.store !== null) {
      b.c.invalidations += b.mem!.clearStore(b.store)
      if (!b.tiered) return
    }
    b.c.invalidations += await b.backend.invalidatePrefix([b.ns + prefix], { at: G.now() })
  }

  return { invalidate, peek: shaped(peek) as never, refresh: shaped(refresh) as never, warm, key, clear, stats: () => ctx.stats() }
}
