// The package's CommonJS entry behind "main" (and Node's `require` condition). One default export for
// two worlds: babel-plugin-macros requires it and calls it as a macro (the Babel side is loaded
// lazily, only then); user code that runs without the transform calls it as `cached(fn, options)`.
// Bundlers and ESM imports get browser.ts instead, which has no macro.
import uncompiled from './browser.js'
import type { Cached, CacheOptions, CachedDecorator } from './runtime/index.js'

export * from './runtime/index.js'
// The two-tier backend is isomorphic (no node: imports): reachable from the root as well as from
// fncache.macro/redis, beside the memory backend.
export { tiered, type TieredOptions } from './runtime/backends/tiered.js'

type AnyFn = (...args: any[]) => any

/** The arguments babel-plugin-macros passes to a macro. */
interface MacroCall {
  isBabelMacrosCall: true
  source: string
  [key: string]: unknown
}

/**
 * Wraps `fn` in a cache. Compiled by the macro into the runtime's `wrap(fn, ...)` with a stable id,
 * a source-hash version, checked options and a specialised key; uncompiled, the runtime's
 * `cached(fn, options)` (and one `FNCACHE_UNCOMPILED` warning).
 */
function cached<F extends AnyFn>(fn: F, options?: CacheOptions<Parameters<F>, ReturnType<F>>): Cached<F>
/** The decorator form, `@cached(options)` on a class method: compiled by the macro like `cached(fn)`. */
function cached(options?: CacheOptions): CachedDecorator
function cached<This, A extends any[], R>(value: (this: This, ...args: A) => R, context: ClassMethodDecoratorContext<This, (this: This, ...args: A) => R>): (this: This, ...args: A) => R
function cached(target: object, key: string | symbol, descriptor: PropertyDescriptor): any
function cached(fnOrMacroCall?: AnyFn | MacroCall | CacheOptions | object): unknown {
  if (typeof fnOrMacroCall !== 'function' && fnOrMacroCall && (fnOrMacroCall as MacroCall).isBabelMacrosCall === true) {
    // Only reached through babel-plugin-macros, which loads this entry with require().
    return (require('./macro/index.js') as { default: (args: MacroCall) => unknown }).default(fnOrMacroCall as MacroCall)
  }
  return (uncompiled as (...args: unknown[]) => unknown).apply(undefined, arguments as unknown as unknown[])
}

// `cached.batch(fn, options)`: compiled, the macro plans the member call like `cached(...)`;
// uncompiled, the runtime's with the same one-time warning.
cached.batch = uncompiled.batch

// What babel-plugin-macros checks before calling a macro (createMacro sets the same two fields).
;(cached as unknown as { isBabelMacro: boolean }).isBabelMacro = true
;(cached as unknown as { options: { configName: string } }).options = { configName: 'fncache' }

export default cached
// The named import is the same macro (compiled alike); uncompiled, the same warning wrapper. A
// local export wins over the runtime's `cached` from `export *`.
export { cached }
