// Builds a cached function from its normalised options (FnConfig): the hit path on memory,
// specialised by arity (one direct key; two or three primitive arguments through a trie), one
// lookup, one freshness test and one counter increment. Everything else is the slow path:
// call/memory-call.ts on memory, the registered byte path (bound.bytes, call/bytes-call.ts) on
// byte backends. Apart from wrap.ts so that compiled code (runtime/wrap-compiled.ts) reaches it
// without the option normaliser.

import { MISS, UNSHAPED, type MemoryStore } from './backends/memory.js'
import { declaredShape, type Shape } from './backends/object-key.js'
import { DEBUG } from './debug.js'
import { globalCache } from './global.js'
import type { FnConfig } from './options.js'
import { FnContext, isDirect } from './call/context.js'
import type { AnyFn, CallKey } from './call/types.js'
import { memoryCall } from './call/memory-call.js'
import { methodsOf } from './call/methods.js'

/** What only wraps normalised at run time need (runtime/wrap.ts); compiled code's wraps never do. */
export interface Unchecked {
  /** The id to register under: two uncompiled functions of one name get `name~2`, ... */
  uniqueId(fn: Function, cfg: FnConfig): string
  /** The wrapper of a wrap whose name-based options cannot be honoured (FnConfig.uncached). */
  uncached(fn: AnyFn, ctx: FnContext, why: { reason: string; idFromName: boolean }): AnyFn
}

/** Registers a compiled id: unique by construction, so a second registration is the same code loaded again (hot reload), which takes the id over. */
function claimId(fn: Function, cfg: FnConfig): string {
  globalCache.ids.set(cfg.id, { fn, version: cfg.version })
  return cfg.id
}

/**
 * The one-argument hit path for anything but a primitive: a plain object by its shape and values,
 * else (other objects, -0) by its computed key. MISS when absent.
 */
function objectHit(ctx: FnContext, store: MemoryStore, a: unknown, args: ArrayLike<unknown>, shape: Shape | undefined): unknown {
  // Whatever throws here (a getter, an argument that cannot be keyed) is a miss: the slow path
  // then fails the call the way the wrapper must (a rejection for a promise-returning function).
  try {
    if (typeof a === 'object') {
      let v = shape !== undefined ? store.getDeclared(a as object, shape) : UNSHAPED
      if (v === UNSHAPED) v = store.getObject(a as object)
      if (v !== UNSHAPED) return v
    }
    const k = ctx.computeKey(args)
    return store.getAny(k.key, k.kind)
  } catch {
    return MISS
  }
}

/**
 * Builds the wrapper of `fn` from its normalised options. `unchecked` comes with options
 * normalised at run time (runtime/wrap.ts); the compiled entry passes none, so it does not bundle
 * the duplicate-id and uncached-wrap handling.
 */
