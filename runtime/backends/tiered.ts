// A two-tier backend: an in-process memory L1 in front of a shared L2 (Redis). The runtime serves
// hits from L1 by value and falls through to L2 bytes on a miss. Every write, delete and
// invalidation that reaches L2 is broadcast on the L2's bus, so each other process drops the
// entries its L1 holds for it (bentocache's "bus" model).

import type { Backend, BackendStats, Bus, BusMessage, BusPayload, InvalidateOptions, Lease, SetOptions } from './backend.js'
import { engineOf, type MemoryBackend } from './memory.js'
import { decodeStoreKey } from '../key-decode.js'
import { describe, typeError, warnOnce } from '../errors.js'
import { isValueBackend, logInvalidation, namespaces } from '../global.js'
import { enableBytes } from '../call/bytes-call.js'

/** Options of {@link tiered}. */
export interface TieredOptions {
  /** The in-process tier: a `memory()` backend. */
  l1: MemoryBackend
  /** The shared tier, e.g. `redis({ url })`. */
  l2: Backend
  /**
   * How other processes learn of writes and invalidations. `false`: no bus (L1 entries then live
   * until their TTL, so give them a short one).
   * @default the L2's own bus (`l2.createBus()`, Redis pub/sub)
   */
  bus?: Bus | false
}

const randomId = () => Math.random().toString(36).slice(2) + Date.now().toString(36)

export class TieredBackend implements Backend {
  readonly kind = 'tiered'
  readonly l1: MemoryBackend
  readonly l2: Backend
  /** Identifies this process's messages on the bus. */
  readonly origin = randomId()
  /** Resolves once the bus delivers messages to this process. */
  readonly ready: Promise<void>
  /** The L2's leases (stampede protection across processes), when it has them. */
  readonly acquire?: (key: string, leaseMs: number) => Promise<Lease | undefined>
  readonly lock?: { readonly leaseMs: number; readonly waitMs: number }
  #bus: Bus | null
  #received = 0

  constructor(options: TieredOptions) {
    // This backend stores bytes: load the byte path (a memory-only app never does).
    enableBytes()
    if (options === null || typeof options !== 'object') throw typeError('E_OPTION', `tiered() expects { l1, l2 }; received ${describe(options)}.`)
    const { l1, l2, bus } = options
    if (!l1 || !isValueBackend(l1)) throw typeError('E_OPTION', `tiered() option l1 must be a memory() backend; received ${describe(l1)}.`, 'tiered({ l1: memory({ max: 10_000 }), l2: redis({ url }) })')
    if (!l2 || typeof l2.get !== 'function' || isValueBackend(l2)) throw typeError('E_OPTION', `tiered() option l2 must be a shared byte backend such as redis(); received ${describe(l2)}.`)
    this.l1 = l1
    this.l2 = l2
    if (typeof l2.acquire === 'function') {
      this.acquire = (key, leaseMs) => l2.acquire!(key, leaseMs)
      if (l2.lock !== undefined) this.lock = l2.lock
    }
    this.#bus = bus === false ? null : bus ?? l2.createBus?.() ?? null
    if (this.#bus === null && bus !== false) {
      warnOnce('FNCACHE_TIERED_NO_BUS', l2.kind, `tiered(): backend "${l2.kind}" offers no bus, so other processes' L1 caches will not hear of writes and invalidations; pass bus: false to accept that, with a short ttl.`)
    }
    this.ready = this.#bus === null ? Promise.resolve() : this.#bus.subscribe((m) => this.#apply(m))
    this.ready.catch(() => {})
  }

  /** @internal how many foreign messages this process applied (tests). */
  get received(): number {
    return this.#received
  }

