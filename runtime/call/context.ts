// The state of one cached function (FnContext): its options, its binding to a backend (Bound,
// re-resolved when configure() changes the generation), its counters and in-flight calls, and the
// key of a call (computeKey) that every path shares. The shapes it hands out are in types.ts.

import { isSyncBackend, type Backend } from '../backends/backend.js'
import { DIRECT, ENCODED, OBJECT, PATH, defaultBackend, engineOf } from '../backends/memory.js'
import { objectKey, objectKeyText } from '../backends/object-key.js'
import type { Breaker } from '../breaker.js'
import { debugLog } from '../debug.js'
import { typeError, warnOnce } from '../errors.js'
import { globalCache, covers, isValueBackend, reportError, type Coverage } from '../global.js'
import { encodeArgs, encodeValue } from '../key.js'
import { Counters, addInto, emptyStats, withRate } from '../metrics.js'
import type { FnConfig } from '../options.js'
import type { FunctionStats } from '../types.js'
import { keepsFlights } from '../soft.js'
import { Flights } from './flights.js'
import { NONE, isThenable, type AnyFn, type Bound, type BytePath, type CallKey, type Flight, type Note } from './types.js'

function isTieredBackend(b: Backend): b is Backend & { l1: Backend } {
  const t = b as unknown as Record<string, unknown>
  return b.kind === 'tiered' && typeof t.l1 === 'object' && t.l1 !== null && typeof t.l2 === 'object' && t.l2 !== null
}

const AsyncFunction = (async () => {}).constructor

/** Whether a single key value can key a map as itself (primitives but -0, which a Map folds into 0). */
export function isDirect(v: unknown): boolean {
  const t = typeof v
  return t === 'number' ? v !== 0 || 1 / (v as number) > 0 : t === 'string' || t === 'boolean' || v == null || t === 'bigint'
}

export class FnContext {
  readonly id: string
  readonly prefix: string
  /** How long entries are kept past fresh: the longer of the two stale windows. */
  readonly window: number
  /** Whether results are promises: known from syntax, or learnt from the first result. */
  returnsPromise: boolean
  readonly counters = new Map<string, Counters>()
  /** Shared calls in flight, by logical key (without namespace). */
  readonly inflight = new Flights<Flight>()
  readonly refreshing = new Set<string>()
  bound = { gen: -1 } as Bound

  constructor(readonly fn: AnyFn, readonly cfg: FnConfig) {
    this.id = cfg.id
    this.prefix = cfg.prefix
    this.window = Math.max(cfg.swr, cfg.sie)
    this.returnsPromise = cfg.async ?? fn instanceof AsyncFunction
  }

  current(): Bound {
    return this.bound.gen === globalCache.gen ? this.bound : this.rebind()
  }

  rebind(): Bound {
    const { cfg, id } = this
    const name = cfg.backend
    if (name === 'default' && !globalCache.backends.has(name)) globalCache.backends.set(name, defaultBackend())
    const backend = globalCache.backends.get(name)
    if (backend === undefined) {
      throw typeError('E_UNKNOWN_BACKEND', `${id}: backend "${name}" is not registered; registered backends: ${[...globalCache.backends.keys()].join(', ')}.`,
        `configure({ backends: { ${JSON.stringify(name).slice(1, -1)}: memory({ max: 10_000 }) } })`)
    }
    let counters = this.counters.get(name)
    if (counters === undefined) {
      this.counters.set(name, (counters = new Counters(id, name)))
      globalCache.counters.push(counters)
    }
    const tier = isTieredBackend(backend)
    const l1 = tier ? backend.l1 : isValueBackend(backend) ? backend : null
    const mem = l1 === null ? null : engineOf(l1 as never)
    let bytes: BytePath | null = null
    let breaker: Breaker | null = null
    if (mem === null || tier) {
      bytes = globalCache.bytePath ?? null
      if (bytes === null) {
        throw typeError('E_NO_BYTE_PATH', `${id}: backend "${name}" (${backend.kind}) stores bytes, but the byte path is not loaded: file(), redis() and tiered() load it when they create a backend; a backend of your own needs one call.`,
          `import { enableBytes } from 'fncache.macro/runtime'; enableBytes() // once, before the first call`)
      }
      breaker = globalCache.breakers.get(backend) ?? null
      if (breaker === null) globalCache.breakers.set(backend, (breaker = bytes.breaker(backend)))
    }
    const store = mem !== null ? mem.store(id, this.prefix, counters) : null
    counters.store = store // per-function entries for metrics()
    if (store !== null) {
      if (store.version !== cfg.version && store.size > 0) mem!.clearStore(store)
      store.version = cfg.version
      store.window = this.window
    }
    const ttl = cfg.ttl ?? globalCache.ttl
    const ns = cfg.namespace ?? globalCache.namespace
    this.bound = {
      gen: globalCache.gen, backend, name, counters, breaker, bytes, fnId: id, store, mem, tiered: tier,
      sync: tier ? false : mem !== null || isSyncBackend(backend),
      ttl: ttl === Infinity ? 0 : ttl,
      ns: ns === '' ? '' : ns + ':',
    }
    return this.bound
  }

