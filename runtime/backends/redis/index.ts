// fncache.macro/redis: a Backend on Redis (or Valkey), standalone or Cluster, through ioredis.
//
// Key layout, with the default namespace "fncache":
//   fncache:v:<key>   an entry: header with its tags + the runtime's record (format.ts). A hit is one GET.
//   fncache:t:<tag>   the set of keys written with <tag>; expires no earlier than its members
//   fncache:l:<key>   a stampede lease: SET NX PX, released by compare-and-delete
//   fncache:z         invalidation stamps (sorted set: member `t<tag>`, `><prefix>` or `=<key>`,
//                     soft ones `~t<tag>`, `~><prefix>` (soft.ts); score = when invalidated);
//                     Cluster: one `fncache:z{<n>}` per master, on a slot of that master, so each conditional set reads the stamps of its own node
//   fncache:bus       the pub/sub channel of createBus()

import { randomUUID } from 'node:crypto'
import type { Cluster, Redis } from 'ioredis'
import type { Backend, BackendStats, Bus, InvalidateOptions, Lease, SetOptions } from '../backend.js'
import { BackendError } from '../../errors.js'
import { decodeEntry, encodeEntry, needle } from './format.js'
import { escapeGlob, prefixPattern } from './glob.js'
import { RedisBus } from './bus.js'
import { resolve, type LockOptions, type RedisBackendOptions, type RedisClient } from './options.js'
import { SCRIPTS, type ScriptName } from './scripts.js'
import { bySlot, keySlot } from './slot.js'
import { softPrefixes, softTags, type SoftRedis } from './soft.js'
import { enableBytes } from '../../call/bytes-call.js'

export type { RedisBackendOptions, LockOptions, RedisClient } from './options.js'
export { RedisBus } from './bus.js'
export { tiered, TieredBackend, type TieredOptions } from '../tiered.js'

/** Lifetime of a tag set whose members have no TTL (ms): 10 years, i.e. "as long as they live". */
const FOREVER = 10 * 365 * 24 * 3600 * 1000
/** A tag set outlives its members by this much, so a cluster node whose clock runs ahead cannot drop it early. */
const TAG_MARGIN = 60_000
/**
 * Members a tag invalidation handles per command. Each member costs a GETRANGE or two and an
 * UNLINK inside the script (~1 µs each), so a batch stays far below 10 ms of server time.
 */
const TAG_BATCH = 250
/** Keys per SCAN step and per UNLINK during prefix invalidation. */
const SCAN_COUNT = 1_000
/**
 * How long an invalidation stamp lives (ms): a value whose computation started before the stamp
 * and is written while the stamp lives is refused. Computations running longer than this across
 * an invalidation can still be written late.
 */
const STAMP_LIFE = 3_600_000
/** Cluster: hash tags tried to find one slot on each master for its stamp set. */
const ZONE_SEARCH = 100_000

type Scripted = RedisClient & {
  fncacheTagAdd(tagKey: string, member: string, lifeMs: string): Promise<number>
  fncacheTagDrain(tagKey: string, entryPrefix: string, needle: string, batch: number): Promise<[number, number]>
  fncacheTagSweep(entryKey: string, needle: string): Promise<number>
  fncacheRelease(lockKey: string, token: string): Promise<number>
  fncacheStamp(zone: string, at: string, lifeMs: string, ...members: string[]): Promise<number>
  fncacheStampDelete(entryKey: string, zone: string, at: string, lifeMs: string, key: string): Promise<number>
  fncacheStampDeleteCluster(entryKey: string, at: string, lifeMs: string, key: string, zone: string): Promise<number>
  fncacheSetFresh(entryKey: string, zone: string, since: string, px: string, entry: Uint8Array, key: string, unused: '', ...tags: string[]): Promise<number>
  fncacheSetFreshCluster(entryKey: string, since: string, px: string, entry: Uint8Array, key: string, zone: string, ...tags: string[]): Promise<number>
  fncacheSoftMark(entryKey: string, mark: Uint8Array, needle: string): Promise<number>
}

