// The root entry for bundlers and ESM (package.json "exports": browser, worker, edge-light, import):
// the runtime and `cached(fn, options)` for code the transform did not compile, without the macro,
// so babel-plugin-macros, cosmiconfig and resolve never reach a client or edge bundle.
// babel-plugin-macros loads the macro through "main" (index.ts, CommonJS), never through here.
import { cached as runtimeCached } from './runtime/index.js'
import type { Cached, CacheOptions, CachedDecorator } from './runtime/index.js'
import { warnOnce } from './runtime/errors.js'
import { enableHint } from './runtime/uncompiled.js'

export * from './runtime/index.js'
export { tiered, type TieredOptions } from './runtime/backends/tiered.js'

type AnyFn = (...args: any[]) => any

// On globalThis, so two copies of the package in one process (a server bundle beside
// node_modules, two chunks) still warn once between them.
const WARNED = Symbol.for('fncache.uncompiled.warned')

function warnUncompiled(): void {
  const g = globalThis as { [WARNED]?: true }
  if (g[WARNED]) return
  g[WARNED] = true
  warnOnce('FNCACHE_UNCOMPILED', '',
    'cached() from fncache.macro is running without its compile-time transform: ids come from function names ' +
    '(a function without a name, as after minification, gets "anonymous", "anonymous~2", ... by load order: unstable ' +
    'across builds and processes), options are checked at run time and keys use the generic encoder. To compile it: ' +
    enableHint() + '.')
}

/**
 * Wraps `fn` in a cache. Compiled by the transform into the runtime's `wrap(fn, ...)` with a stable
 * id, a source-hash version, checked options and a specialised key; uncompiled (this function), the
 * runtime's `cached(fn, options)` with one `FNCACHE_UNCOMPILED` warning.
 */
export default function cached<F extends AnyFn>(fn: F, options?: CacheOptions<Parameters<F>, ReturnType<F>>): Cached<F>
/** The decorator form, `@cached(options)` on a class method; uncompiled, the same warning. */
export default function cached(options?: CacheOptions): CachedDecorator
export default function cached<This, A extends any[], R>(value: (this: This, ...args: A) => R, context: ClassMethodDecoratorContext<This, (this: This, ...args: A) => R>): (this: This, ...args: A) => R
export default function cached(target: object, key: string | symbol, descriptor: PropertyDescriptor): any
export default function cached(): unknown {
  warnUncompiled()
  // Every argument: a bare decorator passes two or three.
  return (runtimeCached as (...args: unknown[]) => unknown).apply(undefined, arguments as unknown as unknown[])
}

/**
 * `cached.batch(fn, options)` for code the transform did not compile: the runtime's, with the
 * same one-time `FNCACHE_UNCOMPILED` warning.
 */
cached.batch = ((fn, options) => {
  warnUncompiled()
  return runtimeCached.batch(fn, options)
}) as typeof runtimeCached.batch

// One `cached` (as in index.ts): the named import is the default one, which warns when uncompiled.
export { cached }