  /**
   * L1 names from storage names: without whichever namespace of this process they carry. A name
   * that reads both ways (tag `app:x`, or tag `x` in namespace `app`) drops both from L1, which
   * only costs a reload.
   */
  #strip(names: readonly string[]): string[] {
    const out = new Set<string>()
    const spaces = namespaces().filter((ns) => ns !== '')
    for (const n of names) {
      out.add(n)
      for (const ns of spaces) if (n.startsWith(ns + ':')) out.add(n.slice(ns.length + 1))
    }
    return [...out]
  }

  /**
   * Applies another process's change to this process's L1. An invalidation also detaches the
   * calls in flight here that it covers, and keeps their results out of L1 (the epoch log).
   */
  #apply(m: BusMessage): void {
    if (m.origin === this.origin) return
    this.#received++
    switch (m.op) {
      case 'delete': {
        const keys = this.#strip(m.keys)
        if (m.invalidate === true) logInvalidation({ keys })
        for (const k of keys) dropLogical(this.l1, k)
        break
      }
      case 'tags': {
        const tags = this.#strip(m.tags)
        const soft = m.soft === true
        logInvalidation(soft ? { tags, soft } : { tags })
        this.l1.invalidateTagsSync(tags, { soft })
        break
      }
      case 'prefix': {
        const prefixes = this.#strip(m.prefixes)
        const soft = m.soft === true
        logInvalidation(soft ? { prefixes, soft } : { prefixes })
        this.l1.invalidatePrefixSync(prefixes, { soft })
        break
      }
      case 'clear': logInvalidation({}); this.l1.clearSync(); break
    }
  }

  #publish(message: BusPayload): Promise<void> {
    if (this.#bus === null) return Promise.resolve()
    // A lost broadcast leaves other L1s stale until their TTL: report it, but the write itself succeeded.
    return this.#bus.publish({ ...message, origin: this.origin }).catch((e) => {
      warnOnce('FNCACHE_BUS_ERROR', this.l2.kind, `tiered(): a broadcast failed (${(e as Error)?.message ?? e}); other processes may serve their L1 copy until it expires.`)
    })
  }

  get(key: string): Promise<Uint8Array | undefined> {
    return this.l2.get(key)
  }

  /** Resolves false when L2 refused the write (the runtime then keeps the value out of L1 too), 'stale' when L2 wrote it marked stale. */
  async set(key: string, value: Uint8Array, options?: SetOptions): Promise<boolean | 'stale'> {
    const written = await this.l2.set(key, value, options)
    if (written === false) return false
    await this.#publish({ op: 'delete', keys: [key] })
    return written === 'stale' ? written : true
  }

  // Each removal drops L1 before L2 (this process stops serving the old value at once) and again
  // after: an L1 miss of this process whose L2 read was answered before the L2 removal may have
  // refilled L1 in between (soak's tiered "late write"; tests/runtime/tiered-l1-fill.test.ts).
  async delete(key: string, options?: InvalidateOptions): Promise<boolean> {
    const keys = this.#strip([key])
    for (const k of keys) dropLogical(this.l1, k)
    const removed = await this.l2.delete(key, options)
    for (const k of keys) dropLogical(this.l1, k)
    await this.#publish({ op: 'delete', keys: [key], invalidate: true })
    return removed
  }

  async invalidateTags(tags: readonly string[], options?: InvalidateOptions): Promise<number> {
    const soft = options?.soft === true
    const local = this.#strip(tags)
    this.l1.invalidateTagsSync(local, { soft })
    const n = await this.l2.invalidateTags(tags, options)
    this.l1.invalidateTagsSync(local, { soft })
    await this.#publish(soft ? { op: 'tags', tags: [...tags], soft } : { op: 'tags', tags: [...tags] })
    return n
  }

  async invalidatePrefix(prefixes: readonly string[], options?: InvalidateOptions): Promise<number> {
    const soft = options?.soft === true
    const local = this.#strip(prefixes)
    this.l1.invalidatePrefixSync(local, { soft })
    const n = await this.l2.invalidatePrefix(prefixes, options)
    this.l1.invalidatePrefixSync(local, { soft })
    await this.#publish(soft ? { op: 'prefix', prefixes: [...prefixes], soft } : { op: 'prefix', prefixes: [...prefixes] })
    return n
  }

  async clear(options?: InvalidateOptions): Promise<void> {
    this.l1.clearSync()
    await this.l2.clear(options)
    this.l1.clearSync()
    await this.#publish({ op: 'clear' })
  }

  async close(): Promise<void> {
    await this.#bus?.close()
    await this.l2.close()
    await this.l1.close()
  }

  stats(): BackendStats {
    const l1 = this.l1.stats()
    const l2 = this.l2.stats()
    return { ...l2, entries: l1.entries, evictions: (l1.evictions ?? 0) + (l2.evictions ?? 0) }
  }
}

/** An in-process memory tier in front of a shared backend, kept coherent across processes. */
export function tiered(options: TieredOptions): TieredBackend {
  return new TieredBackend(options)
}

/**
 * Removes the L1 entry whose logical key is `logical` from whichever function store owns it
 * (another process wrote or deleted it). A key too long to decode (bounded by hashing) clears the
 * owning store instead: a few extra misses, never a stale read. Returns how many entries went.
 */
export function dropLogical(l1: MemoryBackend, logical: string): number {
  const engine = engineOf(l1)
  let dropped = 0
  for (const store of engine.functionStores()) {
    if (!logical.startsWith(store.prefix)) continue
    const rest = logical.slice(store.prefix.length)
    let n: number
    if (rest.includes('#~')) n = engine.clearStore(store)
    else {
      const { key, kind } = decodeStoreKey(rest)
      n = engine.remove(store, key, kind) ? 1 : 0
    }
    if (store.counters !== null) store.counters.invalidations += n
    dropped += n
  }
  return dropped
}

/** True for tiered backends, from any copy of the package. */
export function isTiered(b: Backend): b is TieredBackend {
  const t = b as unknown as Record<string, unknown>
  return b.kind === 'tiered' && typeof t.l1 === 'object' && t.l1 !== null && typeof t.l2 === 'object' && t.l2 !== null
}
