// The slot engine behind memory(): every entry of every function in one slot space (parallel
// arrays, one eviction policy, one bound), found through per-function stores (memory-store.ts)
// keyed by the encoded arguments alone, so a lookup hashes a short key instead of
// `functionId + ':' + args` (DESIGN §3). It holds live values, not bytes: no codec on the hit path.
// Internal: the runtime's call path uses it directly; users see MemoryBackend (memory.ts).
//
// Why not lru-cache here (the file backend's read copy uses it): one bound (`max`, `maxBytes`) must
// hold across all per-function maps at once, and the LFU policy (runtime/eviction/lfu.ts) has no
// lru-cache counterpart. The typed-array lists in runtime/eviction/ are lru-cache's technique.

import type { EvictionPolicy, Slot } from '../eviction/policy.js'
import type { BackendStats, SetOptions } from './backend.js'
import type { Counters } from '../metrics.js'
import { ENCODED, PATH, type KeyKind } from './key-kind.js'
import { MISS, MemoryStore } from './memory-store.js'
import { decodeStoreKey } from '../key-decode.js'
import { hashKey } from './key-hash.js'

/** The engine's settings: memory()'s options, checked and with their defaults. */
export interface EngineSettings {
  max: number
  /** Infinity: no byte bound (sizes are then never computed). */
  maxBytes: number
  policy: 'lru' | 'lfu' | 'tinylfu'
  /** Makes the policy over `capacity` slots (memory.ts resolves `policy` to it). */
  makePolicy: (capacity: number) => EvictionPolicy
  sizeOf: (value: unknown, key: unknown) => number
  now: () => number
}

/** Slots allocated up front; the space doubles up to `max`. */
const INITIAL_CAPACITY = 256

export class MemoryEngine {
  readonly max: number
  readonly maxBytes: number
  readonly policyName: 'lru' | 'lfu' | 'tinylfu'
  /** The policy wants key hashes on insert (tinylfu). */
  #hashes: boolean
  #now: () => number
  #sizeOf: (value: unknown, key: unknown) => number
  #policy: EvictionPolicy
  #capacity = 0
  #used = 0
  #free: Slot[] = []
  #keys: unknown[] = []
  #vals: unknown[] = []
  /** store index * 4 + KeyKind. */
  #owner = new Uint32Array(0)
  /** Fresh-until timestamps; allocated on the first entry with a TTL (until then nothing expires). */
  #fresh: Float64Array | null = null
  #tags: (readonly string[] | undefined)[] | null = null
  #tagIndex = new Map<string, Set<Slot>>()
  #sizes: Float64Array | null = null
  /** Whether entries are sized (a `maxBytes` bound is set): then each store knows its bytes too. */
  readonly sized: boolean
  #bytes = 0
  #stores: MemoryStore[] = []
  #byId = new Map<string, MemoryStore>()
  #generic: MemoryStore
  #evictions = 0
  #expirations = 0

  constructor(settings: EngineSettings) {
    this.max = settings.max
    this.maxBytes = settings.maxBytes
    this.policyName = settings.policy
    this.#now = settings.now
    this.#sizeOf = settings.sizeOf
    if (settings.maxBytes !== Infinity) this.#sizes = new Float64Array(0)
    this.sized = this.#sizes !== null
    this.#policy = settings.makePolicy(1)
    this.#hashes = this.#policy.wantsHash === true
    this.#grow()
    this.#generic = this.store('\0generic', '', null)
  }

  // --- the runtime's API (values, per-function stores) ---

