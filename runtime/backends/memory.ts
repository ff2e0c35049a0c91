// memory(): the in-process backend, as users see it: the Backend contract (with its sync twins)
// and its documented options. The slot engine that holds the entries (memory-engine.ts) is
// internal; the runtime's call path reaches it through engineOf(), never through this class.

import type { BackendStats, InvalidateOptions, SetOptions, SyncBackend } from './backend.js'
import { describe, typeError } from '../errors.js'
import { estimateSize } from './size.js'
import { globalCache, MEMORY_ENGINE } from '../global.js'
import { MemoryEngine } from './memory-engine.js'
import { createPolicy } from '../eviction/index.js'
import { LruPolicy } from '../eviction/lru.js'
import type { EvictionPolicy } from '../eviction/policy.js'
import { hashKey } from './key-hash.js'
import type { KeyKind } from './key-kind.js'

type PolicyName = 'lru' | 'lfu' | 'tinylfu'

/**
 * The policies a MemoryBackend can be built with. LRU always; memory() adds the others, so an
 * app on the default backend (LRU) does not bundle LFU, W-TinyLFU and the sketch.
 */
const POLICIES: Partial<Record<PolicyName, { make: (capacity: number) => EvictionPolicy; hashKey?: (key: unknown, kind: KeyKind) => number }>> = {
  lru: { make: (capacity) => new LruPolicy(capacity) },
}

/** Options of {@link memory}. */
export interface MemoryOptions {
  /**
   * The most entries kept; the least valuable (per {@link MemoryOptions.policy}) is evicted
   * past it. `Infinity` is allowed only together with `maxBytes`.
   * @default 10_000
   */
  max?: number
  /**
   * The most bytes kept, as estimated by {@link MemoryOptions.sizeOf}. `undefined`: no byte bound.
   * @default undefined
   */
  maxBytes?: number
  /**
   * Which entry leaves first: `'lru'` (least recently used), `'lfu'` (least frequently used, with
   * aging) or `'tinylfu'` (W-TinyLFU, as in Caffeine: new entries enter a recency window of 1 % of
   * the entries, and leave it for the main space only if their key was requested more often, by a
   * count-min sketch that also remembers evicted keys, than the entry they would replace; good on
   * both frequency-skewed and recency-heavy traces, and one scan does not flush it). Same `max` and
   * `maxBytes` bounds; tinylfu costs about 13 more bytes per entry.
   * @default 'lru'
   */
  policy?: 'lru' | 'lfu' | 'tinylfu'
  /** Estimates an entry's size in bytes when `maxBytes` is set. @default a structural estimate */
  sizeOf?: (value: unknown, key: unknown) => number
  /** The clock, in milliseconds. @default the runtime clock (`configure({ now })`, else `Date.now`) */
  now?: () => number
}

export { MISS, UNSHAPED, MemoryStore, type Miss } from './memory-store.js'
export { DIRECT, ENCODED, OBJECT, PATH, type KeyKind } from './key-kind.js'
export { MemoryEngine } from './memory-engine.js'

export class MemoryBackend implements SyncBackend {
  readonly kind = 'memory'
  /** The resolved {@link MemoryOptions.max}. */
  readonly max: number
  /** The resolved {@link MemoryOptions.maxBytes}; Infinity when unset. */
  readonly maxBytes: number
  /** The resolved {@link MemoryOptions.policy}. */
  readonly policyName: 'lru' | 'lfu' | 'tinylfu'
  /**
   * @internal the slot engine, under a registered symbol so that a second copy of the package
   * (sharing the GlobalCache) finds it too; see engineOf().
   */
  readonly [MEMORY_ENGINE]: MemoryEngine

