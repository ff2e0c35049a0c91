// The call flow on byte backends, written once: read the record, check key, version and
// freshness, serve stale or take a lease, call, then write the record (callFlow; the write is
// put-flow.ts's putFlow, a generator of the same operations). It is a
// generator of backend operations; drive() below runs it synchronously (sync twins, sync
// function) or asynchronously, switching to async the moment an operation returns a promise.
// The flow and its driver live together so a call never hops between files to take one step.

import type { Lease, SetOptions } from '../backends/backend.js'
import type { Breaker } from '../breaker.js'
import type { StoredRecord } from '../codec.js'
import { DEBUG } from '../debug.js'
import { warnOnce } from '../errors.js'
import { globalCache, callEnded, callStarted, invalidatedSince, reportError } from '../global.js'
import { backendOpEnd, clock, missEnd, missStart } from '../metrics.js'
import { BAD_SIGNATURE, keyMatches, readRecord } from '../record.js'
import type { FnContext } from './context.js'
import { NONE, isThenable, type Bound, type Local, type Note } from './types.js'
import { dropInvalid, passes } from '../validate.js'
import { putFlow } from './put-flow.js'
import { refreshEarly, refreshesEarly } from '../early-refresh.js'
import { freshFor } from '../empty-ttl.js'

/** Distributed stampede protection, on backends that offer acquire() without `lock` settings: lease and wait. */
const LEASE_MS = 10_000
/** First and last pause between re-reads while another process holds the lease. */
const WAIT_MIN_MS = 10
const WAIT_MAX_MS = 200

/** A binding to a byte backend (or a tiered backend's L2): it always has a breaker. */
export type ByteBound = Bound & { breaker: Breaker }

export type Op =
  | { op: 'get'; key: string }
  | { op: 'set'; key: string; bytes: Uint8Array; options: SetOptions }
  | { op: 'delete'; key: string; at?: number }
  | { op: 'acquire'; key: string; leaseMs: number }
  | { op: 'release'; lease: Lease }
  | { op: 'sleep'; ms: number }
  | { op: 'call' }

/** The answer to an `acquire` op when another holder has the lease (undefined means the backend failed). */
export const HELD = Symbol('held')
/** The answer to a `get` op that failed (undefined means a miss). */
export const FAILED = Symbol('failed')

/** Bytes already read for a call: null when known absent, FAILED when the read failed. */
export type Prefetched = Uint8Array | null | typeof FAILED

/** One call through {@link callFlow}. */
export interface ByteCall {
  self: unknown
  args: ArrayLike<unknown>
  /** The call's logical key (prefix + encoded arguments, no namespace). */
  logical: string
  /** Where the backend stores it (bytes-call.ts storageKey). */
  key: string
  /** Read the record first (false: refresh, which calls and stores). */
  lookup: boolean
  /** A tiered backend's L1, which keeps what L2 serves or accepts. */
  local?: Local
  /** The record's bytes when the caller already read them. */
  pre?: Prefetched
  /** With `pre`: the invalidation epoch when that read left (see {@link fill}). */
  seen?: number
  /** Learns whether the write was refused, for callers who joined this call. */
  note?: Note
}

// --- the driver ---

/** Counts and reports a backend failure (fail-open); a failed `get` answers FAILED, others undefined. */
export function failed(bound: ByteBound, operation: string, error: unknown): undefined | typeof FAILED {
  bound.breaker.failure()
  bound.counters.errors++
  reportError(error, { operation, backend: bound.name, functionId: bound.fnId }, warnOnce)
  return operation === 'get' ? FAILED : undefined
}

