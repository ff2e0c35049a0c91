// Builds a cached function: key → lookup → dedupe → call → store. The memory hit path is
// specialised by arity (one direct key, or a compiled `keyOf` for up to three parameters) and
// does one map lookup, one freshness test and one counter increment; everything else is the
// slow path.

import type { Backend } from './backends/backend.js'
import { isSyncBackend } from './backends/backend.js'
import { MISS, DIRECT, ENCODED, PATH, defaultBackend, type KeyKind, type MemoryBackend, type MemoryStore } from './backends/memory.js'
import { Breaker } from './breaker.js'
import type { StoredRecord } from './codec.js'
import { BAD_SIGNATURE, readRecord as decodeStored, writeRecord } from './record.js'
import { estimateSize } from './backends/size.js'
import { DEBUG, debugLog } from './debug.js'
import { typeError, warnOnce } from './errors.js'
import { G, callEnded, callStarted, invalidatedSince, isValueBackend, logInvalidation, reportError } from './global.js'
import { boundKey } from './hash.js'
import { encodeArgs, encodeValue } from './key.js'
import { Counters, addInto, emptyStats, withRate } from './metrics.js'
import { normalizeOptions, type FnConfig } from './options.js'
import { FAILED, HELD, corruptRecord, drive, failed, isThenable, type Op, type Target } from './persistent.js'
import { isTiered } from './backends/tiered.js'
import type { Lease } from './backends/backend.js'
import type { CacheOptions, Cached, FunctionStats, WrapOptions } from './types.js'

type AnyFn = (...args: any[]) => any

/** The backend a wrapper is bound to, re-resolved when configure() changes the generation. */
interface Bound extends Target {
  gen: number
  /** Set when the backend holds live values (memory, or a tiered backend's L1): the fast path. */
  store: MemoryStore | null
  mem: MemoryBackend | null
  /** True when `backend` is a tiered backend: a miss in `store` falls through to its L2 bytes. */
  tiered: boolean
  sync: boolean
  /** Effective TTL in ms; 0: no expiry. */
  ttl: number
  /** Storage-key namespace, with its separator. */
  ns: string
}

const NONE = Symbol('none')

/** Distributed stampede protection, on backends that offer acquire() without `lock` settings: lease and wait. */
const LEASE_MS = 10_000
/** First and last pause between re-reads while another process holds the lease. */
const WAIT_MIN_MS = 10
const WAIT_MAX_MS = 200

/** Where a value read from or written to the shared tier is also kept in this process (tiered L1). */
interface Local {
  put(value: unknown, fresh: number, tags: readonly string[]): void
}
const AsyncFunction = (async () => {}).constructor

/** Whether a single key value can key a map as itself (primitives but -0, which a Map folds into 0). */
function isDirect(v: unknown): boolean {
  const t = typeof v
  return t === 'number' ? v !== 0 || 1 / (v as number) > 0 : t === 'string' || t === 'boolean' || v == null || t === 'bigint'
}

/** Wraps `fn` with options already normalised by the transform (or by {@link cached}). */
export function wrap<F extends AnyFn>(fn: F, options: WrapOptions): Cached<F> {
  return build(fn, normalizeOptions(fn, options as unknown as Record<string, unknown>)) as Cached<F>
}

/**
 * Wraps `fn` in a cache. Without the compiler transform the id is the function's name and keys
 * use the generic encoder; with it, ids, versions and key builders come from the build.
 */
export function cached<F extends AnyFn>(fn: F, options?: CacheOptions<Parameters<F>, ReturnType<F>>): Cached<F> {
  return build(fn, normalizeOptions(fn, options as Record<string, unknown> | undefined)) as Cached<F>
}

function uniqueId(fn: Function, cfg: FnConfig): string {
  const taken = G.ids.get(cfg.id)
  if (taken === undefined || taken.fn === fn || cfg.compiled) {
    // Compiled ids are unique by construction; a second registration is the same code loaded
    // again (hot reload), which takes the id over.
    G.ids.set(cfg.id, { fn, version: cfg.version })
    return cfg.id
  }
  let n = 2
  while (G.ids.has(`${cfg.id}~${n}`)) n++
  const id = `${cfg.id}~${n}`
  warnOnce('FNCACHE_DUPLICATE_ID', cfg.id, `two different functions are cached under the id "${cfg.id}"; the second one uses "${id}". Give each an explicit { id } (or compile with the fncache macro) so ids stay stable across processes.`)
  G.ids.set(id, { fn, version: cfg.version })
  return id
}

