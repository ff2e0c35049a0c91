// Negative caching (`emptyTtl`, `isEmpty`): "not found" results are stored with their own,
// usually shorter, lifetime, so a flood of lookups for absent ids does not reach the source each
// time, while a record created later shows up soon.

import { typeError, warnOnce } from './errors.js'
import { reportError } from './global.js'
import type { Counters } from './metrics.js'

export interface EmptyTtl {
  /** Milliseconds; 0: empty results never expire by age (like `ttl`). */
  readonly ttl: number
  readonly isEmpty: (result: unknown) => boolean
}

const nullish = (result: unknown) => result === null || result === undefined

/** Normalises `emptyTtl` (already milliseconds) and `isEmpty`; `isEmpty` alone is an error. */
/** The options as FnConfig holds them: with ttlFor(), which the memory path calls through it (see EarlyRefreshConfig). */
export interface EmptyTtlConfig extends EmptyTtl {
  readonly ttlFor: typeof ttlFor
}

export function normalizeEmptyTtl(fnId: string, ttl: number | undefined, isEmpty: ((result: unknown) => boolean) | null): EmptyTtlConfig | null {
  if (ttl === undefined) {
    if (isEmpty !== null) {
      throw typeError('E_OPTION', `${fnId}: option isEmpty only says which results emptyTtl applies to; emptyTtl is not set.`, "emptyTtl: '30s', isEmpty: (r) => r.length === 0")
    }
    return null
  }
  return { ttl: ttl === Infinity ? 0 : ttl, isEmpty: isEmpty ?? nullish, ttlFor }
}

/**
 * The lifetime of `value`: `ttl` (the function's, ms, 0: none) unless `value` is empty. A
 * throwing isEmpty is reported and the value kept with the normal lifetime.
 */
export function ttlFor(empty: EmptyTtl, ttl: number, value: unknown, c: Counters, fnId: string): number {
  try {
    return empty.isEmpty(value) === true ? empty.ttl : ttl
  } catch (e) {
    c.errors++
    reportError(e, { operation: 'isEmpty', functionId: fnId }, warnOnce)
    return ttl
  }
}

/** Fresh-until (the runtime clock's ms; Infinity: no expiry) of `value` stored at `now` by a function bound with `t.ttl`. */
export function freshFor(empty: EmptyTtl, t: { readonly ttl: number; readonly counters: Counters }, now: number, value: unknown, fnId: string): number {
  const ttl = ttlFor(empty, t.ttl, value, t.counters, fnId)
  return ttl > 0 ? now + ttl : Infinity
}
