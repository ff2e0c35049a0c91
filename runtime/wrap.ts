// Builds a cached function (cached(), and wrap() for compiled code) and its hit path on memory:
// specialised by arity (one direct key; two or three primitive arguments through a trie), one
// lookup, one freshness test and one counter increment. Everything else is the slow path:
// call/memory-call.ts on memory, the registered byte path (bound.bytes, call/bytes-call.ts) on
// byte backends.

import { MISS, UNSHAPED, type MemoryStore } from './backends/memory.js'
import { DEBUG } from './debug.js'
import { typeError, warnOnce } from './errors.js'
import { globalCache } from './global.js'
import { normalizeOptions, type FnConfig } from './options.js'
import { FnContext, isDirect } from './call/context.js'
import type { AnyFn, CallKey } from './call/types.js'
import { memoryCall } from './call/memory-call.js'
import { methodsOf } from './call/methods.js'
import { asDecorator, instanceKeyed, NOT_DECORATOR } from './decorator.js'
import type { CacheOptions, Cached, CachedDecorator, WrapOptions } from './types.js'
import { enableHint, isUnstableId } from './uncompiled.js'

/** Wraps `fn` with options already normalised by the transform (or by {@link cached}). */
export function wrap<F extends AnyFn>(fn: F, options: WrapOptions): Cached<F> {
  // Compiled code passes instanceKey only to method() (runtime/internal.ts), so that a bundle without
  // @cached methods carries none of runtime/decorator.ts.
  if (options.instanceKey !== undefined) throw typeError('E_OPTION', `${options.id}: option instanceKey applies to @cached methods, compiled through method().`)
  return build(fn, normalizeOptions(fn, options as unknown as Record<string, unknown>)) as Cached<F>
}

/**
 * Wraps `fn` in a cache. Without the compiler transform the id is the function's name and keys
 * use the generic encoder; with it, ids, versions and key builders come from the build.
 */
export function cached<F extends AnyFn>(fn: F, options?: CacheOptions<Parameters<F>, ReturnType<F>>): Cached<F>
/** The decorator form, `@cached(options)` on a class method (see docs/decorators.md). */
export function cached(options?: CacheOptions): CachedDecorator
/** A bare `@cached` (standard decorators). */
export function cached<This, A extends any[], R>(value: (this: This, ...args: A) => R, context: ClassMethodDecoratorContext<This, (this: This, ...args: A) => R>): (this: This, ...args: A) => R
/** A bare `@cached` (TypeScript's experimentalDecorators). */
export function cached(target: object, key: string | symbol, descriptor: PropertyDescriptor): any
export function cached(fn: any, options?: any): any {
  // `@cached(...)` without the transform: the decorator (both protocols), wrapping with cached().
  const decorated = asDecorator(arguments, cached)
  if (decorated !== NOT_DECORATOR) return decorated
  if (options?.instanceKey !== undefined) return instanceKeyed(fn, options, cached)
  return build(fn, normalizeOptions(fn, options as Record<string, unknown> | undefined))
}

function uniqueId(fn: Function, cfg: FnConfig): string {
  const taken = globalCache.ids.get(cfg.id)
  if (taken === undefined || taken.fn === fn || cfg.compiled) {
    // Compiled ids are unique by construction; a second registration is the same code loaded
    // again (hot reload), which takes the id over.
    globalCache.ids.set(cfg.id, { fn, version: cfg.version })
    return cfg.id
  }
  let n = 2
  while (globalCache.ids.has(`${cfg.id}~${n}`)) n++
  const id = `${cfg.id}~${n}`
  warnOnce('FNCACHE_DUPLICATE_ID', cfg.id, `two different functions are cached under the id "${cfg.id}"; the second one uses "${id}". Give each an explicit { id } (or compile with the fncache macro) so ids stay stable across processes.`)
  globalCache.ids.set(id, { fn, version: cfg.version })
  return id
}

/**
 * The one-argument hit path for anything but a primitive: a plain object by its shape and values,
 * else (other objects, -0) by its computed key. MISS when absent.
 */
function objectHit(ctx: FnContext, store: MemoryStore, a: unknown, args: ArrayLike<unknown>): unknown {
  // Whatever throws here (a getter, an argument that cannot be keyed) is a miss: the slow path
  // then fails the call the way the wrapper must (a rejection for a promise-returning function).
  try {
    if (typeof a === 'object') {
      const v = store.getObject(a as object)
      if (v !== UNSHAPED) return v
    }
    const k = ctx.computeKey(args)
    return store.getAny(k.key, k.kind)
  } catch {
    return MISS
  }
}

function build(fn: AnyFn, cfg: FnConfig): AnyFn {
  const id = uniqueId(fn, cfg)
  if (id !== cfg.id) cfg = { ...cfg, id, prefix: cfg.prefix === cfg.id + ':' ? id + ':' : cfg.prefix }
  const ctx = new FnContext(fn, cfg)
  // Invalidations must reach this function's entries whatever namespace it stores them under.
  if (cfg.namespace !== undefined) (globalCache.spaces ??= new Set()).add(cfg.namespace)
  if (cfg.uncached !== null) return uncachedWrapper(fn, ctx, cfg.uncached)
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
    wrapper = function (this: unknown, a: unknown) {
      const bound = ctx.bound
      if (bound.gen === globalCache.gen && bound.store !== null && (arguments.length === 1 || (arguments.length === 0 && !strictOne))) {
        // isDirect(a), inlined: this is the hit path.
        const t = typeof a
        const direct = t === 'number' ? a !== 0 || 1 / (a as number) > 0 : t === 'string' || t === 'boolean' || a == null || t === 'bigint'
        const v = direct ? bound.store.getDirect(a) : objectHit(ctx, bound.store, a, arguments)
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

function withMethods(wrapper: AnyFn, fn: AnyFn, ctx: FnContext, methods: object): AnyFn {
  Object.defineProperties(wrapper, {
    id: { value: ctx.cfg.id, enumerable: true },
    name: { value: fn.name, configurable: true },
    length: { value: fn.length, configurable: true },
  })
  Object.assign(wrapper, methods)
  return wrapper
}

/**
 * An uncompiled wrap whose name-based options cannot be honoured (see FnConfig.uncached): every
 * call goes to the function, since caching under wrong tags or keys would serve values that
 * invalidation cannot reach. Correctness over speed. Calls count as misses, so metrics show it.
 */
function uncachedWrapper(fn: AnyFn, ctx: FnContext, why: { reason: string; idFromName: boolean }): AnyFn {
  const id = ctx.cfg.id
  warnOnce('FNCACHE_UNCACHED', id, `${id}: ${why.reason}. Without the compile-time transform the names of a minified or renamed ` +
    `function are not the ones in your source, so ${id} runs uncached: every call goes to the function. To cache it, ` +
    `compile it with the transform: ${enableHint()}.` +
    (!why.idFromName ? '' : isUnstableId(id)
      ? ` Its id "${id}" comes from load order and is unstable across builds and processes.`
      : ` Its id "${id}" comes from the function's name as it runs, which a minifier may change at every build.`))
  const wrapper = function (this: unknown, ...args: unknown[]) {
    ctx.current().counters.misses++
    return fn.apply(this, args)
  }
  const methods = methodsOf(ctx, wrapper)
  return withMethods(wrapper, fn, ctx, {
    ...methods,
    invalidate: () => Promise.resolve(false),
    peek: () => ctx.ret(undefined),
    refresh(this: unknown, ...args: unknown[]) { return wrapper.apply(this, args) },
    warm: () => Promise.resolve({ stored: 0, failed: 0 }),
    clear: () => Promise.resolve(),
  })
}
