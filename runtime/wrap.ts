// Builds a cached function: key → lookup → dedupe → call → store. The memory hit path is
// specialised by arity (one direct key; two or three primitive arguments through a trie) and
// does one lookup, one freshness test and one counter increment; everything else is the slow
// path in call/.

import { MISS, UNSHAPED, type MemoryStore } from './backends/memory.js'
import { DEBUG } from './debug.js'
import { warnOnce } from './errors.js'
import { G } from './global.js'
import { normalizeOptions, type FnConfig } from './options.js'
import { bytesCall } from './call/bytes-call.js'
import { FnContext, isDirect, type AnyFn } from './call/context.js'
import { memoryCall } from './call/memory-call.js'
import { methodsOf } from './call/methods.js'
import type { CacheOptions, Cached, WrapOptions } from './types.js'
import { enableHint, isUnstableId } from './uncompiled.js'

/** Wraps `fn` with options already normalised by the transform (or by {@link cached}). */
export function wrap<F extends AnyFn>(fn: F, options: WrapOptions): Cached<F> {
  return build(fn, normalizeOptions(fn, options as unknown as Record<string, unknown>)) as Cached<F>
}

/**
 * Wraps `fn` in a cache. Without the compiler transform the id is the function's name and keys
 * use the generic encoder; with it, ids, versions and key builders come from the build.
 */
export function cached<F extends AnyFn>(fn: F, options?: CacheOptions<Parameters<F>, ReturnType<F>>): Cached<F> {
  return build(fn, normalizeOptions(fn, options as Record<string, unknown> | undefined)) as Cached<F>
}

function uniqueId(fn: Function, cfg: FnConfig): string {
  const taken = G.ids.get(cfg.id)
  if (taken === undefined || taken.fn === fn || cfg.compiled) {
    // Compiled ids are unique by construction; a second registration is the same code loaded
    // again (hot reload), which takes the id over.
    G.ids.set(cfg.id, { fn, version: cfg.version })
    return cfg.id
  }
  let n = 2
  while (G.ids.has(`${cfg.id}~${n}`)) n++
  const id = `${cfg.id}~${n}`
  warnOnce('FNCACHE_DUPLICATE_ID', cfg.id, `two different functions are cached under the id "${cfg.id}"; the second one uses "${id}". Give each an explicit { id } (or compile with the fncache macro) so ids stay stable across processes.`)
  G.ids.set(id, { fn, version: cfg.version })
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
    return store.getAny(ctx.computeKey(args), ctx.kindOf)
  } catch {
    return MISS
  }
}

function build(fn: AnyFn, cfg: FnConfig): AnyFn {
  const id = uniqueId(fn, cfg)
  if (id !== cfg.id) cfg = { ...cfg, id, prefix: cfg.prefix === cfg.id + ':' ? id + ':' : cfg.prefix }
  const ctx = new FnContext(fn, cfg)
  // Invalidations must reach this function's entries whatever namespace it stores them under.
  if (cfg.namespace !== undefined) (G.spaces ??= new Set()).add(cfg.namespace)
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
      const b = ctx.current()
      return b.store !== null ? memoryCall(ctx, b, self, args) : bytesCall(ctx, b, self, args)
    } catch (e) {
      return fail(e)
    }
  }

  /** The hit of one non-primitive argument; MISS when it cannot be keyed (the slow path then reports why). */
  let wrapper: AnyFn
  if (cfg.earlyRefresh !== null || cfg.validate?.onMemory === true) {
    // Hits that must read the entry's expiry or check its value (runtime/early-refresh.ts,
    // runtime/validate.ts) take the general path; other functions keep the fast paths below.
    wrapper = function (this: unknown) { return slow(this, arguments) }
  } else if (keyFn === null && keyIdx === null && (params !== null ? !rest && params.length === 1 : fn.length === 1)) {
    const strictOne = params === null
    wrapper = function (this: unknown, a: unknown) {
      const b = ctx.bound
      if (b.gen === G.gen && b.store !== null && (arguments.length === 1 || (arguments.length === 0 && !strictOne))) {
        // isDirect(a), inlined: this is the hit path.
        const t = typeof a
        const direct = t === 'number' ? a !== 0 || 1 / (a as number) > 0 : t === 'string' || t === 'boolean' || a == null || t === 'bigint'
        const v = direct ? b.store.getDirect(a) : objectHit(ctx, b.store, a, arguments)
        if (v !== MISS) {
          b.c.hits++
          return ctx.returnsPromise ? Promise.resolve(v) : v
        }
      }
      return slow(this, arguments)
    }
  } else if (params !== null && !rest && (params.length === 2 || params.length === 3) && keyIdx === null && keyFn === null) {
    // Two or three primitive arguments: a trie lookup by the values themselves, no string built.
    const three = params.length === 3
    const n = params.length
    wrapper = function (this: unknown, a: unknown, b1: unknown, c1: unknown) {
      const b = ctx.bound
      if (b.gen === G.gen && b.store !== null && arguments.length <= n && isDirect(a) && isDirect(b1) && (!three || isDirect(c1))) {
        const v = three ? b.store.getPath3(a, b1, c1) : b.store.getPath2(a, b1)
        if (v !== MISS) {
          b.c.hits++
          return ctx.returnsPromise ? Promise.resolve(v) : v
        }
      }
      return slow(this, arguments)
    }
  } else {
    wrapper = function (this: unknown) {
      const b = ctx.bound
      if (b.gen === G.gen && b.store !== null) {
        let k: unknown
        try {
          k = ctx.computeKey(arguments)
        } catch (e) {
          // A key function that threw is not called a second time by the slow path.
          return fail(e)
        }
        const v = b.store.getAny(k, ctx.kindOf)
        if (v !== MISS) {
          b.c.hits++
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
      let b
      try {
        b = ctx.current()
      } catch (e) {
        return fail(e)
      }
      const before = b.store !== null ? b.c.hits : -1
      const r = inner.apply(this, arguments as never)
      if (before !== -1 && b.c.hits !== before) ctx.logLogical('hit', ctx.logicalKey(arguments))
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
    ctx.current().c.misses++
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