function build(fn: AnyFn, cfg: FnConfig): AnyFn {
  const id = uniqueId(fn, cfg)
  if (id !== cfg.id) cfg = { ...cfg, id, prefix: cfg.prefix === cfg.id + ':' ? id + ':' : cfg.prefix }
  const { keyFn, keyIdx, params, rest, keyOf, tags: tagsOf, cacheIf, dedupe, swr, sie, version, prefix } = cfg
  const window = Math.max(swr, sie)
  /** Whether results are promises: known from syntax, or learnt from the first result. */
  let returnsPromise = cfg.async ?? fn instanceof AsyncFunction
  const counters = new Map<string, Counters>()
  const inflight = new Map<string, Promise<unknown>>()
  const refreshing = new Set<string>()
  let bound: Bound = { gen: -1 } as Bound

  function rebind(): Bound {
    const name = cfg.backend
    if (name === 'default' && !G.backends.has(name)) G.backends.set(name, defaultBackend())
    const backend = G.backends.get(name)
    if (backend === undefined) {
      throw typeError('E_UNKNOWN_BACKEND', `${id}: backend "${name}" is not registered; registered backends: ${[...G.backends.keys()].join(', ')}.`,
        `configure({ backends: { ${JSON.stringify(name).slice(1, -1)}: memory({ max: 10_000 }) } })`)
    }
    let c = counters.get(name)
    if (c === undefined) {
      counters.set(name, (c = new Counters(id, name)))
      G.counters.push(c)
    }
    let breaker = G.breakers.get(backend)
    if (breaker === undefined) G.breakers.set(backend, (breaker = new Breaker(5, 1_000, 30_000, () => G.now())))
    const tier = isTiered(backend)
    const mem = tier ? backend.l1 : isValueBackend(backend) ? backend : null
    const store = mem !== null ? mem.store(id, prefix, c) : null
    if (store !== null) {
      if (store.version !== version && store.size > 0) mem!.clearStore(store)
      store.version = version
      store.window = window
    }
    const ttl = cfg.ttl ?? G.ttl
    const ns = cfg.namespace ?? G.namespace
    bound = {
      gen: G.gen, backend, name, c, breaker, fnId: id, store, mem, tiered: tier,
      sync: tier ? false : mem !== null || isSyncBackend(backend),
      ttl: ttl === Infinity ? 0 : ttl,
      ns: ns === '' ? '' : ns + ':',
    }
    return bound
  }

  function current(): Bound {
    return bound.gen === G.gen ? bound : rebind()
  }

  // --- keys ---

  /** Set by computeKey: how the returned key is to be looked up (see KeyKind). */
  let kindOf: KeyKind = DIRECT

  /** The key values of a call: the selected or declared arguments (missing ones are undefined). */
  function keyValues(args: ArrayLike<unknown>): ArrayLike<unknown> {
    if (keyIdx !== null) return keyIdx.map((i) => args[i])
    if (params !== null && !rest && args.length < params.length) {
      const padded = Array.from(args)
      padded.length = params.length
      return padded
    }
    return args
  }

  function computeKey(args: ArrayLike<unknown>): unknown {
    let values: ArrayLike<unknown>
    let names = params ?? undefined
    if (keyFn !== null) {
      values = [keyFn.apply(undefined, args as unknown[])]
      names = ['key()']
    } else {
      values = keyValues(args)
      if (keyIdx !== null && params !== null) names = keyIdx.map((i) => params[i]!)
    }
    const n = values.length
    if (n === 1 && isDirect(values[0])) {
      kindOf = DIRECT
      return values[0]
    }
    if (n >= 2) {
      let direct = true
      for (let i = 0; i < n && direct; i++) direct = isDirect(values[i])
      if (direct) {
        kindOf = PATH
        return values
      }
    }
    kindOf = ENCODED
    if (keyOf !== null && keyFn === null && params !== null && !rest && args.length <= params.length) {
      const k = keyOf.apply(undefined, args as unknown[])
      if (k !== undefined) return k
    }
    return encodeArgs(values, id, names)
  }

  /** The encoded arguments of a key: the logical key without its prefix. */
  function encodedOf(key: unknown, kind: KeyKind): string {
    if (kind === ENCODED) return key as string
    if (kind === DIRECT) return encodeValue(key, id, 'key')
    if (keyOf !== null && keyIdx === null && keyFn === null) {
      const k = keyOf.apply(undefined, key as unknown[])
      if (k !== undefined) return k
    }
    return encodeArgs(key as ArrayLike<unknown>, id, params ?? undefined)
  }

  /** Debug log of an event on one key (only called when DEBUG). */
  const log = (event: string, key: unknown, kind: KeyKind) => debugLog(event, id, prefix + encodedOf(key, kind))
  const logLogical = (event: string, logical: string) => debugLog(event, id, logical)

  function tagsFor(b: Bound, value: unknown, args: ArrayLike<unknown>): readonly string[] | undefined | typeof NONE {
    if (tagsOf === null) return undefined
    try {
      const t = tagsOf(value, args)
      if (!Array.isArray(t) || !t.every((x: unknown) => typeof x === 'string')) {
        throw typeError('E_OPTION', `${id}: the tags function must return an array of strings; received ${Array.isArray(t) ? 'an array with a non-string' : typeof t}.`)
      }
      return t
    } catch (e) {
      b.c.errors++
      reportError(e, { operation: 'tags', functionId: id }, warnOnce)
      return NONE
    }
  }

  function storable(b: Bound, value: unknown): boolean {
    if (cacheIf === null) return true
    try {
      return cacheIf(value) === true
    } catch (e) {
      b.c.errors++
      reportError(e, { operation: 'cacheIf', functionId: id }, warnOnce)
      return false
    }
  }

  const freshFrom = (b: Bound, now: number) => (b.ttl > 0 ? now + b.ttl : Infinity)
  const ret = (v: unknown) => (returnsPromise ? Promise.resolve(v) : v)

  // --- memory backends ---

  function putMemory(b: Bound, key: unknown, kind: KeyKind, value: unknown, args: ArrayLike<unknown>, epoch: number): void {
    if (!storable(b, value)) return
    const tags = tagsFor(b, value, args)
    if (tags === NONE) return
    if (epoch !== G.epoch && invalidatedSince(epoch, prefix + encodedOf(key, kind), tags)) return
    if (G.maxEntrySize !== Infinity) {
      const size = estimateSize(value, key)
      if (size > G.maxEntrySize) return tooLarge(size)
    }
    if (b.mem!.put(b.store!, key, kind, value, freshFrom(b, b.mem!.now()), tags)) {
      b.c.sets++
      if (DEBUG) log('store', key, kind)
    }
  }

  /**
   * Calls the function and stores its result with `put`; settles dedupe, stale-if-error and the
   * in-flight log. Returns the result (a promise for async results).
   */
  function invoke(b: Bound, self: unknown, args: ArrayLike<unknown>, ik: string | null, staleValue: unknown, staleUntil: number,
    put: (value: unknown, epoch: number) => void | Promise<void>): unknown {
    const epoch = callStarted()
    let result: unknown
    try {
      result = fn.apply(self, args as unknown[])
    } catch (err) {
      callEnded()
      if (staleValue !== NONE && G.now() < staleUntil) {
        b.c.staleHits++
        return staleValue
      }
      throw err
    }
    if (!isThenable(result)) {
      try {
        put(result, epoch)
      } finally {
        callEnded()
      }
      return result
    }
    returnsPromise = true
    const p = Promise.resolve(result).then(
      async (value) => {
        await put(value, epoch)
        return value
      },
      (err) => {
        if (staleValue !== NONE && G.now() < staleUntil) {
          b.c.staleHits++
          return staleValue
        }
        throw err
      },
    )
    const done = () => {
      if (ik !== null && inflight.get(ik) === p) inflight.delete(ik)
      callEnded()
    }
    p.then(done, done)
    if (dedupe && ik !== null) inflight.set(ik, p)
    return p
  }

  /** One background refresh per key; failures are counted and reported, never thrown. */
  function revalidate(b: Bound, self: unknown, args: ArrayLike<unknown>, ik: string, put: (value: unknown, epoch: number) => void | Promise<void>): void {
    if (refreshing.has(ik) || inflight.has(ik)) return
    refreshing.add(ik)
    const argv = Array.from(args)
    const fail = (e: unknown) => {
      b.c.errors++
      reportError(e, { operation: 'revalidate', functionId: id }, warnOnce)
    }
    setTimeout(() => {
      try {
        const r = invoke(b, self, argv, ik, NONE, 0, put)
        if (isThenable(r)) Promise.resolve(r).then(() => refreshing.delete(ik), (e) => { refreshing.delete(ik); fail(e) })
        else refreshing.delete(ik)
      } catch (e) {
        refreshing.delete(ik)
        fail(e)
      }
    }, 0)
  }

  function memoryCall(b: Bound, self: unknown, args: ArrayLike<unknown>): unknown {
    const key = computeKey(args)
    const kind = kindOf
    const mem = b.mem!
    const store = b.store!
    const slot = store.slotOf(key, kind)
    let stale: unknown = NONE
    let fresh = 0
    const now = mem.now()
    if (slot !== undefined) {
      fresh = mem.freshOf(slot)
      if (fresh > now) {
        b.c.hits++
        return ret(mem.read(slot))
      }
      if (fresh + window > now) stale = mem.valueOf(slot)
      else mem.expire(slot)
    }
    const ik = kind === PATH ? encodeArgs(key as ArrayLike<unknown>, id) : encodedOf(key, kind)
    const put = b.tiered
      ? (value: unknown, epoch: number) => drive(putFlow(b, b.ns + prefix + encodedOf(key, kind), value, args, epoch,
        { put: (v, f, t) => { b.mem!.put(store, key, kind, v, f, t) } }), b, false, () => undefined) as Promise<void>
      : (value: unknown, epoch: number) => putMemory(b, key, kind, value, args, epoch)
    if (stale !== NONE && now < fresh + swr) {
      b.c.staleHits++
      if (DEBUG) log('stale', key, kind)
      revalidate(b, self, args, ik, put)
      return ret(stale)
    }
    if (dedupe) {
      const p = inflight.get(ik)
      if (p !== undefined) {
        b.c.dedupedCalls++
        if (DEBUG) log('dedupe', key, kind)
        return p
      }
    }
    if (b.tiered) return tieredMiss(b, self, args, key, kind, ik)
    b.c.misses++
    if (DEBUG) log('miss', key, kind)
    return invoke(b, self, args, ik, stale, fresh + sie, put)
  }

  /** A miss in a tiered backend's L1: the shared tier answers (or the function runs), and L1 keeps the value. */
  function tieredMiss(b: Bound, self: unknown, args: ArrayLike<unknown>, key: unknown, kind: KeyKind, ik: string): unknown {
    const logical = prefix + encodedOf(key, kind)
    const local: Local = { put: (value, fresh, tags) => { b.mem!.put(b.store!, key, kind, value, fresh, tags) } }
    if (!returnsPromise) return probe(b, self, args, logical, local)
    const r = asyncBytes(b, self, args, logical, local)
    if (isThenable(r) && dedupe) {
      const p = r as Promise<unknown>
      inflight.set(ik, p)
      const done = () => { if (inflight.get(ik) === p) inflight.delete(ik) }
      p.then(done, done)
    }
    return r
  }

  // --- byte backends ---

  function storageKey(b: Bound, logical: string): string {
    return boundKey(b.ns + logical, G.maxKeyLength)
  }

  function tooLarge(size: number): void {
    warnOnce('FNCACHE_ENTRY_TOO_LARGE', id, `${id} returned a result of about ${size} bytes, over maxEntrySize (${G.maxEntrySize}); such results are returned uncached. Raise configure({ maxEntrySize }) or cache a smaller result.`)
  }

  function* putFlow(b: Bound, full: string, value: unknown, args: ArrayLike<unknown>, epoch: number, local?: Local): Generator<Op, void, unknown> {
    if (!storable(b, value)) return
    const tags = tagsFor(b, value, args)
    if (tags === NONE) return
    const logical = full.slice(b.ns.length)
    if (epoch !== G.epoch && invalidatedSince(epoch, logical, tags)) return
    const now = G.now()
    const fresh = freshFrom(b, now)
    const rec: StoredRecord = { key: full, version, created: now, fresh, stale: fresh + window, tags: tags ?? [], value }
    local?.put(value, fresh, rec.tags)
    const bytes = writeRecord(rec)
    if (bytes === undefined) {
      warnOnce('FNCACHE_UNENCODABLE', id, `${id} returned a value that cannot be stored (a function, symbol or class instance inside it); such results are returned uncached.`)
      return
    }
    if (bytes.length > G.maxEntrySize) {
      tooLarge(bytes.length)
      return
    }
    const ttl = rec.stale === Infinity ? undefined : rec.stale - now
    yield { op: 'set', key: storageKey(b, logical), bytes, options: { ttl, tags: b.ns === '' ? rec.tags : rec.tags.map((t) => b.ns + t) } }
    b.c.sets++
    if (DEBUG) logLogical('store', logical)
  }

  /**
   * The record at `sk` if it is this call's, fresh or not; FAILED when the backend failed. `pre`
   * is bytes already read by the hit path (null: already known absent).
   */
  function* readRecord(b: Bound, sk: string, full: string, pre?: Uint8Array | null | typeof FAILED): Generator<Op, StoredRecord | undefined | typeof FAILED, unknown> {
    const bytes = pre !== undefined ? pre : (yield { op: 'get', key: sk }) as Uint8Array | undefined | typeof FAILED
    if (bytes === FAILED) return FAILED
    if (bytes === undefined || bytes === null) return undefined
    const rec = decodeStored(bytes)
    if (rec === undefined || rec === BAD_SIGNATURE) corruptRecord(b, sk, rec === BAD_SIGNATURE)
    else if (rec.key === full && rec.version === version) return rec
    return undefined
  }

  function* callFlow(b: Bound, self: unknown, args: ArrayLike<unknown>, logical: string, lookup: boolean, local?: Local,
    pre?: Uint8Array | null | typeof FAILED): Generator<Op, unknown, unknown> {
    const full = b.ns + logical
    const sk = storageKey(b, logical)
    const read = lookup ? yield* readRecord(b, sk, full, pre) : undefined
    // A backend that just failed a read will likely fail the write too: do not wait for it twice.
    const reachable = read !== FAILED
    const rec = read === FAILED ? undefined : read
    const now = G.now()
    if (rec !== undefined) {
      if (rec.fresh > now) {
        b.c.hits++
        if (DEBUG) logLogical('hit', logical)
        local?.put(rec.value, rec.fresh, rec.tags)
        return rec.value
      }
      if (now < rec.fresh + swr) {
        b.c.staleHits++
        if (DEBUG) logLogical('stale', logical)
        revalidateBytes(b, self, args, logical, local)
        return rec.value
      }
    }
    if (lookup) {
      b.c.misses++
      if (DEBUG) logLogical('miss', logical)
    }
    let lease: Lease | undefined
    if (lookup && reachable && returnsPromise && b.backend.acquire !== undefined) {
      // Another process may be computing this key: take the lease, or wait (boundedly) for its result.
      const leaseMs = b.backend.lock?.leaseMs ?? LEASE_MS
      const deadline = G.now() + (b.backend.lock?.waitMs ?? leaseMs)
      for (let pause = WAIT_MIN_MS; ; pause = Math.min(WAIT_MAX_MS, pause * 2)) {
        const got = yield { op: 'acquire', key: sk, leaseMs }
        if (got !== HELD) {
          lease = got as Lease | undefined
          break
        }
        if (G.now() >= deadline) break
        yield { op: 'sleep', ms: pause }
        const theirs = yield* readRecord(b, sk, full)
        if (theirs !== undefined && theirs !== FAILED && theirs.fresh > G.now()) {
          b.c.dedupedCalls++
          local?.put(theirs.value, theirs.fresh, theirs.tags)
          return theirs.value
        }
      }
    }
    const epoch = callStarted()
    try {
      let value: unknown
      try {
        value = yield { op: 'call' }
      } catch (err) {
        if (rec !== undefined && G.now() < rec.fresh + sie) {
          b.c.staleHits++
          return rec.value
        }
        throw err
      }
      if (reachable) yield* putFlow(b, full, value, args, epoch, local)
      else if (local !== undefined && storable(b, value)) {
        const tags = tagsFor(b, value, args)
        if (tags !== NONE) local.put(value, freshFrom(b, G.now()), tags ?? [])
      }
      return value
    } finally {
      callEnded()
      if (lease !== undefined) yield { op: 'release', lease }
    }
  }

  /**
   * The async hit path of byte backends: one get and one decode, then the full flow only when the
   * record is not a fresh hit (its bytes handed over, not read again).
   */
  function asyncBytes(b: Bound, self: unknown, args: ArrayLike<unknown>, logical: string, local?: Local): unknown {
    if (!b.breaker.allow()) return runBytes(b, self, args, logical, true, local, FAILED)
    const full = b.ns + logical
    let pending: Promise<Uint8Array | undefined>
    try {
      pending = b.backend.get(storageKey(b, logical))
    } catch (e) {
      failed(b, 'get', e)
      return runBytes(b, self, args, logical, true, local, FAILED)
    }
    return pending.then((bytes) => {
      b.breaker.success()
      if (bytes === undefined) return runBytes(b, self, args, logical, true, local, null)
      const rec = decodeStored(bytes)
      if (rec !== undefined && rec !== BAD_SIGNATURE && rec.key === full && rec.version === version && rec.fresh > G.now()) {
        b.c.hits++
        if (DEBUG) logLogical('hit', logical)
        local?.put(rec.value, rec.fresh, rec.tags)
        return rec.value
      }
      return runBytes(b, self, args, logical, true, local, bytes)
    }, (e) => {
      failed(b, 'get', e)
      return runBytes(b, self, args, logical, true, local, FAILED)
    })
  }

  function runBytes(b: Bound, self: unknown, args: ArrayLike<unknown>, logical: string, lookup: boolean, local?: Local,
    pre?: Uint8Array | null | typeof FAILED): unknown {
    const call = () => fn.apply(self, args as unknown[])
    const r = drive(callFlow(b, self, args, logical, lookup, local, pre), b, b.sync && !returnsPromise, call)
    if (!isThenable(r)) return r
    returnsPromise = true
    return r
  }

  function revalidateBytes(b: Bound, self: unknown, args: ArrayLike<unknown>, logical: string, local?: Local): void {
    if (refreshing.has(logical)) return
    refreshing.add(logical)
    const argv = Array.from(args)
    setTimeout(() => {
      const fail = (e: unknown) => {
        refreshing.delete(logical)
        b.c.errors++
        reportError(e, { operation: 'revalidate', functionId: id }, warnOnce)
      }
      try {
        const r = runBytes(b, self, argv, logical, false, local)
        if (isThenable(r)) Promise.resolve(r).then(() => refreshing.delete(logical), fail)
        else refreshing.delete(logical)
      } catch (e) {
        fail(e)
      }
    }, 0)
  }

  function bytesCall(b: Bound, self: unknown, args: ArrayLike<unknown>): unknown {
    const logical = prefix + encodedOf(computeKey(args), kindOf)
    if (!b.sync && !returnsPromise) return probe(b, self, args, logical)
    if (dedupe) {
      const p = inflight.get(logical)
      if (p !== undefined) {
        b.c.dedupedCalls++
        return p
      }
    }
    const r = b.sync && !returnsPromise ? runBytes(b, self, args, logical, true) : asyncBytes(b, self, args, logical)
    if (isThenable(r) && dedupe) {
      const p = r as Promise<unknown>
      inflight.set(logical, p)
      const done = () => { if (inflight.get(logical) === p) inflight.delete(logical) }
      p.then(done, done)
    }
    return r
  }

  /**
   * First call of a function not known to be async, on a backend without sync access: run it
   * uncached to learn whether it returns a promise (then cache as async) or not (a sync function
   * cannot wait for the backend: a TypeError that says so).
   */
  function probe(b: Bound, self: unknown, args: ArrayLike<unknown>, logical: string, local?: Local): unknown {
    const result = fn.apply(self, args as unknown[])
    if (!isThenable(result)) {
      throw typeError('E_SYNC_ON_ASYNC_BACKEND', `${id} is synchronous, but backend "${b.name}" (${b.backend.kind}) has no synchronous access; a sync function cannot wait for it.`,
        `make ${id.split('#').pop()} async, or cache it on a memory or file backend ({ backend: 'default' }).`)
    }
    returnsPromise = true
    b.c.misses++
    const epoch = callStarted()
    return Promise.resolve(result).then(async (value) => {
      try {
        await drive(putFlow(b, b.ns + logical, value, args, epoch, local), b, false, () => undefined)
      } finally {
        callEnded()
      }
      return value
    }, (err) => {
      callEnded()
      throw err
    })
  }

  function slow(self: unknown, args: ArrayLike<unknown>): unknown {
    const b = current()
    return b.store !== null ? memoryCall(b, self, args) : bytesCall(b, self, args)
  }

  // --- the wrapper, specialised by arity ---

  let wrapper: AnyFn
  const oneKey = keyFn === null && keyIdx === null && (params !== null ? !rest && params.length === 1 : fn.length === 1)
  if (oneKey) {
    const strictOne = params === null
    wrapper = function (this: unknown, a: unknown) {
      let b = bound
      if (b.gen !== G.gen) b = rebind()
      if (b.store !== null && (arguments.length === 1 || (arguments.length === 0 && !strictOne))) {
        // isDirect(a), inlined: this is the hit path.
        const t = typeof a
        if (t === 'number' ? a !== 0 || 1 / (a as number) > 0 : t === 'string' || t === 'boolean' || a == null || t === 'bigint') {
          const v = b.store.getDirect(a)
          if (v !== MISS) {
            b.c.hits++
            return returnsPromise ? Promise.resolve(v) : v
          }
        }
      }
      return slow(this, arguments)
    }
  } else if (params !== null && !rest && (params.length === 2 || params.length === 3) && keyIdx === null && keyFn === null) {
    // Two or three primitive arguments: a trie lookup by the values themselves, no string built.
    const three = params.length === 3
    const n = params.length
    wrapper = function (this: unknown, a: unknown, b1: unknown, c1: unknown) {
      let b = bound
      if (b.gen !== G.gen) b = rebind()
      if (b.store !== null && arguments.length <= n && isDirect(a) && isDirect(b1) && (!three || isDirect(c1))) {
        const v = three ? b.store.getPath3(a, b1, c1) : b.store.getPath2(a, b1)
        if (v !== MISS) {
          b.c.hits++
          return returnsPromise ? Promise.resolve(v) : v
        }
      }
      return slow(this, arguments)
    }
  } else {
    wrapper = function (this: unknown) {
      let b = bound
      if (b.gen !== G.gen) b = rebind()
      if (b.store !== null) {
        const k = computeKey(arguments)
        const v = b.store.getAny(k, kindOf)
        if (v !== MISS) {
          b.c.hits++
          return returnsPromise ? Promise.resolve(v) : v
        }
      }
      return slow(this, arguments)
    }
  }

  if (DEBUG) {
    // Hits on a memory store are counted synchronously: a counter that moved during the call is a hit.
    const inner = wrapper
    wrapper = function (this: unknown) {
      const b = current()
      const before = b.store !== null ? b.c.hits : -1
      const r = inner.apply(this, arguments as never)
      if (before !== -1 && b.c.hits !== before) logLogical('hit', key(...(arguments as unknown as unknown[])))
      return r
    }
  }

  // --- per-function methods ---

  const asyncish = <T>(v: T | Promise<T>): Promise<T> => Promise.resolve(v)

  function invalidate(...args: unknown[]): Promise<boolean> {
    const b = current()
    const key = computeKey(args)
    const kind = kindOf
    const logical = prefix + encodedOf(key, kind)
    logInvalidation({ prefixes: [logical] })
    if (DEBUG) logLogical('invalidate', logical)
    let local = false
    if (b.store !== null) {
      local = b.mem!.remove(b.store, key, kind)
      if (!b.tiered) {
        if (local) b.c.invalidations++
        return Promise.resolve(local)
      }
    }
    return asyncish(drive((function* () {
      const r = (yield { op: 'delete', key: storageKey(b, logical) }) as boolean | undefined
      if (r || local) b.c.invalidations++
      return r === true || local
    })(), b, b.sync, () => undefined))
  }

  function peek(...args: unknown[]): unknown {
    const b = current()
    const key = computeKey(args)
    const kind = kindOf
    if (b.store !== null) {
      const slot = b.store.slotOf(key, kind)
      const v = slot !== undefined && b.mem!.freshOf(slot) > b.mem!.now() ? b.mem!.valueOf(slot) : undefined
      return ret(v)
    }
    const logical = prefix + encodedOf(key, kind)
    const full = b.ns + logical
    const r = drive((function* () {
      const bytes = (yield { op: 'get', key: storageKey(b, logical) }) as Uint8Array | undefined
      const rec = bytes === undefined ? undefined : decodeStored(bytes)
      return rec !== undefined && rec !== BAD_SIGNATURE && rec.key === full && rec.version === version && rec.fresh > G.now() ? rec.value : undefined
    })(), b, b.sync && !returnsPromise, () => undefined)
    return returnsPromise ? Promise.resolve(r) : r
  }

  function refresh(this: unknown, ...args: unknown[]): unknown {
    const b = current()
    if (b.store === null) return runBytes(b, this, args, prefix + encodedOf(computeKey(args), kindOf), false)
    const key = computeKey(args)
    const kind = kindOf
    if (b.tiered) {
      const local: Local = { put: (value, fresh, tags) => { b.mem!.put(b.store!, key, kind, value, fresh, tags) } }
      return runBytes(b, this, args, prefix + encodedOf(key, kind), false, local)
    }
    b.c.misses++
    return invoke(b, this, args, null, NONE, 0, (value, epoch) => putMemory(b, key, kind, value, args, epoch))
  }

  async function warm(argLists: Iterable<unknown[]>, options: { concurrency?: number } = {}): Promise<{ stored: number; failed: number }> {
    const concurrency = options.concurrency ?? 4
    if (!Number.isInteger(concurrency) || concurrency < 1) {
      throw typeError('E_OPTION', `${id}.warm(): option concurrency must be a positive integer; received ${String(concurrency)}.`)
    }
    const it = argLists[Symbol.iterator]()
    let stored = 0
    let failed = 0
    const worker = async () => {
      for (let n = it.next(); !n.done; n = it.next()) {
        try {
          await wrapper(...n.value)
          stored++
        } catch (e) {
          failed++
          reportError(e, { operation: 'warm', functionId: id }, warnOnce)
        }
      }
    }
    await Promise.all(Array.from({ length: concurrency }, worker))
    return { stored, failed }
  }

  function key(...args: unknown[]): string {
    return prefix + encodedOf(computeKey(args), kindOf)
  }

  async function clear(): Promise<void> {
    const b = current()
    logInvalidation({ prefixes: [prefix] })
    if (b.store !== null) {
      b.c.invalidations += b.mem!.clearStore(b.store)
      if (!b.tiered) return
    }
    const n = await b.backend.invalidatePrefix([b.ns + prefix])
    b.c.invalidations += n
  }

  function stats(): FunctionStats {
    const s = emptyStats()
    for (const c of counters.values()) addInto(s, c)
    return withRate(s)
  }

  Object.defineProperties(wrapper, {
    id: { value: id, enumerable: true },
    name: { value: fn.name, configurable: true },
    length: { value: fn.length, configurable: true },
  })
  Object.assign(wrapper, { invalidate, peek, refresh, warm, key, clear, stats })
  return wrapper
}

export type { Backend }