  // --- keys ---

  /** The key values of a call: the selected or declared arguments (missing ones are undefined). */
  #keyValues(args: ArrayLike<unknown>): ArrayLike<unknown> {
    const { keyIdx, params, rest } = this.cfg
    if (keyIdx !== null) return keyIdx.map((i) => args[i])
    if (params !== null && !rest && args.length < params.length) {
      const padded = Array.from(args)
      padded.length = params.length
      return padded
    }
    return args
  }

  /** The key of a call: its store key and how that key is looked up. */
  computeKey(args: ArrayLike<unknown>): CallKey {
    const { keyFn, keyIdx, params, rest, keyOf } = this.cfg
    let values: ArrayLike<unknown>
    let names = params ?? undefined
    if (keyFn !== null) {
      values = [keyFn.apply(undefined, args as unknown[])]
      names = ['key()']
    } else {
      values = this.#keyValues(args)
      if (keyIdx !== null && params !== null) names = keyIdx.map((i) => params[i]!)
    }
    const n = values.length
    if (n === 1 && isDirect(values[0])) return { key: values[0], kind: DIRECT }
    if (n === 1 && typeof values[0] === 'object') {
      const k = objectKey(values[0]!)
      if (k !== undefined) return { key: k, kind: OBJECT }
    }
    if (n >= 2) {
      let direct = true
      for (let i = 0; i < n && direct; i++) direct = isDirect(values[i])
      if (direct) return { key: values, kind: PATH }
    }
    if (keyOf !== null && keyFn === null && params !== null && !rest && args.length <= params.length) {
      const k = keyOf.apply(undefined, args as unknown[])
      if (k !== undefined) return { key: k, kind: ENCODED }
    }
    return { key: encodeArgs(values, this.id, names), kind: ENCODED }
  }

  /** The encoded arguments of a key: the logical key without its prefix. */
  encodedOf({ key, kind }: CallKey): string {
    const { keyOf, keyIdx, keyFn, params } = this.cfg
    if (kind === ENCODED) return key as string
    if (kind === DIRECT) return encodeValue(key, this.id, 'key')
    if (kind === OBJECT) return objectKeyText(key as readonly unknown[])
    if (keyOf !== null && keyIdx === null && keyFn === null) {
      const k = keyOf.apply(undefined, key as unknown[])
      if (k !== undefined) return k
    }
    return encodeArgs(key as ArrayLike<unknown>, this.id, params ?? undefined)
  }

  /** The logical key of a call's arguments. */
  logicalKey(args: ArrayLike<unknown>): string {
    return this.prefix + this.encodedOf(this.computeKey(args))
  }

  /** The logical key of a computed key. */
  logicalOf(k: CallKey): string {
    return this.prefix + this.encodedOf(k)
  }

  // --- what to store ---

  /** The tags of a result, undefined when none, NONE when the tags function failed (reported). */
  tagsFor(bound: Bound, value: unknown, args: ArrayLike<unknown>): readonly string[] | undefined | typeof NONE {
    const tagsOf = this.cfg.tags
    if (tagsOf === null) return undefined
    try {
      const t = tagsOf(value, args)
      if (!Array.isArray(t) || !t.every((x: unknown) => typeof x === 'string')) {
        throw typeError('E_OPTION', `${this.id}: the tags function must return an array of strings; received ${Array.isArray(t) ? 'an array with a non-string' : typeof t}.`)
      }
      return t
    } catch (e) {
      bound.counters.errors++
      reportError(e, { operation: 'tags', functionId: this.id }, warnOnce)
      return NONE
    }
  }

  /** Whether cacheIf lets the result be stored (a throwing cacheIf is reported, and stores nothing). */
  storable(bound: Bound, value: unknown): boolean {
    const cacheIf = this.cfg.cacheIf
    if (cacheIf === null) return true
    try {
      return cacheIf(value) === true
    } catch (e) {
      bound.counters.errors++
      reportError(e, { operation: 'cacheIf', functionId: this.id }, warnOnce)
      return false
    }
  }

  /** Registers an async result under `flightKey` (its logical key) so concurrent callers of one key share it. */
  track(flightKey: string, r: unknown, args: ArrayLike<unknown>, note: Note): unknown {
    if (isThenable(r) && this.cfg.dedupe) {
      const p = r as Promise<unknown>
      this.fly(flightKey, p, args, note)
      const done = () => this.land(flightKey, p)
      p.then(done, done)
    }
    return r
  }

  /**
   * Joins the shared call in flight for `flightKey`, if any. When that call's write is refused (an
   * invalidation in another process, or the CLI's, overtook it), a joiner cannot tell whether it
   * arrived after that invalidation resolved: it starts afresh through `again`.
   */
  join(flightKey: string, again: () => unknown): Promise<unknown> | undefined {
    const f = this.inflight.size === 0 ? undefined : this.inflight.get(flightKey)
    if (f === undefined) return undefined
    return f.p.then((v) => (f.refused ? again() : v))
  }

  /** Ends the flight `f` (a call landing itself: no closure, no extra reaction on its promise). */
  landFlight(flightKey: string, f: Note): void {
    if (this.inflight.get(flightKey) === f) this.inflight.delete(flightKey)
  }

  fly(flightKey: string, p: Promise<unknown>, args: ArrayLike<unknown>, note: Note): void {
    const f = note as Flight
    f.p = p
    f.args = args
    this.inflight.set(flightKey, f)
    ;(globalCache.busy ??= new Set()).add(this)
  }

  // The context stays in globalCache.busy when its last call lands: logInvalidation's detach()
  // takes idle ones out, so a function called in sequence does not add and delete itself each call.
  land(flightKey: string, p: Promise<unknown>): void {
    if (this.inflight.get(flightKey)?.p === p) this.inflight.delete(flightKey)
  }

  /**
   * Detaches the calls in flight that an invalidation covers: their callers still get their
   * result, later callers start afresh (and the epoch log keeps the result from being stored).
   * A call whose tags depend on its result is covered by every tag invalidation.
   */
  detach(what: Coverage): void {
    const { tags, tagsFromArgs } = this.cfg
    if (keepsFlights(what.soft, this.cfg.swr)) return // soft: a call in flight is no staler than what it replaces
    for (const [flightKey, f] of this.inflight) {
      let t: readonly string[] | undefined | true
      if (what.tags === undefined || tags === null) t = undefined
      else if (!tagsFromArgs) t = true
      else {
        try {
          t = tags(undefined, f.args)
        } catch {
          t = true
        }
      }
      if (covers(what, flightKey, t)) this.inflight.delete(flightKey)
    }
    if (this.inflight.size === 0) globalCache.busy?.delete(this)
  }

  freshFrom(bound: Bound, now: number): number {
    return bound.ttl > 0 ? now + bound.ttl : Infinity
  }

  /** A value as the function returns it: a promise for promise-returning functions. */
  ret(v: unknown): unknown {
    return this.returnsPromise ? Promise.resolve(v) : v
  }

  tooLarge(size: number, max = globalCache.maxEntrySize): void {
    warnOnce('FNCACHE_ENTRY_TOO_LARGE', this.id, `${this.id} returned a result of about ${size} bytes, over maxEntrySize (${max}); such results are returned uncached. Raise configure({ maxEntrySize }) or cache a smaller result.`)
  }

  /** Debug log of an event on one key (only called when DEBUG). */
  log(event: string, k: CallKey): void {
    debugLog(event, this.id, this.prefix + this.encodedOf(k))
  }

  logLogical(event: string, logical: string): void {
    debugLog(event, this.id, logical)
  }

  stats(): FunctionStats {
    const s = emptyStats()
    for (const counters of this.counters.values()) addInto(s, counters)
    return withRate(s)
  }
}