/** Runs one backend operation; failures are counted and reported, never thrown (fail-open). */
function perform(bound: ByteBound, op: Exclude<Op, { op: 'call' }>, sync: boolean): unknown {
  if (op.op === 'sleep') return new Promise((resolve) => setTimeout(resolve, op.ms))
  if (!bound.breaker.allow()) return op.op === 'get' ? FAILED : undefined
  const backend = bound.backend
  const t0 = clock.now()
  try {
    const r = op.op === 'get' ? (sync ? backend.getSync!(op.key) : backend.get(op.key))
      : op.op === 'set' ? (sync ? backend.setSync!(op.key, op.bytes, op.options) : backend.set(op.key, op.bytes, op.options))
      : op.op === 'delete' ? (op.at === undefined ? (sync ? backend.deleteSync!(op.key) : backend.delete(op.key)) : (sync ? backend.deleteSync!(op.key, { at: op.at }) : backend.delete(op.key, { at: op.at })))
      : op.op === 'acquire' ? backend.acquire!(op.key, op.leaseMs).then((lease) => lease ?? HELD)
      : op.lease.release()
    if (isThenable(r)) {
      return Promise.resolve(r).then((v) => { backendOpEnd(bound.counters, op.op, t0); bound.breaker.success(); return v }, (e) => failed(bound, op.op, e))
    }
    backendOpEnd(bound.counters, op.op, t0)
    bound.breaker.success()
    return r
  } catch (e) {
    return failed(bound, op.op, e)
  }
}

/**
 * Drives `flow` to completion: synchronously while every step answers synchronously, then
 * asynchronously from the first promise on. `call` runs the user's function.
 */
export function drive<T>(flow: Generator<Op, T, unknown>, bound: ByteBound, sync: boolean, call: () => unknown): T | Promise<T> {
  return step(flow, bound, sync, call, undefined, NONE)
}

function step<T>(flow: Generator<Op, T, unknown>, bound: ByteBound, sync: boolean, call: () => unknown, input: unknown, error: unknown): T | Promise<T> {
  for (;;) {
    const next = error !== NONE ? flow.throw(error) : flow.next(input)
    error = NONE
    if (next.done) return next.value
    const op = next.value
    let r: unknown
    if (op.op === 'call') {
      try {
        r = call()
      } catch (e) {
        error = e
        continue
      }
    } else {
      r = perform(bound, op, sync)
    }
    if (isThenable(r)) {
      return Promise.resolve(r).then(
        (v) => step(flow, bound, false, call, v, NONE),
        (e) => step(flow, bound, false, call, undefined, e),
      )
    }
    input = r
  }
}

/** Counts a record that failed to decode (or to verify) and removes it in the background. */
export function corruptRecord(bound: Bound, key: string, badSignature = false): void {
  const { counters, name, fnId } = bound
  counters.corrupt++
  counters.errors++
  if (badSignature) {
    warnOnce('FNCACHE_BAD_SIGNATURE', name, `backend "${name}" held a record whose signature does not verify (first seen for ${fnId}): written without the secret, or with another one. It was treated as a miss and removed.`)
  } else {
    warnOnce('FNCACHE_CORRUPT_ENTRY', name, `backend "${name}" held a corrupt or foreign record (first seen for ${fnId}); it was treated as a miss and removed.`)
  }
  try {
    const r = bound.backend.delete(key)
    if (isThenable(r)) Promise.resolve(r).then(undefined, () => {})
  } catch {
    // Removal is best effort; the next set overwrites the record anyway.
  }
}

// --- the flow ---

/**
 * Keeps a record read from the shared tier in the local one (tiered L1), unless an invalidation was
 * logged here since the read left (`seen`, the epoch then): Redis may have answered before that
 * invalidation removed the record, and a bus message is not ordered with the reply. The caller may
 * still return the value (its call started before the invalidation resolved); later calls must not.
 */
export function fill(local: Local | undefined, seen: number, rec: StoredRecord): void {
  if (local !== undefined && seen === globalCache.epoch) local.put(rec.value, rec.fresh, rec.tags)
}

/** The record in `bytes` if it is this call's (`full`: namespace + logical key; fresh or not) and verifies; corrupt ones are counted and removed. */
export function ownRecord(ctx: FnContext, bound: Bound, key: string, full: string, bytes: Uint8Array): StoredRecord | undefined {
  const rec = readRecord(bytes)
  if (rec === undefined || rec === BAD_SIGNATURE) corruptRecord(bound, key, rec === BAD_SIGNATURE)
  else if (keyMatches(rec.key, full) && rec.version === ctx.cfg.version) {
    // validate: a value that fails is a miss, removed (runtime/validate.ts).
    if (ctx.cfg.validate !== null && !passes(ctx.cfg.validate, bound, rec.value)) dropInvalid(bound, key)
    else return rec
  }
  return undefined
}

