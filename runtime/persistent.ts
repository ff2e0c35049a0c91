// The call flow for byte backends (file, Redis, custom): look up the record, check key, version
// and freshness, serve stale or call, then store. Written once as a generator of backend
// operations, and driven synchronously (sync twins, sync function) or asynchronously; a driver
// switches to async the moment an operation returns a promise.

import type { Backend, Lease, SetOptions } from './backends/backend.js'
import { reportError } from './global.js'
import { warnOnce } from './errors.js'
import { backendOpEnd, clock, type Counters } from './metrics.js'
import type { Breaker } from './breaker.js'

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

export interface Target {
  backend: Backend
  name: string
  c: Counters
  breaker: Breaker
  fnId: string
}

export function isThenable(v: unknown): v is PromiseLike<unknown> {
  return v !== null && (typeof v === 'object' || typeof v === 'function') && typeof (v as { then?: unknown }).then === 'function'
}

/** Counts and reports a backend failure (fail-open); a failed `get` answers FAILED, others undefined. */
export function failed(t: Target, operation: string, error: unknown): undefined | typeof FAILED {
  t.breaker.failure()
  t.c.errors++
  reportError(error, { operation, backend: t.name, functionId: t.fnId }, warnOnce)
  return operation === 'get' ? FAILED : undefined
}

/** Runs one backend operation; failures are counted and reported, never thrown (fail-open). */
function perform(t: Target, op: Exclude<Op, { op: 'call' }>, sync: boolean): unknown {
  if (op.op === 'sleep') return new Promise((resolve) => setTimeout(resolve, op.ms))
  if (!t.breaker.allow()) return op.op === 'get' ? FAILED : undefined
  const b = t.backend
  const t0 = clock.now()
  try {
    const r = op.op === 'get' ? (sync ? b.getSync!(op.key) : b.get(op.key))
      : op.op === 'set' ? (sync ? b.setSync!(op.key, op.bytes, op.options) : b.set(op.key, op.bytes, op.options))
      : op.op === 'delete' ? (op.at === undefined ? (sync ? b.deleteSync!(op.key) : b.delete(op.key)) : (sync ? b.deleteSync!(op.key, { at: op.at }) : b.delete(op.key, { at: op.at })))
      : op.op === 'acquire' ? b.acquire!(op.key, op.leaseMs).then((lease) => lease ?? HELD)
      : op.lease.release()
    if (isThenable(r)) {
      return Promise.resolve(r).then((v) => { backendOpEnd(t.c, op.op, t0); t.breaker.success(); return v }, (e) => failed(t, op.op, e))
    }
    backendOpEnd(t.c, op.op, t0)
    t.breaker.success()
    return r
  } catch (e) {
    return failed(t, op.op, e)
  }
}

const NONE = Symbol('none')

/**
 * Drives `flow` to completion: synchronously while every step answers synchronously, then
 * asynchronously from the first promise on. `call` runs the user's function.
 */
export function drive<T>(flow: Generator<Op, T, unknown>, t: Target, sync: boolean, call: () => unknown): T | Promise<T> {
  return step(flow, t, sync, call, undefined, NONE)
}

function step<T>(flow: Generator<Op, T, unknown>, t: Target, sync: boolean, call: () => unknown, input: unknown, error: unknown): T | Promise<T> {
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
      r = perform(t, op, sync)
    }
    if (isThenable(r)) {
      return Promise.resolve(r).then(
        (v) => step(flow, t, false, call, v, NONE),
        (e) => step(flow, t, false, call, undefined, e),
      )
    }
    input = r
  }
}

/** Counts a record that failed to decode (or to verify) and removes it in the background. */
export function corruptRecord(t: Target, key: string, badSignature = false): void {
  t.c.corrupt++
  t.c.errors++
  if (badSignature) {
    warnOnce('FNCACHE_BAD_SIGNATURE', t.name, `backend "${t.name}" held a record whose signature does not verify (first seen for ${t.fnId}): written without the secret, or with another one. It was treated as a miss and removed.`)
  } else {
    warnOnce('FNCACHE_CORRUPT_ENTRY', t.name, `backend "${t.name}" held a corrupt or foreign record (first seen for ${t.fnId}); it was treated as a miss and removed.`)
  }
  try {
    const r = t.backend.delete(key)
    if (isThenable(r)) Promise.resolve(r).then(undefined, () => {})
  } catch {
    // Removal is best effort; the next set overwrites the record anyway.
  }
}
