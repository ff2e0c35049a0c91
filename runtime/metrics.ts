// Counters and the metrics snapshot. Counting is a field increment on an object owned by one
// (function, backend) pair; everything else (totals, rates, per-backend sums, time saved) is
// computed when a snapshot is taken, so the hit path pays nothing else. Misses and byte-backend
// operations are timed here, through the injectable `clock`.

import { Histogram, LATENCY, SIZES, type Distribution } from './histogram.js'
import type { FunctionStats } from './types.js'

/**
 * The clock latencies are measured with: milliseconds, high resolution, any origin. Tests
 * replace `now` through `metrics.setClock()`.
 */
export const clock = { now: defaultNow() }

export function defaultNow(): () => number {
  const perf = (globalThis as { performance?: { now(): number } }).performance
  return perf !== undefined && typeof perf.now === 'function' ? () => perf.now() : Date.now
}

/**
 * Misses of a function whose mean run time is under this many microseconds are timed one in
 * SAMPLE_EVERY: two clock reads (~50-100 ns) would otherwise cost more than a tenth of such a
 * miss. Slower functions are timed on every miss. The mean stays unbiased either way.
 */
export const SAMPLE_BELOW_US = 20
export const SAMPLE_EVERY = 16

/** The counters of one function on one backend. Plain smi fields: increments stay monomorphic. */
export class Counters {
  hits = 0
  misses = 0
  sets = 0
  staleHits = 0
  dedupedCalls = 0
  errors = 0
  invalidations = 0
  evictions = 0
  expirations = 0
  corrupt = 0
  invalid = 0
  earlyRefreshes = 0
  /** The function's own run time on timed misses, in µs. */
  readonly missLatency = new Histogram(LATENCY)
  /** Byte backends: get and set latency, in µs (successful operations only). */
  readonly getLatency = new Histogram(LATENCY)
  readonly setLatency = new Histogram(LATENCY)
  /** Byte backends: encoded record sizes written, in bytes. */
  readonly entrySize = new Histogram(SIZES)
  /** Time saved so far, in µs, for the first `valuedHits` hits (see {@link foldSaved}). */
  savedUs = 0
  valuedHits = 0
  /** 0: time every miss; SAMPLE_EVERY - 1: time one in SAMPLE_EVERY. */
  missMask = 0
  /** The function's entries on this backend, when the backend keeps them per function (memory, tiered L1). */
  store: { readonly size: number; readonly bytes: number; readonly engine: { readonly sized: boolean } } | null = null
  constructor(readonly fnId: string, readonly backend: string) {}
}

/** Receives each timed observation while an exporter with histograms (OpenTelemetry) is attached. */
export interface Observer {
  miss(c: Counters, us: number): void
  backendOp(c: Counters, op: 'get' | 'set', us: number): void
  entry(c: Counters, bytes: number): void
}
export const observers = { current: null as Observer | null }

/** Start of a timed miss (the clock), or -1 when this miss is not sampled. */
export function missStart(c: Counters): number {
  return (c.misses & c.missMask) === 0 ? clock.now() : -1
}

/** End of a miss started by {@link missStart}: records the function's run time. */
export function missEnd(c: Counters, t0: number): void {
  if (t0 < 0) return
  const us = Math.max(0, (clock.now() - t0) * 1000)
  const h = c.missLatency
  h.observe(us)
  c.missMask = h.sum < h.count * SAMPLE_BELOW_US ? SAMPLE_EVERY - 1 : 0
  observers.current?.miss(c, us)
}

/** End of a successful backend get or set started at `t0` (other operations are not timed). */
export function backendOpEnd(c: Counters, op: string, t0: number): void {
  if (op !== 'get' && op !== 'set') return
  const us = Math.max(0, (clock.now() - t0) * 1000)
  ;(op === 'get' ? c.getLatency : c.setLatency).observe(us)
  observers.current?.backendOp(c, op, us)
}

/** A record of `bytes` written to a byte backend. */
export function entryWritten(c: Counters, bytes: number): void {
  c.entrySize.observe(bytes)
  observers.current?.entry(c, bytes)
}

