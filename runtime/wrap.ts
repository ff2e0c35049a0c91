// cached() and wrap(): user options (or options compiled code passes to wrap()) checked and
// normalised by runtime/options.ts, then built by runtime/build.ts. Compiled code whose options
// need no run-time check calls runtime/wrap-compiled.ts instead, which skips the normaliser.

import { typeError, warnOnce } from './errors.js'
import { normalizeOptions } from './options.js'
import { build, withMethods, type Unchecked } from './build.js'
import { globalCache } from './global.js'
import type { FnContext } from './call/context.js'
import type { AnyFn } from './call/types.js'
import type { FnConfig } from './options.js'
import { methodsOf } from './call/methods.js'
import { asDecorator, instanceKeyed, NOT_DECORATOR } from './decorator.js'
import type { CacheOptions, Cached, CachedDecorator, WrapOptions } from './types.js'
import { enableHint, isUnstableId } from './uncompiled.js'

/** Wraps `fn` with options already normalised by the transform (or by {@link cached}). */
export function wrap<F extends AnyFn>(fn: F, options: WrapOptions): Cached<F> {
  // Compiled code passes instanceKey only to method() (runtime/internal.ts), so that a bundle without
  // @cached methods carries none of runtime/decorator.ts.
  if (options.instanceKey !== undefined) throw typeError('E_OPTION', `${options.id}: option instanceKey applies to @cached methods, compiled through method().`)
  return build(fn, normalizeOptions(fn, options as unknown as Record<string, unknown>), UNCHECKED) as Cached<F>
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
  return build(fn, normalizeOptions(fn, options as Record<string, unknown> | undefined), UNCHECKED)
}

function uniqueId(fn: Function, cfg: FnConfig): string {
  const taken = globalCache.ids.get(cfg.id)
  if (taken === undefined || taken.fn === fn || cfg.compiled) {
    // Compiled ids are unique by construction; a second registration is the same code loaded
    // again (hot reload), which takes the id over (as build.ts claimId).
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

const UNCHECKED: Unchecked = { uniqueId, uncached: uncachedWrapper }