/** The record stored at `key` (see ownRecord), or FAILED when the backend failed. `pre`: bytes already read. */
function* fetchRecord(ctx: FnContext, bound: Bound, key: string, full: string, pre?: Prefetched): Generator<Op, StoredRecord | undefined | typeof FAILED, unknown> {
  const bytes = pre !== undefined ? pre : (yield { op: 'get', key }) as Uint8Array | undefined | typeof FAILED
  if (bytes === FAILED) return FAILED
  if (bytes === undefined || bytes === null) return undefined
  return ownRecord(ctx, bound, key, full, bytes)
}

function* callFlow(ctx: FnContext, bound: Bound, call: ByteCall): Generator<Op, unknown, unknown> {
  const { logical, key, lookup, local } = call
  const counters = bound.counters
  const full = bound.ns + logical
  let seen = call.pre !== undefined && call.seen !== undefined ? call.seen : globalCache.epoch
  const read = lookup ? yield* fetchRecord(ctx, bound, key, full, call.pre) : undefined
  // A backend that just failed a read will likely fail the write too: do not wait for it twice.
  const reachable = read !== FAILED
  const rec = read === FAILED ? undefined : read
  const now = globalCache.now()
  if (rec !== undefined) {
    if (rec.fresh > now) {
      counters.hits++
      if (DEBUG) ctx.logLogical('hit', logical)
      fill(local, seen, rec)
      if (ctx.cfg.earlyRefresh !== null) earlyRefreshBytes(ctx, bound as ByteBound, call, rec.fresh) // earlyRefresh
      return rec.value
    }
    if (now < rec.fresh + ctx.cfg.swr) {
      counters.staleHits++
      if (DEBUG) ctx.logLogical('stale', logical)
      revalidateRecord(ctx, bound as ByteBound, call)
      return rec.value
    }
  }
  if (lookup) {
    counters.misses++
    if (DEBUG) ctx.logLogical('miss', logical)
  }
  let lease: Lease | undefined
  const backend = bound.backend
  if (lookup && reachable && ctx.returnsPromise && backend.acquire !== undefined) {
    // Another process may be computing this key: take the lease, or wait (boundedly) for its result.
    const leaseMs = backend.lock?.leaseMs ?? LEASE_MS
    const deadline = globalCache.now() + (backend.lock?.waitMs ?? leaseMs)
    for (let pause = WAIT_MIN_MS; ; pause = Math.min(WAIT_MAX_MS, pause * 2)) {
      const got = yield { op: 'acquire', key, leaseMs }
      if (got !== HELD) {
        lease = got as Lease | undefined
        // Read again once the lease is ours: the holder before us may have written its result and
        // released between our miss (or last re-read) and this acquire. Computing then would run
        // the function twice, which the lease exists to prevent.
        if (lease !== undefined) {
          seen = globalCache.epoch
          const theirs = yield* fetchRecord(ctx, bound, key, full)
          if (theirs !== undefined && theirs !== FAILED && theirs.fresh > globalCache.now()) {
            yield { op: 'release', lease }
            counters.dedupedCalls++
            fill(local, seen, theirs)
            return theirs.value
          }
        }
        break
      }
      if (globalCache.now() >= deadline) break
      yield { op: 'sleep', ms: pause }
      seen = globalCache.epoch
      const theirs = yield* fetchRecord(ctx, bound, key, full)
      if (theirs !== undefined && theirs !== FAILED && theirs.fresh > globalCache.now()) {
        counters.dedupedCalls++
        fill(local, seen, theirs)
        return theirs.value
      }
    }
  }
  if (!lookup && ctx.returnsPromise && backend.acquire !== undefined) {
    // A background refresh takes the lease without waiting: when another process holds it (or has
    // just refreshed), that one refreshes and this one keeps serving stale (soft invalidation's
    // "one refresh per key").
    const got = yield { op: 'acquire', key, leaseMs: backend.lock?.leaseMs ?? LEASE_MS }
    if (got === HELD) return undefined
    lease = got as Lease | undefined
    const theirs = lease === undefined ? undefined : yield* fetchRecord(ctx, bound, key, full)
    if (theirs !== undefined && theirs !== FAILED && theirs.fresh > globalCache.now()) {
      yield { op: 'release', lease: lease! }
      return theirs.value
    }
  }
  const epoch = callStarted()
  const since = globalCache.now()
  try {
    let value: unknown
    const t0 = missStart(counters)
    try {
      value = yield { op: 'call' }
      missEnd(counters, t0)
    } catch (err) {
      if (rec !== undefined && globalCache.now() < rec.fresh + ctx.cfg.sie) {
        counters.staleHits++
        return rec.value
      }
      throw err
    }
    if (reachable) yield* putFlow(ctx, bound, { logical, key, value, args: call.args, epoch, since, local, note: call.note })
    else if (local !== undefined && ctx.storable(bound, value)) {
      const tags = ctx.tagsFor(bound, value, call.args)
      const fresh = ctx.cfg.empty === null ? ctx.freshFrom(bound, globalCache.now()) : freshFor(ctx.cfg.empty, bound, globalCache.now(), value, ctx.id) // emptyTtl
      // L2 unreachable: L1 alone, unless an invalidation here overtook the computation (as putFlow).
      if (tags !== NONE && (epoch === globalCache.epoch || !invalidatedSince(epoch, logical, tags))) local.put(value, fresh, tags ?? [])
    }
    return value
  } finally {
    callEnded(epoch)
    if (lease !== undefined) yield { op: 'release', lease }
  }
}