function defineScripts(client: RedisClient): Scripted {
  const c = client as unknown as Record<string, unknown>
  for (const [name, s] of Object.entries(SCRIPTS) as [ScriptName, { lua: string; numberOfKeys?: number }][]) {
    if (typeof c[name] !== 'function') client.defineCommand(name, { lua: s.lua, ...(s.numberOfKeys !== undefined ? { numberOfKeys: s.numberOfKeys } : {}) })
  }
  return client as Scripted
}

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

  readonly #c: Scripted
  readonly #owned: boolean
  readonly #cluster: boolean
  readonly #valuePrefix: string
  readonly #tagPrefix: string
  readonly #lockPrefix: string
  /** The stamp set (single server), and the stem of the per-master ones (Cluster). */
  readonly #zp: string
  /** Cluster: master (`host:port`) → its stamp set. */
  #zones = new Map<string, string>()
  readonly #buses = new Set<RedisBus>()
  #errors = 0
  #closed = false
  // Tick batching (options.autoPipelining): 0 nothing sent this tick, 1 one command written, 2 corked.
  readonly #cork: boolean
  #tick = 0
  #corked: { uncork(): void } | undefined
  readonly #endTick = () => {
    if (this.#tick === 2) this.#corked!.uncork()
    this.#tick = 0
    this.#corked = undefined
  }
  readonly #fail = (e: unknown): never => {
    this.#errors++
    throw e
  }
  readonly #decode = (v: Buffer | null) => (v === null ? undefined : decodeEntry(v))
  /** A shared client outlives this backend's close(), so the backend itself refuses further use. */
  #closedError(operation: string): BackendError {
    return new BackendError(this.kind, operation, new Error('close() was called on this backend'))
  }

  constructor(options: RedisBackendOptions) {
    // This backend stores bytes: load the byte path (a memory-only app never does).
    enableBytes()
    const r = resolve(options)
    this.client = r.client
    this.#c = defineScripts(r.client)
    this.#owned = r.owned
    this.#cork = r.cork
    this.#cluster = r.client.isCluster
    this.prefix = r.prefix
    this.#valuePrefix = r.prefix + 'v:'
    this.#tagPrefix = r.prefix + 't:'
    this.#lockPrefix = r.prefix + 'l:'
    this.#zp = r.prefix + 'z'
    this.lock = r.lock && Object.freeze(r.lock)
    if (r.lock !== undefined) this.acquire = (key, leaseMs) => this.#acquire(key, leaseMs)
  }

  /** The Redis key of an entry. */
  entryKey(key: string): string {
    return this.#valuePrefix + key
  }

  /** The Redis key of a tag's set. */
  tagKey(tag: string): string {
    return this.#tagPrefix + tag
  }

  /**
   * Called before each command. The first command of a tick goes out at once; from the second
   * on, the socket is corked until process.nextTick, so a burst leaves in one writev.
   */
  #batch(): void {
    if (!this.#cork) return
    if (this.#tick === 0) {
      this.#tick = 1
      process.nextTick(this.#endTick)
    } else if (this.#tick === 1) {
      const stream = (this.client as Redis).stream as { cork?(): void; uncork(): void } | undefined
      if (stream?.cork !== undefined && this.client.status === 'ready') {
        stream.cork()
        this.#corked = stream
        this.#tick = 2
      }
    }
  }

  get(key: string): Promise<Uint8Array | undefined> {
    if (this.#closed) return Promise.reject(this.#closedError('get'))
    // A read while no lone GET awaits its reply leaves at once (a sequential hit waits for
    // nothing, and books nothing for the end of the tick); reads made while one is out are
    // gathered into one MGET sent at the end of the tick: one command to parse and one reply
    // instead of many, which is what lets 64 hits in flight beat a hand-written loop of GETs. A
    // Cluster keeps one GET per key (MGET needs every key in one slot).
    if (!this.#cork) return this.client.getBuffer(this.#valuePrefix + key).then(this.#decode, this.#fail)
    if (this.#reading !== 0) return this.#gather(this.#valuePrefix + key)
    this.#reading++
    return this.client.getBuffer(this.#valuePrefix + key).then(this.#read, this.#readFailed)
  }

  /** Lone GETs sent and not yet answered (tick batching only). */
  #reading = 0
  readonly #read = (v: Buffer | null) => {
    this.#reading--
    return v === null ? undefined : decodeEntry(v)
  }
  readonly #readFailed = (e: unknown): never => {
    this.#reading--
    return this.#fail(e)
  }

  #gets: { keys: string[]; settle: ((v: Buffer | null | Error) => void)[] } | undefined
  #gather(k: string): Promise<Uint8Array | undefined> {
    let g = this.#gets
    if (g === undefined) {
      g = this.#gets = { keys: [], settle: [] }
      process.nextTick(this.#flushGets)
    }
    const { keys, settle } = g
    return new Promise<Buffer | null | Error>((resolve) => { keys.push(k); settle.push(resolve) })
      .then((v) => (v instanceof Error ? this.#fail(v) : this.#decode(v)))
  }
  readonly #flushGets = () => {
    const g = this.#gets!
    this.#gets = undefined
    const { keys, settle } = g
    const sent = keys.length === 1 ? this.client.getBuffer(keys[0]).then((v) => [v]) : this.client.mgetBuffer(keys)
    sent.then((vs) => { for (let i = 0; i < settle.length; i++) settle[i](vs[i] ?? null) }, (e: unknown) => {
      const err = e instanceof Error ? e : new Error(String(e))
      for (const s of settle) s(err)
    })
  }

  async set(key: string, value: Uint8Array, options?: SetOptions): Promise<boolean | 'stale'> {
    if (this.#closed) throw this.#closedError('set')
    const ttl = options?.ttl
    const px = ttl === undefined || ttl === Infinity ? undefined : Math.max(1, Math.ceil(ttl))
    const tags = options?.tags
    const since = options?.since
    const entry = encodeEntry(value, tags)
    const k = this.#valuePrefix + key
    this.#batch()
    if (tags !== undefined && tags.length > 0) this.#batch() // several commands: cork from the first
    try {
      // The tag sets first: an entry that exists is always findable from its tags. On one server,
      // commands of one connection run in order, so issuing them first is enough (one round trip);
      // in a cluster the sets may live on other nodes, so wait for them.
      const adds: Promise<unknown>[] = []
      if (tags !== undefined && tags.length > 0) {
        const life = String((px ?? FOREVER) + TAG_MARGIN)
        for (const t of tags) adds.push(this.#c.fncacheTagAdd(this.#tagPrefix + t, key, life))
        if (this.#cluster) await Promise.all(adds.splice(0))
      }
      if (since === undefined) {
        adds.push(px === undefined ? this.client.set(k, entry) : this.client.set(k, entry, 'PX', px))
        await Promise.all(adds)
        return true
      }
      // The computation's start is known: the write is refused when an invalidation of one of its
      // tags, of the key or of a prefix of it was stamped since (checked atomically, on the node
      // that holds the entry).
      const zone = this.#cluster ? await this.#zoneOf(k) : this.#zp
      if (zone === undefined) return false
      const pxArg = px === undefined ? '' : String(px)
      const p = this.#cluster
        ? this.#c.fncacheSetFreshCluster(k, String(since), pxArg, entry, key, zone, ...(tags ?? []))
        : this.#c.fncacheSetFresh(k, zone, String(since), pxArg, entry, key, '', ...(tags ?? []))
      adds.push(p)
      await Promise.all(adds)
      const written = await p
      return written === 2 ? 'stale' : written === 1
    } catch (e) {
      return this.#fail(e)
    }
  }

  /** Cluster: the stamp set on the master that serves `redisKey`'s slot (undefined while slots are unknown). */
  async #zoneOf(redisKey: string): Promise<string | undefined> {
    const c = this.client as Cluster
    if (c.slots.length === 0) await c.ping().catch(() => {})
    const owner = c.slots[keySlot(redisKey)]?.[0]
    if (owner === undefined) return undefined
    const z = this.#zones.get(owner)
    if (z !== undefined && c.slots[keySlot(z)]?.[0] === owner) return z
    this.#mapZones()
    return this.#zones.get(owner)
  }

  /** Cluster: finds, for each master, a hash tag whose slot it serves (slots move on resharding: re-mapped on use). */
  #mapZones(): void {
    const slots = (this.client as Cluster).slots
    const masters = new Set<string>()
    for (const s of slots) if (s?.[0] !== undefined) masters.add(s[0])
    const zones = new Map<string, string>()
    for (let i = 0; zones.size < masters.size && i < ZONE_SEARCH; i++) {
      const z = `${this.#zp}{${i}}`
      const owner = slots[keySlot(z)]?.[0]
      if (owner !== undefined && !zones.has(owner)) zones.set(owner, z)
    }
    this.#zones = zones
  }

  /** Every stamp set: one on a single server, one per master in a cluster. */
  async #allZones(): Promise<string[]> {
    if (!this.#cluster) return [this.#zp]
    const c = this.client as Cluster
    if (c.slots.length === 0) await c.ping()
    this.#mapZones()
    if (this.#zones.size === 0) throw new Error('fncache redis: the cluster reported no slots; the invalidation could not be stamped')
    return [...this.#zones.values()]
  }

  /** Stamps `members` at `at` in every stamp set, before anything is removed. */
  async #stamp(at: number | undefined, members: string[]): Promise<void> {
    if (at === undefined || members.length === 0) return
    const zones = await this.#allZones()
    await Promise.all(zones.map((z) => this.#c.fncacheStamp(z, String(at), String(STAMP_LIFE), ...members)))
  }

  async delete(key: string, options?: InvalidateOptions): Promise<boolean> {
    if (this.#closed) throw this.#closedError('delete')
    const k = this.#valuePrefix + key
    if (options?.at === undefined) {
      this.#batch()
      return (await this.client.unlink(k).catch(this.#fail)) > 0
    }
    try {
      // Stamped with the removal, atomically: a computation of this key in flight anywhere cannot write it back.
      const zone = this.#cluster ? await this.#zoneOf(k) : this.#zp
      if (zone === undefined) throw new Error('fncache redis: the cluster reported no slot owner; the key could not be stamped')
      const removed = this.#cluster
        ? await this.#c.fncacheStampDeleteCluster(k, String(options.at), String(STAMP_LIFE), key, zone)
        : await this.#c.fncacheStampDelete(k, zone, String(options.at), String(STAMP_LIFE), key)
      return removed > 0
    } catch (e) {
      return this.#fail(e)
    }
  }

  async invalidateTags(tags: readonly string[], options?: InvalidateOptions): Promise<number> {
    if (this.#closed) throw this.#closedError('invalidateTags')
    if (options?.soft === true) return softTags(this.#soft(), tags, options.at).catch(this.#fail)
    try {
      // Stamp first: a write of a value computed before this moment is refused from now on, so a
      // computation in flight elsewhere cannot bring an invalidated value back after the drain.
      await this.#stamp(options?.at, [...new Set(tags)].map((t) => 't' + t))
      const counts = await Promise.all([...new Set(tags)].map((t) => (this.#cluster ? this.#sweepTag(t) : this.#drainTag(t))))
      return counts.reduce((a, b) => a + b, 0)
    } catch (e) {
      return this.#fail(e)
    }
  }

  /** One server: pop and delete in batches, each batch one atomic script of bounded length. */
  async #drainTag(tag: string): Promise<number> {
    const key = this.#tagPrefix + tag
    const n = needle(tag)
    let removed = 0
    // Writers may add members while we drain; stop once the members present at the start are done.
    let budget = Infinity
    for (let round = 0; round < budget; round++) {
      const [r, left] = await this.#c.fncacheTagDrain(key, this.#valuePrefix, n, TAG_BATCH)
      removed += r
      if (left === 0) break
      if (budget === Infinity) budget = round + 2 + Math.ceil(left / TAG_BATCH)
    }
    return removed
  }

  /** Cluster: SSCAN the set, check-and-delete each member where it lives, then SREM what was handled. */
  async #sweepTag(tag: string): Promise<number> {
    const key = this.#tagPrefix + tag
    const n = needle(tag)
    let removed = 0
    let cursor = '0'
    do {
      const [next, members] = await this.client.sscan(key, cursor, 'COUNT', TAG_BATCH)
      cursor = next
      if (members.length === 0) continue
      const counts = await Promise.all(members.map((m) => this.#c.fncacheTagSweep(this.#valuePrefix + m, n)))
      for (const c of counts) removed += c
      await this.client.srem(key, ...members)
    } while (cursor !== '0')
    return removed
  }

  async invalidatePrefix(prefixes: readonly string[], options?: InvalidateOptions): Promise<number> {
    if (this.#closed) throw this.#closedError('invalidatePrefix')
    if (options?.soft === true) return softPrefixes(this.#soft(), prefixes, options.at).catch(this.#fail)
    try {
      // Stamped before the scan: an entry written before the stamp is there for the whole scan
      // (SCAN returns every key present throughout), one written after it is refused.
      await this.#stamp(options?.at, [...new Set(prefixes)].map((p) => '>' + p))
      const counts = await Promise.all([...new Set(prefixes)].map((p) => this.#scanDelete(prefixPattern(this.#valuePrefix + p))))
      return counts.reduce((a, b) => a + b, 0)
    } catch (e) {
      return this.#fail(e)
    }
  }

  /** What soft.ts needs of this backend. */
  #soft(): SoftRedis {
    return {
      stamp: (at, members) => this.#stamp(at, members),
      mark: (entryKey, mark, n) => this.#c.fncacheSoftMark(entryKey, mark, n),
      sets: this.client,
      tagKey: (tag) => this.#tagPrefix + tag,
      entryKey: (key) => this.#valuePrefix + key,
      nodes: () => (this.#cluster ? (this.client as Cluster).nodes('master') : [this.client as Redis]),
      batch: TAG_BATCH,
      scanCount: SCAN_COUNT,
    }
  }

  /** SCAN MATCH over every master, UNLINK what matches in batches. Never KEYS. */
  async #scanDelete(pattern: string): Promise<number> {
    const nodes: Redis[] = this.#cluster ? (this.client as Cluster).nodes('master') : [this.client as Redis]
    let removed = 0
    await Promise.all(nodes.map(async (node) => {
      let cursor = '0'
      do {
        const [next, keys] = await node.scan(cursor, 'MATCH', pattern, 'COUNT', SCAN_COUNT)
        cursor = next
        if (keys.length === 0) continue
        // A multi-key command must stay within one slot in a cluster.
        const batches = this.#cluster ? bySlot(keys) : [keys]
        const counts = await Promise.all(batches.map((b) => node.unlink(...b)))
        for (const c of counts) removed += c
      } while (cursor !== '0')
    }))
    return removed
  }

  async clear(options?: InvalidateOptions): Promise<void> {
    if (this.#closed) throw this.#closedError('clear')
    try {
      await this.#stamp(options?.at, ['>'])
      const ns = escapeGlob(this.prefix)
      await Promise.all([this.#scanDelete(ns + 'v:*'), this.#scanDelete(ns + 't:*')])
    } catch (e) {
      this.#fail(e)
    }
  }

  async #acquire(key: string, leaseMs: number): Promise<Lease | undefined> {
    const lk = this.#lockPrefix + key
    const token = randomUUID()
    const ok = await this.client.set(lk, token, 'PX', Math.max(1, Math.ceil(leaseMs)), 'NX').catch(this.#fail)
    if (ok !== 'OK') return undefined
    let released = false
    return {
      release: async () => {
        if (released) return
        released = true
        await this.#c.fncacheRelease(lk, token).catch(() => { this.#errors++ })
      },
    }
  }

  createBus(): Bus {
    const bus = new RedisBus(this.client, this.prefix + 'bus')
    this.#buses.add(bus)
    const close = bus.close.bind(bus)
    bus.close = () => { this.#buses.delete(bus); return close() }
    return bus
  }

  stats(): BackendStats {
    return { errors: this.#errors }
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
