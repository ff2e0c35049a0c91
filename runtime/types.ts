// Public types of the runtime: the options a user writes, the options compiled code passes,
// and the shape of a cached function.

/** A duration: milliseconds, or a string such as `'30s'`, `'5m'`, `'1h'`, `'1d'`, `'250ms'`. */
export type Duration = number | `${number}${'ms' | 's' | 'm' | 'h' | 'd' | 'w'}`

/** Options of `cached(fn, options)`. All optional; in compiled code literals are checked at build time. */
export interface CacheOptions<Args extends unknown[] = any[], R = any> {
  /**
   * How long a stored result is fresh: milliseconds or a duration string.
   * `0` or `Infinity`: never expires by age (evicted or invalidated only).
   * @default the `ttl` given to {@link ConfigureOptions}, else no expiry
   */
  ttl?: Duration
  /**
   * After `ttl`, serve the stale value for this long while one background call refreshes it.
   * @default 0 (no stale serving)
   */
  staleWhileRevalidate?: Duration
  /**
   * When a call made after `ttl` throws, serve the stale value for this long instead of the error.
   * @default 0 (errors always reach the caller)
   */
  staleIfError?: Duration
  /**
   * Tags to file the entry under, for `invalidateTags()`. Strings may hold `{param}` or
   * `{param.path}` templates filled from the call's arguments; or a function of the result and
   * the arguments.
   * @default none
   */
  tags?: readonly string[] | ((result: Awaited<R>, ...args: Args) => readonly string[])
  /**
   * The start of the entry's logical key, as seen by `invalidatePrefix()`.
   * @default the function id followed by `:`
   */
  prefix?: string
  /**
   * Which parameters form the key, by name (`['id']`), or a function of the arguments whose
   * result is encoded instead of the arguments.
   * @default every argument
   */
  key?: readonly string[] | ((...args: Args) => unknown)
  /**
   * The name of a backend registered with `configure({ backends })`.
   * @default `'default'` (the in-process memory backend)
   */
  backend?: string
  /**
   * Concurrent callers with one key share one call.
   * @default true
   */
  dedupe?: boolean
  /**
   * A result for which this returns false is returned to the caller but not stored.
   * @default store every result
   */
  cacheIf?: (result: Awaited<R>) => boolean
  /**
   * Replaces the hash of the function's source as the entry version: entries stored under
   * another version are never served.
   * @default the content hash computed by the transform (uncompiled: none)
   */
  version?: string
  /**
   * The function id, normally derived by the transform (`src/users.ts#getUser`).
   * Uncompiled: the function's name.
   * @default the transform's `src/file.ts#binding` (uncompiled: the function's name)
   */
  id?: string
  /**
   * Puts instance state in the key: a function of the receiver (`this`) of each call, whose
   * result is keyed in front of the arguments. For `@cached` methods, whose cache is otherwise
   * one per method, shared by every instance (services are singletons); e.g. per tenant:
   * `instanceKey: (service) => service.tenantId`. Compiled, for `@cached` methods only (on
   * `cached(fn)` a build error: a function has no instance to key on).
   * @default none: one cache per method, shared by every instance
   */
  instanceKey?: (instance: any) => unknown
}

/**
 * What compiled code passes to the runtime's `wrap()`: the user's options, normalised at build
 * time, plus what only the compiler knows. Not a user-facing API.
 * @internal
 */
export interface WrapOptions extends Omit<CacheOptions, 'ttl' | 'staleWhileRevalidate' | 'staleIfError' | 'key'> {
  /** The function id, e.g. `src/users.ts#getUser`. */
  id: string
  /** Milliseconds. */
  ttl?: number
  staleWhileRevalidate?: number
  staleIfError?: number
  /** Argument indices forming the key (compiled from names), or a key function. */
  key?: readonly number[] | readonly string[] | ((...args: any[]) => unknown)
  /** The declared parameter names, for messages and name-based options; `null` marks a parameter that cannot be addressed (destructured or rest). */
  params?: readonly (string | null)[]
  /**
   * A specialised encoder of the key arguments: returns exactly what the generic encoder would
   * return for them, or `undefined` when its type guard does not match (the runtime then falls
   * back to the generic encoder).
   */
  keyOf?: (...args: any[]) => string | undefined
  /** Whether the function is `async` (known from syntax); `undefined`: decided from its results. */
  async?: boolean
  /** True when the last parameter is a rest parameter (the key is then every argument). */
  rest?: boolean
  /** Overrides configure()'s namespace for this function's storage keys. */
  namespace?: string
  /** True when the options come from the transform (no uncompiled warning). */
  compiled?: boolean
}