/** Runs the whole flow of one call (sync while the backend and the function answer synchronously). */
export function runBytes(ctx: FnContext, bound: ByteBound, call: ByteCall): unknown {
  const { self, args } = call
  const r = drive(callFlow(ctx, bound, call), bound, bound.sync && !ctx.returnsPromise, () => ctx.fn.apply(self, args as unknown[]))
  if (isThenable(r)) ctx.returnsPromise = true
  return r
}

/** earlyRefresh: after a fresh hit, maybe one background refresh of the key (runtime/early-refresh.ts). */
export function earlyRefreshBytes(ctx: FnContext, bound: ByteBound, call: ByteCall, expiry: number): void {
  if (!refreshesEarly(ctx.cfg.earlyRefresh!, bound.counters, globalCache.now(), expiry)) return
  const args = Array.from(call.args)
  refreshEarly(call.logical, {
    inflight: ctx.inflight, refreshing: ctx.refreshing, fnId: ctx.id, counters: bound.counters,
    run: () => {
      const note: Note = { refused: false }
      return ctx.track(call.logical, runBytes(ctx, bound, { self: call.self, args, logical: call.logical, key: call.key, lookup: false, local: call.local, note }), args, note)
    },
  })
}

/** One background refresh per key, after a stale record was served; failures are counted and reported, never thrown. */
function revalidateRecord(ctx: FnContext, bound: ByteBound, call: ByteCall): void {
  const { logical } = call
  if (ctx.refreshing.has(logical)) return
  ctx.refreshing.add(logical)
  const again: ByteCall = { self: call.self, args: Array.from(call.args), logical, key: call.key, lookup: false, local: call.local }
  const fail = (e: unknown) => {
    ctx.refreshing.delete(logical)
    bound.counters.errors++
    reportError(e, { operation: 'revalidate', functionId: ctx.id }, warnOnce)
  }
  setTimeout(() => {
    try {
      const r = runBytes(ctx, bound, again)
      if (isThenable(r)) Promise.resolve(r).then(() => ctx.refreshing.delete(logical), fail)
      else ctx.refreshing.delete(logical)
    } catch (e) {
      fail(e)
    }
  }, 0)
}
