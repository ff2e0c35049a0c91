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
  /**
   * A Standard Schema or a predicate that a value read back from a backend must pass: a
   * {@link https://standardschema.dev Standard Schema} (zod, valibot, arktype...: it passes when
   * its result has no `issues`), a predicate that returns `true` for a good value, or
   * `{ schema, onMemory }`. A value that fails is a miss: counted (`invalid` in metrics), removed
   * from the backend, and recomputed. It only accepts or rejects: the value served is the one read,
   * not the schema's output.
   *
   * It runs once per read from a byte backend (file, Redis, a tiered backend's L2), never on the
   * memory hit path unless `onMemory: true` (then every memory hit of this function is checked and
   * takes the slower general path). Validation is synchronous: a schema or predicate that answers
   * with a promise fails every read (fail closed) and warns once (`FNCACHE_ASYNC_VALIDATE`); a
   * check that throws fails the read and is reported through `onError`.
   * @default no validation
   */
  validate?: StandardSchemaV1Like<Awaited<R>> | ((value: Awaited<R>) => boolean) | {
    schema: StandardSchemaV1Like<Awaited<R>> | ((value: Awaited<R>) => boolean)
    /** Also check values on memory hits (and a tiered backend's L1). @default false */
    onMemory?: boolean
  }
  /**
   * Refresh a hot entry in the background a little before `ttl` ends (XFetch, Vattani et al.,
   * VLDB 2015): a read of a fresh entry refreshes it when
   * `now - missLatency * beta * ln(random()) >= expiry`, where `missLatency` is this process's
   * mean time to compute the function (milliseconds). The chance rises as expiry nears and with
   * the function's cost, so processes sharing an entry do not all miss at the instant it expires.
   * At most one background refresh per key runs, and none while a call of that key is in flight;
   * each is counted (`earlyRefreshes` in metrics). `true` is `{ beta: 1 }`; a larger `beta`
   * refreshes earlier. `random` (a function returning a number in [0, 1)) replaces `Math.random`,
   * for tests. Needs a `ttl`; on a memory backend the function's hits then take the slower general
   * path (they must read the entry's expiry).
   * @default false (entries are recomputed when they expire)
   */
  earlyRefresh?: boolean | { beta?: number; random?: () => number }
  /**
   * How long an empty result is fresh (negative caching): results for which `isEmpty` is true
   * (by default `null` and `undefined`) are stored with this lifetime instead of `ttl`, so
   * lookups of absent records do not reach the source each time and a record created later shows
   * up soon. Milliseconds or a duration string; `0` or `Infinity`: empty results never expire by
   * age, like `ttl`. To not store empty results at all, use {@link CacheOptions.cacheIf}.
   * @default none (empty results live as long as others)
   */
  emptyTtl?: Duration
  /**
   * Which results `emptyTtl` applies to: a result for which this returns `true`. Only with
   * `emptyTtl`. A throwing `isEmpty` is reported and the result stored with the normal `ttl`.
   * @default a result that is `null` or `undefined`
   */
  isEmpty?: (result: Awaited<R>) => boolean
  /**
   * Silences the transform's purity warnings for this function (a read of a reassigned module
   * binding, `Date.now()`, `Math.random()`, `crypto.randomUUID()`, `new Date()`, `this`): say so
   * when the cached result is meant to keep what the first call saw. Build time only.
   * @default false (the build warns about what it sees)
   */
  pure?: boolean
}

/**
 * A {@link https://standardschema.dev Standard Schema} (v1) as `validate` reads it: zod 3.24+,
 * zod 4, valibot 1, arktype 2 and others implement it. Only `~standard.validate` is called.
 */
export interface StandardSchemaV1Like<T = unknown> {
  readonly '~standard': {
    readonly version: 1
    readonly vendor: string
    readonly validate: (value: unknown) => unknown
    readonly types?: { readonly input: unknown; readonly output: T } | undefined
  }
}

/**
 * What compiled code passes to the runtime's `wrap()`: the user's options, normalised at build
 * time, plus what only the compiler knows. Not a user-facing API.
 * @internal
 */
export interface WrapOptions extends Omit<CacheOptions, 'ttl' | 'staleWhileRevalidate' | 'staleIfError' | 'key' | 'emptyTtl'> {
  /** The function id, e.g. `src/users.ts#getUser`. */
  id: string
  /** Milliseconds. */
  ttl?: number
  staleWhileRevalidate?: number
  staleIfError?: number
  emptyTtl?: number
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
  /**
   * The property names of the one parameter's object type (`{ id: number; page: number }`): the
   * memory hit path keys such an object by this shape without looking it up, after checking the
   * object holds exactly these names (else the general path). Set by the transform.
   */
  shape?: readonly string[]
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
  /** Values read back that failed the `validate` option, each treated as a miss. */
  invalid: number
  /** Background refreshes started by the `earlyRefresh` option. */
  earlyRefreshes: number
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
