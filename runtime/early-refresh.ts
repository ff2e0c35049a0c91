// The `earlyRefresh` option: probabilistic early expiration, "XFetch" (Vattani, Chierichetti,
// Lowenstein, VLDB 2015). A read of a fresh entry refreshes it in the background when
//
//   now - delta * beta * ln(random()) >= expiry
//
// where delta is the function's mean miss latency (this process's timing of it). The chance
// rises as expiry nears and with the cost of a recomputation, so processes sharing a hot entry
// refresh it, one at a time, a little before it expires instead of all missing at the instant it
// does. Only reads that already know the entry's expiry pay for this: byte-backend reads, and
// memory hits of functions that set the option (those take the slow path; see wrap.ts).

import { describe, typeError, warnOnce } from './errors.js'
import { reportError } from './global.js'
import type { Counters } from './metrics.js'

export interface EarlyRefresh {
  readonly beta: number
  /** A number in [0, 1): Math.random unless a test injects its own. */
  readonly random: () => number
}

/** Normalises the `earlyRefresh` option; throws a TypeError naming the function and the option. */
/**
 * The option as FnConfig holds it: with its two steps, which the memory path calls through it, so
 * an app whose functions never set earlyRefresh does not bundle this module.
 */
export interface EarlyRefreshConfig extends EarlyRefresh {
  readonly due: typeof refreshesEarly
  readonly start: typeof refreshEarly
}

export function normalizeEarlyRefresh(fnId: string, v: unknown): EarlyRefreshConfig | null {
  if (v === undefined || v === false) return null
  if (v === true) return { beta: 1, random: Math.random, due: refreshesEarly, start: refreshEarly }
  const bad = (what: string) => typeError('E_OPTION', `${fnId}: option earlyRefresh ${what}; received ${describe(v)}.`, 'earlyRefresh: true, or earlyRefresh: { beta: 2 }')
  if (v === null || typeof v !== 'object' || Array.isArray(v)) throw bad('must be true, false or { beta }')
  const o = v as Record<string, unknown>
  for (const k of Object.keys(o)) if (k !== 'beta' && k !== 'random') throw bad(`takes { beta, random }, not "${k}"`)
  const beta = o.beta ?? 1
  if (typeof beta !== 'number' || !(beta > 0) || beta === Infinity) {
    throw typeError('E_OPTION', `${fnId}: option earlyRefresh.beta must be a finite number above 0 (1 is XFetch's optimum; above 1 refreshes earlier); received ${describe(o.beta)}.`, 'earlyRefresh: { beta: 1 }')
  }
  if (o.random !== undefined && typeof o.random !== 'function') {
    throw typeError('E_OPTION', `${fnId}: option earlyRefresh.random must be a function returning a number in [0, 1); received ${describe(o.random)}.`)
  }
  return { beta, random: (o.random as (() => number) | undefined) ?? Math.random, due: refreshesEarly, start: refreshEarly }
}

/**
 * Whether a read at `now` of an entry fresh until `expiry` (both in the runtime clock's
 * milliseconds) refreshes it early. delta is the mean timed miss latency of `c` (0 before any
 * timed miss: nothing to weigh, no early refresh).
 */
export function refreshesEarly(early: EarlyRefresh, c: Counters, now: number, expiry: number): boolean {
  if (expiry === Infinity) return false
  const h = c.missLatency
  if (h.count === 0) return false
  const deltaMs = h.sum / h.count / 1000
  // -ln(random) is exponentially distributed: mostly small, rarely large. random() = 0 gives
  // Infinity: refresh (a probability-zero event either way).
  return now - deltaMs * early.beta * Math.log(early.random()) >= expiry
}

const isThenable = (v: unknown): v is PromiseLike<unknown> =>
  v !== null && (typeof v === 'object' || typeof v === 'function') && typeof (v as { then?: unknown }).then === 'function'

/** What an early refresh needs from the call path. */
export interface RefreshJob {
  /** The calls of this function in flight and refreshing, keyed like `key`. */
  readonly inflight: { has(key: string): boolean }
  readonly refreshing: Set<string>
  readonly fnId: string
  readonly counters: Counters
  /** Recomputes and stores (registering the call in flight, so misses of the key join it). */
  readonly run: () => unknown
}

/**
 * Starts one background refresh of `key` unless one is already running or a call of the key is
 * in flight (it will store a fresh value itself). Counted as `earlyRefreshes` when it starts;
 * failures are counted and reported, never thrown: the entry is still fresh.
 */
export function refreshEarly(key: string, job: RefreshJob): void {
  if (job.refreshing.has(key)) return
  job.refreshing.add(key)
  const done = () => { job.refreshing.delete(key) }
  const fail = (e: unknown) => {
    done()
    job.counters.errors++
    reportError(e, { operation: 'earlyRefresh', functionId: job.fnId }, warnOnce)
  }
  // After the current task: the read that decided this has settled (and left the in-flight map).
  setTimeout(() => {
    if (job.inflight.has(key)) return done()
    job.counters.earlyRefreshes++
    try {
      const r = job.run()
      if (isThenable(r)) Promise.resolve(r).then(done, fail)
      else done()
    } catch (e) {
      fail(e)
    }
  }, 0)
}