export function build(fn: AnyFn, cfg: FnConfig, unchecked?: Unchecked): AnyFn {
  const id = unchecked ? unchecked.uniqueId(fn, cfg) : claimId(fn, cfg)
  if (id !== cfg.id) cfg = { ...cfg, id, prefix: cfg.prefix === cfg.id + ':' ? id + ':' : cfg.prefix }
  const ctx = new FnContext(fn, cfg)
  // Invalidations must reach this function's entries whatever namespace it stores them under.
  if (cfg.namespace !== undefined) (globalCache.spaces ??= new Set()).add(cfg.namespace)
  if (cfg.uncached !== null && unchecked) return unchecked.uncached(fn, ctx, cfg.uncached)
  const { keyFn, keyIdx, params, rest } = cfg

  // Every error of the wrapper of a promise-returning function is a rejection (a key that cannot
  // be encoded, a throwing key function, an unregistered backend), so f(x).catch(h) and
  // Promise.allSettled see it; a sync function's wrapper throws. The hit paths below stay outside
  // any try: whatever can throw there is retried (or failed) through here.
  const fail = (e: unknown): unknown => {
    if (ctx.returnsPromise) return Promise.reject(e)
    throw e
  }

  function slow(self: unknown, args: ArrayLike<unknown>): unknown {
    try {
      const bound = ctx.current()
      return bound.store !== null ? memoryCall(ctx, bound, self, args) : bound.bytes!.call(ctx, bound, self, args)
    } catch (e) {
      return fail(e)
    }
  }

  let wrapper: AnyFn
  if (cfg.earlyRefresh !== null || cfg.validate?.onMemory === true) {
    // Hits that must read the entry's expiry or check its value (runtime/early-refresh.ts,
    // runtime/validate.ts) take the general path; other functions keep the fast paths below.
    wrapper = function (this: unknown) { return slow(this, arguments) }
  } else if (keyFn === null && keyIdx === null && (params !== null ? !rest && params.length === 1 : fn.length === 1)) {
    const strictOne = params === null
    // The compiled parameter type's shape (`{ id: number; page: number }`), interned once.
    const shape = cfg.shape !== null ? declaredShape(cfg.shape) : undefined
    wrapper = function (this: unknown, a: unknown) {
      const bound = ctx.bound
      if (bound.gen === globalCache.gen && bound.store !== null && (arguments.length === 1 || (arguments.length === 0 && !strictOne))) {
        // isDirect(a), inlined: this is the hit path.
        const t = typeof a
        const direct = t === 'number' ? a !== 0 || 1 / (a as number) > 0 : t === 'string' || t === 'boolean' || a == null || t === 'bigint'
        const v = direct ? bound.store.getDirect(a) : objectHit(ctx, bound.store, a, arguments, shape)
        if (v !== MISS) {
          bound.counters.hits++
          return ctx.returnsPromise ? Promise.resolve(v) : v
        }
      }
      return slow(this, arguments)
    }
  } else if (params !== null && !rest && (params.length === 2 || params.length === 3) && keyIdx === null && keyFn === null) {
    // Two or three primitive arguments: a trie lookup by the values themselves, no string built.
    const three = params.length === 3
    const n = params.length
    wrapper = function (this: unknown, a: unknown, b: unknown, c: unknown) {
      const bound = ctx.bound
      if (bound.gen === globalCache.gen && bound.store !== null && arguments.length <= n && isDirect(a) && isDirect(b) && (!three || isDirect(c))) {
        const v = three ? bound.store.getPath3(a, b, c) : bound.store.getPath2(a, b)
        if (v !== MISS) {
          bound.counters.hits++
          return ctx.returnsPromise ? Promise.resolve(v) : v
        }
      }
      return slow(this, arguments)
    }
  } else {
    wrapper = function (this: unknown) {
      const bound = ctx.bound
      if (bound.gen === globalCache.gen && bound.store !== null) {
        let k: CallKey
        try {
          k = ctx.computeKey(arguments)
        } catch (e) {
          // A key function that threw is not called a second time by the slow path.
          return fail(e)
        }
        const v = bound.store.getAny(k.key, k.kind)
        if (v !== MISS) {
          bound.counters.hits++
          return ctx.returnsPromise ? Promise.resolve(v) : v
        }
      }
      return slow(this, arguments)
    }
  }

  if (DEBUG) {
    // Hits on a memory store are counted synchronously: a counter that moved during the call is a hit.
    const inner = wrapper
    wrapper = function (this: unknown) {
      let bound
      try {
        bound = ctx.current()
      } catch (e) {
        return fail(e)
      }
      const before = bound.store !== null ? bound.counters.hits : -1
      const r = inner.apply(this, arguments as never)
      if (before !== -1 && bound.counters.hits !== before) ctx.logLogical('hit', ctx.logicalKey(arguments))
      return r
    }
  }

  return withMethods(wrapper, fn, ctx, methodsOf(ctx, wrapper))
}

export function withMethods(wrapper: AnyFn, fn: AnyFn, ctx: FnContext, methods: object): AnyFn {
  Object.defineProperties(wrapper, {
    id: { value: ctx.cfg.id, enumerable: true },
    name: { value: fn.name, configurable: true },
    length: { value: fn.length, configurable: true },
  })
  Object.assign(wrapper, methods)
  return wrapper
}