/**
 * Values the hits counted since the last fold at the pair's current mean miss latency, so time
 * saved is a monotonic counter (hits x mean miss latency, each hit valued at the mean known when
 * a snapshot or scrape first sees it). Hits stay unvalued until a miss of the pair was timed.
 */
export function foldSaved(c: Counters): number {
  const h = c.missLatency
  if (c.hits < c.valuedHits) c.valuedHits = c.hits // counters reset under us
  if (h.count > 0 && c.hits > c.valuedHits) {
    c.savedUs += (c.hits - c.valuedHits) * (h.sum / h.count)
    c.valuedHits = c.hits
  }
  return c.savedUs / 1e6
}

export const COUNTER_FIELDS = [
  'hits', 'misses', 'sets', 'staleHits', 'dedupedCalls', 'errors', 'invalidations', 'evictions', 'expirations', 'corrupt',
  'invalid', 'earlyRefreshes',
] as const
type Field = (typeof COUNTER_FIELDS)[number]

/** What each counter counts: Prometheus HELP lines and OpenTelemetry descriptions. */
export const COUNTER_HELP: Record<Field, string> = {
  hits: 'Calls served from the cache while fresh.',
  misses: 'Calls that found no usable entry and ran the function.',
  sets: 'Results stored.',
  staleHits: 'Calls served a stale value (stale-while-revalidate or stale-if-error).',
  dedupedCalls: 'Calls that joined an identical call already in flight.',
  errors: 'Cache-side failures (backend errors, corrupt records, tag functions that threw).',
  invalidations: 'Entries removed by invalidation.',
  evictions: 'Entries evicted to respect a bound.',
  expirations: 'Entries dropped because their TTL and stale window passed.',
  corrupt: 'Records that failed to decode and were treated as misses.',
  invalid: 'Values read back that failed the validate option and were treated as misses.',
  earlyRefreshes: 'Background refreshes started before expiry by the earlyRefresh option.',
}

/** `staleHits` -> `stale_hits`, for metric names. */
export const snake = (s: string) => s.replace(/[A-Z]/g, (c) => '_' + c.toLowerCase())

/** What metrics() reports per function, per backend and in total. Times in seconds, sizes in bytes. */
export interface MetricsFigures extends FunctionStats {
  /** Seconds the cache saved callers: each hit valued at the mean miss latency (see docs/operations.md). */
  timeSaved: number
  /** The function's own run time on misses (timed; see SAMPLE_BELOW_US), in seconds. */
  missLatency: Distribution
  /** Byte backends: latency of successful gets and sets, in seconds (count 0 on memory). */
  getLatency: Distribution
  setLatency: Distribution
  /** Byte backends: sizes of the records written, in bytes. */
  entrySize: Distribution
  /** Entries held, where the backend can tell (memory and tiered L1: per function; backends: their own stats()). */
  entries?: number
  /**
   * Estimated bytes held, in bytes, where the backend can tell: per function on a memory backend
   * with `maxBytes` (its size estimate, see README); per backend from its own stats().
   */
  bytes?: number
}

export interface MetricsSnapshot extends MetricsFigures {
  functions: Record<string, MetricsFigures>
  backends: Record<string, MetricsFigures>
}

export function emptyStats(): FunctionStats {
  return { hits: 0, misses: 0, hitRate: 0, sets: 0, staleHits: 0, dedupedCalls: 0, errors: 0, invalidations: 0, evictions: 0, expirations: 0, corrupt: 0, invalid: 0, earlyRefreshes: 0 }
}

export function addInto(target: FunctionStats, c: Counters | FunctionStats): void {
  for (const f of COUNTER_FIELDS) target[f as Field] += c[f as Field]
}

export function withRate<T extends FunctionStats>(s: T): T {
  const lookups = s.hits + s.staleHits + s.misses
  s.hitRate = lookups === 0 ? 0 : (s.hits + s.staleHits) / lookups
  return s
}

export function resetCounters(c: Counters): void {
  for (const f of COUNTER_FIELDS) c[f as Field] = 0
  c.missLatency.reset()
  c.getLatency.reset()
  c.setLatency.reset()
  c.entrySize.reset()
  c.savedUs = 0
  c.valuedHits = 0
  c.missMask = 0
}