/** Per-function counters, as returned by `fn.stats()` and inside `metrics().functions`. */
export interface FunctionStats {
  hits: number
  misses: number
  hitRate: number
  sets: number
  staleHits: number
  dedupedCalls: number
  errors: number
  invalidations: number
  evictions: number
  expirations: number
  /** Records that failed to decode (corrupt, truncated or foreign), each treated as a miss. */
  corrupt: number
}

/** What `peek()` returns for a function returning `R`: `Promise<V | undefined>` when `R` is a promise of `V`, else `R | undefined`. */
export type Peeked<R> = R extends PromiseLike<infer V> ? Promise<Awaited<V> | undefined> : R | undefined

/** What `refresh()` returns for a function returning `R`: `Promise<Awaited<R>>` when `R` is a promise, else `R`. */
export type Refreshed<R> = R extends PromiseLike<unknown> ? Promise<Awaited<R>> : R

/** Methods every cached function carries. */
export interface CachedMethods<Args extends unknown[], R> {
  /** The function id, e.g. `src/users.ts#getUser`. */
  readonly id: string
  /** Removes the entry of these arguments. */
  invalidate(...args: Args): Promise<boolean>
  /**
   * The cached value of these arguments, or `undefined`; never calls the function. In the
   * function's own shape: a promise for a function that returns one (async backends must read),
   * the value itself for a sync function.
   */
  peek(...args: Args): Peeked<R>
  /** Calls the function, stores and returns the result, whatever is cached: what the function returns (a promise for an async function). */
  refresh(...args: Args): Refreshed<R>
  /** Fills the cache for each argument list in the background, at most `concurrency` at a time (default 4). Resolves when done; failures are counted, not thrown. */
  warm(argLists: Iterable<Args>, options?: { concurrency?: number }): Promise<{ stored: number; failed: number }>
  /** The logical key of these arguments (`prefix + encodedArgs`). */
  key(...args: Args): string
  /** Removes every entry of this function. */
  clear(): Promise<void>
  /** This function's counters. */
  stats(): FunctionStats
}

export type Cached<F> = F extends (...args: infer A) => infer R ? F & CachedMethods<A, R> : never

/**
 * What `cached(options)` returns: a method decorator for standard decorators (value, context) and
 * TypeScript's `experimentalDecorators` (prototype, key, descriptor). The decorated method's cache
 * methods: `cacheOf(instance, 'name')`.
 */
export interface CachedDecorator {
  <This, A extends any[], R>(value: (this: This, ...args: A) => R, context: ClassMethodDecoratorContext<This, (this: This, ...args: A) => R>): (this: This, ...args: A) => R
  (target: object, key: string | symbol, descriptor: PropertyDescriptor): any
}

/**
 * Options of `cached.batch(fn, options)`: those of {@link CacheOptions} for the per-id function
 * (tag templates name the id `{id}`, whatever the batch parameter is called; no `key`: the key is
 * the id), plus how misses are batched.
 */
export interface BatchOptions<Id = any, R = any> extends Omit<CacheOptions<[id: Id], Promise<R | undefined>>, 'key'> {
  /**
   * The most distinct ids one call of the batch function gets; the misses of one window beyond
   * it go to further calls (1,000 misses with `maxBatch: 100`: 10 calls).
   * @default no limit
   */
  maxBatch?: number
  /**
   * How long to collect misses before calling the batch function: milliseconds or a duration
   * string. `0`: the misses of one turn of the event loop (Node: until `setImmediate`).
   * @default 0 (one turn of the event loop)
   */
  batchWindow?: Duration
}
