// Counters and the metrics snapshot. Counting is a field increment on an object owned by one
// (function, backend) pair; everything else (totals, rates, per-backend sums) is computed when a
// snapshot is taken, so the hit path pays nothing else.

import type { FunctionStats } from './types.js'

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
  constructor(readonly fnId: string, readonly backend: string) {}
}

export const COUNTER_FIELDS = [
  'hits', 'misses', 'sets', 'staleHits', 'dedupedCalls', 'errors', 'invalidations', 'evictions', 'expirations', 'corrupt',
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
}

/** `staleHits` -> `stale_hits`, for metric names. */
export const snake = (s: string) => s.replace(/[A-Z]/g, (c) => '_' + c.toLowerCase())

export interface MetricsSnapshot extends FunctionStats {
  functions: Record<string, FunctionStats>
  backends: Record<string, FunctionStats & { entries?: number; bytes?: number; corrupt?: number }>
}

export function emptyStats(): FunctionStats {
  return { hits: 0, misses: 0, hitRate: 0, sets: 0, staleHits: 0, dedupedCalls: 0, errors: 0, invalidations: 0, evictions: 0, expirations: 0, corrupt: 0 }
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
}