  /** The store of a function id, created on first use. */
  store(id: string, prefix: string, counters: Counters | null): MemoryStore {
    let s = this.#byId.get(id)
    if (s === undefined) {
      s = new MemoryStore(this, this.#stores.length, prefix, counters)
      this.#stores.push(s)
      this.#byId.set(id, s)
    } else {
      s.prefix = prefix
      s.counters = counters
    }
    return s
  }

  /** Hit path: the value of a slot if fresh (marking it used), else MISS. */
  read(slot: Slot): unknown {
    const fresh = this.#fresh
    if (fresh !== null) {
      const f = fresh[slot]!
      if (f !== Infinity && f <= this.#now()) return MISS
    }
    this.#policy.touch(slot)
    return this.#vals[slot]
  }

  /** Fresh-until of a slot (Infinity when it never expires). */
  freshOf(slot: Slot): number {
    return this.#fresh === null ? Infinity : this.#fresh[slot]!
  }

  /** The value of a slot, fresh or not, without marking it used (stale serving, peek). */
  valueAt(slot: Slot): unknown {
    return this.#vals[slot]
  }

  /** Whether the entry at `slot` is past its fresh time and its store's stale window. */
  isDead(slot: Slot, now: number): boolean {
    const f = this.freshOf(slot)
    return f !== Infinity && f + this.#stores[this.#owner[slot]! >>> 2]!.window <= now
  }

  now(): number {
    return this.#now()
  }

  /** Stores `value` under `key` in `store`; returns false when it is too large to keep. */
  put(store: MemoryStore, key: unknown, kind: KeyKind, value: unknown, fresh: number, tags: readonly string[] | undefined): boolean {
    let size = 0
    if (this.#sizes !== null) {
      size = this.#sizeOf(value, key)
      if (!(size <= this.maxBytes)) {
        const old = store.slotOf(key, kind)
        if (old !== undefined) this.#remove(old)
        return false
      }
    }
    let slot = store.slotOf(key, kind)
    if (slot !== undefined) {
      this.#policy.touch(slot)
      if (this.#tags !== null && this.#tags[slot] !== undefined) this.#untag(slot)
    } else {
      slot = this.#alloc()
      // A path is kept by the entry (eviction needs it), so it must not be the caller's array.
      const own = kind === PATH ? Array.from(key as readonly unknown[]) : key
      this.#keys[slot] = own
      this.#owner[slot] = store.index * 4 + kind
      store.setSlot(own, kind, slot)
      this.#policy.insert(slot, this.#hashes ? hashKey(own, kind) : 0)
    }
    this.#vals[slot] = value
    if (fresh !== Infinity && this.#fresh === null) this.#fresh = new Float64Array(this.#capacity).fill(Infinity)
    if (this.#fresh !== null) this.#fresh[slot] = fresh
    if (tags !== undefined && tags.length > 0) this.#tag(slot, tags)
    if (this.#sizes !== null) {
      this.#bytes += size - this.#sizes[slot]!
      store.bytes += size - this.#sizes[slot]!
      this.#sizes[slot] = size
      while (this.#bytes > this.maxBytes) {
        const freed = this.#evictOne(slot)
        if (freed === -1) break
        this.#free.push(freed)
      }
    }
    return true
  }

  /** Deletes the entry of `key`; true if there was one. */
  remove(store: MemoryStore, key: unknown, kind: KeyKind): boolean {
    const slot = store.slotOf(key, kind)
    if (slot === undefined) return false
    this.#remove(slot)
    return true
  }

  /** Drops an entry found dead on access, counting an expiration. */
  expire(slot: Slot): void {
    this.#expirations++
    const c = this.#stores[this.#owner[slot]! >>> 2]!.counters
    if (c !== null) c.expirations++
    this.#remove(slot)
  }

  clearStore(store: MemoryStore): number {
    const n = store.size
    for (const [key, kind] of store.keys()) this.remove(store, key, kind)
    return n
  }

  /**
   * Removes the entry whose logical key is `logical` from whichever function store owns it (a
   * tiered cache applies another process's write this way). A key too long to decode (bounded
   * by hashing) clears the owning store instead: a few extra misses, never a stale read.
   */
  deleteLogical(logical: string): number {
    let n = 0
    for (const store of this.#stores) {
      if (store === this.#generic || !logical.startsWith(store.prefix)) continue
      const rest = logical.slice(store.prefix.length)
      if (rest.includes('#~')) {
        n += this.#countInvalidations(store, this.clearStore(store))
        continue
      }
      const { key, kind } = decodeStoreKey(rest)
      if (this.remove(store, key, kind)) n += this.#countInvalidations(store, 1)
    }
    return n
  }

  // --- the byte API of MemoryBackend (bytes under logical keys, in the generic store) ---

  getSync(key: string): Uint8Array | undefined {
    const slot = this.#generic.encoded.get(key)
    if (slot === undefined) return undefined
    if (this.isDead(slot, this.#now())) {
      this.expire(slot)
      return undefined
    }
    this.#policy.touch(slot)
    return this.#vals[slot] as Uint8Array
  }

  setSync(key: string, value: Uint8Array, options?: SetOptions): void {
    const ttl = options?.ttl
    const fresh = ttl === undefined || ttl === Infinity || ttl <= 0 ? Infinity : this.#now() + ttl
    this.put(this.#generic, key, ENCODED, value, fresh, options?.tags)
  }

  deleteSync(key: string): boolean {
    return this.remove(this.#generic, key, ENCODED)
  }

  invalidateTagsSync(tags: readonly string[]): number {
    let n = 0
    for (const tag of tags) {
      const slots = this.#tagIndex.get(tag)
      if (slots === undefined) continue
      for (const slot of [...slots]) {
        const c = this.#stores[this.#owner[slot]! >>> 2]!.counters
        if (c !== null) c.invalidations++
        this.#remove(slot)
        n++
      }
    }
    return n
  }

  invalidatePrefixSync(prefixes: readonly string[]): number {
    let n = 0
    for (const store of this.#stores) {
      for (const p of prefixes) {
        if (store.prefix.startsWith(p) && store !== this.#generic) {
          n += this.#countInvalidations(store, this.clearStore(store))
          break
        }
        if (!p.startsWith(store.prefix)) continue
        const rest = p.slice(store.prefix.length)
        let removed = 0
        for (const [key, kind] of store.keys()) {
          if (store.encodedKey(key, kind).startsWith(rest)) {
            this.remove(store, key, kind)
            removed++
          }
        }
        n += this.#countInvalidations(store, removed)
      }
    }
    return n
  }

  clearSync(): void {
    for (const store of this.#stores) this.clearStore(store)
  }

  stats(): BackendStats {
    return {
      entries: this.#used - this.#free.length,
      ...(this.#sizes !== null ? { bytes: this.#bytes } : {}),
      evictions: this.#evictions,
      expirations: this.#expirations,
    }
  }

  /** The number of allocated slots (tests). */
  get capacity(): number {
    return this.#capacity
  }

  // --- slot management ---

  #countInvalidations(store: MemoryStore, n: number): number {
    if (store.counters !== null) store.counters.invalidations += n
    return n
  }

  #alloc(): Slot {
    if (this.#free.length > 0) return this.#free.pop()!
    if (this.#used === this.#capacity) {
      if (this.#capacity < this.max) this.#grow()
      else return this.#evictOne(-1) as Slot
    }
    return this.#used++ as Slot
  }

  /** Evicts the policy's victim (never `keep`); returns its slot, now free, or -1. */
  #evictOne(keep: number): Slot | -1 {
    let victim = this.#policy.evict()
    if (victim === keep && victim !== -1) {
      // The entry just written is the policy's pick (LFU: newest has the lowest count): keep it
      // and evict the next one instead.
      const next = this.#policy.evict()
      const owner = this.#owner[victim]!
      this.#policy.insert(victim, this.#hashes ? hashKey(this.#keys[victim], (owner & 3) as KeyKind) : 0)
      victim = next
    }
    if (victim === -1) return -1
    this.#evictions++
    const c = this.#stores[this.#owner[victim]! >>> 2]!.counters
    if (c !== null) c.evictions++
    this.#unlink(victim)
    return victim
  }

  #remove(slot: Slot): void {
    this.#policy.remove(slot)
    this.#unlink(slot)
    this.#free.push(slot)
  }

  /** Deletes the entry's data and map key; the policy must already have let go of the slot. */
  #unlink(slot: Slot): void {
    const owner = this.#owner[slot]!
    const store = this.#stores[owner >>> 2]!
    store.deleteSlot(this.#keys[slot], (owner & 3) as KeyKind)
    if (this.#tags !== null && this.#tags[slot] !== undefined) this.#untag(slot)
    if (this.#sizes !== null) {
      this.#bytes -= this.#sizes[slot]!
      store.bytes -= this.#sizes[slot]!
      this.#sizes[slot] = 0
    }
    this.#keys[slot] = undefined
    this.#vals[slot] = undefined
  }

  #tag(slot: Slot, tags: readonly string[]): void {
    if (this.#tags === null) this.#tags = []
    this.#tags[slot] = tags
    for (const tag of tags) {
      let set = this.#tagIndex.get(tag)
      if (set === undefined) this.#tagIndex.set(tag, (set = new Set()))
      set.add(slot)
    }
  }

  #untag(slot: Slot): void {
    for (const tag of this.#tags![slot]!) {
      const set = this.#tagIndex.get(tag)
      if (set === undefined) continue
      set.delete(slot)
      if (set.size === 0) this.#tagIndex.delete(tag)
    }
    this.#tags![slot] = undefined
  }

  #grow(): void {
    const cap = Math.min(this.max, this.#capacity === 0 ? INITIAL_CAPACITY : this.#capacity * 2)
    const owner = new Uint32Array(cap)
    owner.set(this.#owner)
    this.#owner = owner
    if (this.#fresh !== null) {
      const fresh = new Float64Array(cap).fill(Infinity)
      fresh.set(this.#fresh)
      this.#fresh = fresh
    }
    if (this.#sizes !== null) {
      const sizes = new Float64Array(cap)
      sizes.set(this.#sizes)
      this.#sizes = sizes
    }
    this.#policy.resize(cap)
    this.#capacity = cap
  }
}