  constructor(options: MemoryOptions = {}) {
    if (options === null || typeof options !== 'object') throw typeError('E_OPTION', `memory() expects an options object; received ${describe(options)}.`)
    for (const name of Object.keys(options)) {
      if (!['max', 'maxBytes', 'policy', 'sizeOf', 'now'].includes(name)) {
        throw typeError('E_OPTION', `memory() has no option "${name}"; valid options are max, maxBytes, policy, sizeOf, now.`)
      }
    }
    const { max = options.maxBytes !== undefined ? Infinity : 10_000, maxBytes, policy = 'lru', sizeOf, now } = options
    if (!(max === Infinity || (Number.isInteger(max) && max >= 1))) {
      throw typeError('E_OPTION', `memory() option max must be a positive integer or Infinity; received ${describe(max)}.`, 'memory({ max: 10_000 })')
    }
    if (max === Infinity && maxBytes === undefined) {
      throw typeError('E_OPTION', 'memory() option max may be Infinity only with maxBytes; an unbounded cache grows until the process dies.', 'memory({ max: Infinity, maxBytes: 64 * 1024 * 1024 })')
    }
    if (maxBytes !== undefined && !(Number.isFinite(maxBytes) && maxBytes > 0)) {
      throw typeError('E_OPTION', `memory() option maxBytes must be a positive number of bytes; received ${describe(maxBytes)}.`)
    }
    if (policy !== 'lru' && policy !== 'lfu' && policy !== 'tinylfu') {
      throw typeError('E_OPTION', `memory() option policy must be 'lru', 'lfu' or 'tinylfu'; received ${describe(policy)}.`)
    }
    if (sizeOf !== undefined && typeof sizeOf !== 'function') throw typeError('E_OPTION', `memory() option sizeOf must be a function; received ${describe(sizeOf)}.`)
    if (now !== undefined && typeof now !== 'function') throw typeError('E_OPTION', `memory() option now must be a function returning milliseconds; received ${describe(now)}.`)
    this.max = max
    this.maxBytes = maxBytes ?? Infinity
    this.policyName = policy
    const policies = POLICIES[policy]
    if (policies === undefined) {
      throw typeError('E_OPTION', `new MemoryBackend({ policy: '${policy}' }): only memory() loads the '${policy}' policy.`, `memory({ policy: '${policy}' })`)
    }
    this[MEMORY_ENGINE] = new MemoryEngine({ max, maxBytes: this.maxBytes, policy, makePolicy: policies.make, hashKey: policies.hashKey, sizeOf: sizeOf ?? estimateSize, now: now ?? (() => globalCache.now()) })
  }

  getSync(key: string): Uint8Array | undefined { return this[MEMORY_ENGINE].getSync(key) }
  setSync(key: string, value: Uint8Array, options?: SetOptions): void { this[MEMORY_ENGINE].setSync(key, value, options) }
  deleteSync(key: string): boolean { return this[MEMORY_ENGINE].deleteSync(key) }
  invalidateTagsSync(tags: readonly string[], options?: InvalidateOptions): number { return this[MEMORY_ENGINE].invalidateTagsSync(tags, options?.soft === true) }
  invalidatePrefixSync(prefixes: readonly string[], options?: InvalidateOptions): number { return this[MEMORY_ENGINE].invalidatePrefixSync(prefixes, options?.soft === true) }
  clearSync(): void { this[MEMORY_ENGINE].clearSync() }

  async get(key: string): Promise<Uint8Array | undefined> { return this.getSync(key) }
  async set(key: string, value: Uint8Array, options?: SetOptions): Promise<void> { this.setSync(key, value, options) }
  async delete(key: string): Promise<boolean> { return this.deleteSync(key) }
  async invalidateTags(tags: readonly string[], options?: InvalidateOptions): Promise<number> { return this.invalidateTagsSync(tags, options) }
  async invalidatePrefix(prefixes: readonly string[], options?: InvalidateOptions): Promise<number> { return this.invalidatePrefixSync(prefixes, options) }
  async clear(): Promise<void> { this.clearSync() }
  /** Drops every entry; the backend stays usable (it holds no handle). */
  async close(): Promise<void> { this.clearSync() }

  /** Entries, evictions and expirations, and bytes when `maxBytes` is set. */
  stats(): BackendStats { return this[MEMORY_ENGINE].stats() }
}

/**
 * @internal the slot engine of a memory backend (the runtime's call path and tiered() use it).
 * Works across copies of the package: the engine sits under a registered symbol.
 */
export function engineOf(backend: MemoryBackend): MemoryEngine {
  return backend[MEMORY_ENGINE]
}

/** Creates a memory backend. See {@link MemoryOptions}. */
export function memory(options?: MemoryOptions): MemoryBackend {
  POLICIES.lfu ??= { make: (capacity) => createPolicy('lfu', capacity) }
  POLICIES.tinylfu ??= { make: (capacity) => createPolicy('tinylfu', capacity), hashKey }
  return new MemoryBackend(options)
}

/** The backend behind the name `'default'` until configure() says otherwise: 10,000 entries, LRU. */
export function defaultBackend(): MemoryBackend {
  return new MemoryBackend({ max: 10_000 })
}
