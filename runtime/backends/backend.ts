// The Backend interface: the only contract between the runtime and a store of bytes.
// Serialization, TTL semantics, staleness, tags-as-data and metrics live in runtime/, once.

/** Options of {@link Backend.set}. */
export interface SetOptions {
  /**
   * Milliseconds after which the backend may drop the record (the runtime adds the stale windows
   * itself). `undefined` or `Infinity`: keep until evicted or invalidated.
   */
  ttl?: number
  /** Tags the record is filed under, for {@link Backend.invalidateTags}. */
  tags?: readonly string[]
  /**
   * When the computation of this value started (ms, the runtime's clock). A backend that stamps
   * invalidations (see {@link InvalidateOptions.at}) refuses the write when one of `tags`, the key
   * itself or a prefix of it was invalidated at or after it: the value may predate that
   * invalidation. `set` then resolves `false`. Optional to honour.
   */
  since?: number
}

/** Options of {@link Backend.invalidateTags}, {@link Backend.invalidatePrefix} and {@link Backend.delete}. */
export interface InvalidateOptions {
  /**
   * When the invalidation started (ms, the runtime's clock), for backends that stamp what they
   * invalidate: a later write of a value whose computation started at or before it is refused.
   */
  at?: number
  /**
   * Soft invalidation (tags and prefixes): covered records are marked stale at `at` instead of
   * deleted (the mark slot in front of each record the runtime writes: runtime/soft-mark.ts), and
   * `at` is stamped as a soft stamp, so a later write of a value computed at or before it is
   * stored marked (`set` resolves `'stale'`) instead of refused. Optional to honour: a backend
   * that ignores it deletes, which is always safe (soft is then hard).
   */
  soft?: boolean
}

/** Counters a backend reports about itself. Every field is optional. */
export interface BackendStats {
  entries?: number
  bytes?: number
  evictions?: number
  expirations?: number
  corrupt?: number
  errors?: number
}

/** A held distributed lease (stampede protection). */
export interface Lease {
  /** Releases the lease if this holder still owns it; never throws. */
  release(): Promise<void>
}

/** What changed: storage keys written or deleted, tags or prefixes invalidated, or everything. */
export type BusPayload =
  | { op: 'delete'; keys: string[]; /** true for an invalidation (not a write's notice) */ invalidate?: boolean }
  | { op: 'tags'; tags: string[]; /** a soft invalidation: L1 copies become stale */ soft?: boolean }
  | { op: 'prefix'; prefixes: string[]; soft?: boolean }
  | { op: 'clear' }

/** What one process tells the others that share a backend (tiered L1 caches drop what it names). */
export type BusMessage = { origin: string } & BusPayload

/** A broadcast channel shared by every process using one backend (Redis pub/sub). */
export interface Bus {
  /**
   * Sends to every subscriber, this process's included (receivers skip their own `origin`);
   * resolves once every receiver has applied it, where the bus can know (Redis: acknowledgements).
   */
  publish(message: BusMessage): Promise<void>
  /** Starts delivery to `onMessage`; resolves once subscribed. */
  subscribe(onMessage: (message: BusMessage) => void): Promise<void>
  close(): Promise<void>
}

/**
 * A store of opaque byte records under string keys. All methods are async; a backend that can
 * answer synchronously (memory, file) also implements the `*Sync` twins, which lets sync
 * functions be cached on it.
 */
export interface Backend {
  /** A short name for logs and metrics labels, e.g. `'file'`. */
  readonly kind: string
  /** Returns the record, or `undefined` when it is absent or expired. Never throws for a miss. */
  get(key: string): Promise<Uint8Array | undefined>
  /**
   * Stores the record, replacing any previous one under `key`. Resolves `false` when the write was
   * refused because an invalidation overtook the value's computation (see {@link SetOptions.since}),
   * `'stale'` when it was written marked stale because a soft one did ({@link InvalidateOptions.soft}).
   */
  set(key: string, value: Uint8Array, options?: SetOptions): Promise<void | boolean | 'stale'>
  /** Returns true if a record was deleted, false if there was none. With `at`: stamps the key first. */
  delete(key: string, options?: InvalidateOptions): Promise<boolean>
  /** Deletes every record filed under any of `tags`; resolves once no reader can see them. Returns how many were removed, when known. */
  invalidateTags(tags: readonly string[], options?: InvalidateOptions): Promise<number>
  /** Deletes every record whose key starts with any of `prefixes`. Returns how many were removed, when known. */
  invalidatePrefix(prefixes: readonly string[], options?: InvalidateOptions): Promise<number>
  /** Deletes every record of this backend. With `at`: stamps everything first (see {@link InvalidateOptions.at}). */
  clear(options?: InvalidateOptions): Promise<void>
  /** Releases connections, timers and handles. The backend is unusable afterwards. */
  close(): Promise<void>
  /** A snapshot of the backend's own counters. */
  stats(): BackendStats

  /**
   * Optional distributed stampede protection: try to take a lease on `key` for `leaseMs`.
   * Resolves with the Lease when taken, or `undefined` when another holder has it (the runtime
   * then waits for the holder's result, boundedly). A holder that dies loses the lease at expiry.
   */
  acquire?(key: string, leaseMs: number): Promise<Lease | undefined>
  /** With `acquire`: how long a lease lasts and how long a caller waits for another holder's result, in ms. */
  readonly lock?: { readonly leaseMs: number; readonly waitMs: number }
  /** Optional: the broadcast channel of this backend, for tiered caches. One per call; the caller closes it. */
  createBus?(): Bus

  getSync?(key: string): Uint8Array | undefined
  setSync?(key: string, value: Uint8Array, options?: SetOptions): void | boolean | 'stale'
  deleteSync?(key: string, options?: InvalidateOptions): boolean
  invalidateTagsSync?(tags: readonly string[], options?: InvalidateOptions): number
  invalidatePrefixSync?(prefixes: readonly string[], options?: InvalidateOptions): number
  clearSync?(options?: InvalidateOptions): void
}

/** A backend whose `*Sync` twins are all present. */
export type SyncBackend = Backend & Required<Pick<Backend,
  'getSync' | 'setSync' | 'deleteSync' | 'invalidateTagsSync' | 'invalidatePrefixSync' | 'clearSync'>>

export const REQUIRED_METHODS = [
  'get', 'set', 'delete', 'invalidateTags', 'invalidatePrefix', 'clear', 'close', 'stats',
] as const

export const SYNC_METHODS = [
  'getSync', 'setSync', 'deleteSync', 'invalidateTagsSync', 'invalidatePrefixSync', 'clearSync',
] as const

export function isSyncBackend(b: Backend): b is SyncBackend {
  return SYNC_METHODS.every((m) => typeof b[m] === 'function')
}
