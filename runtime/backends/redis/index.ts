// fncache.macro/redis: a Backend on Redis (or Valkey), standalone or Cluster, through ioredis.
// This class is the facade; the work is in state.ts (key layout), tick.ts (batching), write.ts,
// stamps.ts, invalidate.ts, soft.ts, lock.ts and bus.ts. get() stays here: it is the hit path.

import type { Backend, BackendStats, Bus, InvalidateOptions, Lease, SetOptions } from '../backend.js'
import { BackendError } from '../../errors.js'
import { RedisBus } from './bus.js'
import { clear, invalidatePrefix, invalidateTags } from './invalidate.js'
import { acquire } from './lock.js'
import { resolve, type LockOptions, type RedisBackendOptions, type RedisClient } from './options.js'
import { createState, type RedisState } from './state.js'
import { Tick } from './tick.js'
import { deleteEntry, setEntry } from './write.js'
import { enableBytes } from '../../call/bytes-call.js'

export type { RedisBackendOptions, LockOptions, RedisClient } from './options.js'
export { RedisBus } from './bus.js'
export { tiered, TieredBackend, type TieredOptions } from '../tiered.js'

/** The Redis backend. Create it with {@link redis}. */
export class RedisBackend implements Backend {
  readonly kind = 'redis'
  readonly client: RedisClient
  /** The resolved lock settings, or undefined when `lock` is off (then `acquire` is absent too). */
  readonly lock: Readonly<Required<LockOptions>> | undefined
  /** Prefix of every key this backend owns (`<namespace>:`). */
  readonly prefix: string
  /** Optional Backend hook, present only with the `lock` option. */
  readonly acquire?: (key: string, leaseMs: number) => Promise<Lease | undefined>

  readonly #s: RedisState
  readonly #t: Tick
  readonly #owned: boolean
  readonly #buses = new Set<RedisBus>()
  #closed = false
  /** A shared client outlives this backend's close(), so the backend itself refuses further use. */
  #closedError(operation: string): BackendError {
    return new BackendError(this.kind, operation, new Error('close() was called on this backend'))
  }

  constructor(options: RedisBackendOptions) {
    // This backend stores bytes: load the byte path (a memory-only app never does).
    enableBytes()
    const r = resolve(options)
    this.client = r.client
    this.#s = createState(r.client, r.prefix)
    this.#t = new Tick(this.#s, r.cork)
    this.#owned = r.owned
    this.prefix = r.prefix
    this.lock = r.lock && Object.freeze(r.lock)
    if (r.lock !== undefined) this.acquire = (key, leaseMs) => acquire(this.#s, key, leaseMs)
  }

  /** The Redis key of an entry. */
  entryKey(key: string): string {
    return this.#s.valuePrefix + key
  }

  /** The Redis key of a tag's set. */
  tagKey(tag: string): string {
    return this.#s.tagPrefix + tag
  }

  get(key: string): Promise<Uint8Array | undefined> {
    if (this.#closed) return Promise.reject(this.#closedError('get'))
    // A read while no lone GET awaits its reply leaves at once (a sequential hit waits for
    // nothing, and books nothing for the end of the tick); reads made while one is out are
    // gathered into one MGET sent at the end of the tick: one command to parse and one reply
    // instead of many, which is what lets 64 hits in flight beat a hand-written loop of GETs. A
    // Cluster keeps one GET per key (MGET needs every key in one slot).
    const t = this.#t
    const k = this.#s.valuePrefix + key
    if (!t.cork) return this.client.getBuffer(k).then(t.decode, this.#s.fail)
    if (t.reading !== 0) return t.gather(k)
    t.reading++
    return this.client.getBuffer(k).then(t.read, t.readFailed)
  }

  set(key: string, value: Uint8Array, options?: SetOptions): Promise<boolean | 'stale'> {
    if (this.#closed) return Promise.reject(this.#closedError('set'))
    return setEntry(this.#s, this.#t, key, value, options)
  }

  delete(key: string, options?: InvalidateOptions): Promise<boolean> {
    if (this.#closed) return Promise.reject(this.#closedError('delete'))
    return deleteEntry(this.#s, this.#t, key, options)
  }

  invalidateTags(tags: readonly string[], options?: InvalidateOptions): Promise<number> {
    if (this.#closed) return Promise.reject(this.#closedError('invalidateTags'))
    return invalidateTags(this.#s, tags, options)
  }

  invalidatePrefix(prefixes: readonly string[], options?: InvalidateOptions): Promise<number> {
    if (this.#closed) return Promise.reject(this.#closedError('invalidatePrefix'))
    return invalidatePrefix(this.#s, prefixes, options)
  }

  clear(options?: InvalidateOptions): Promise<void> {
    if (this.#closed) return Promise.reject(this.#closedError('clear'))
    return clear(this.#s, options)
  }

  createBus(): Bus {
    const bus = new RedisBus(this.client, this.prefix + 'bus')
    this.#buses.add(bus)
    const close = bus.close.bind(bus)
    bus.close = () => { this.#buses.delete(bus); return close() }
    return bus
  }

  stats(): BackendStats {
    return { errors: this.#s.errors }
  }

  async close(): Promise<void> {
    if (this.#closed) return
    this.#closed = true
    await Promise.all([...this.#buses].map((b) => b.close()))
    if (!this.#owned) return
    const c = this.client
    const ended = new Promise<void>((r) => {
      const t = setTimeout(r, 1_000)
      c.once('end', () => { clearTimeout(t); r() })
    })
    try {
      await c.quit()
    } catch {
      c.disconnect()
    }
    if (c.status !== 'end') await ended
  }
}

/**
 * A Redis backend: `redis({ url })` owns its connection, `redis({ client })` shares yours
 * (a `Redis` or a `Cluster`). See {@link RedisBackendOptions}.
 */
export function redis(options: RedisBackendOptions): RedisBackend {
  return new RedisBackend(options)
}
