// `fncache top`'s rows: fncache's Prometheus samples summed per function (over backends and,
// when the URL aggregates several processes, over instances), with latency quantiles estimated from
// the summed histogram buckets the way PromQL's histogram_quantile does.

import type { PromSample } from './prom-text.js'

export interface TopRow {
  function: string
  /** Seconds saved by hits (hits x mean miss latency). */
  timeSaved: number
  hits: number
  misses: number
  staleHits: number
  /** (hits + stale hits) / lookups; 0 with no lookups. */
  hitRate: number
  /** Miss latency quantiles, seconds; null before any timed miss. */
  p50: number | null
  p99: number | null
  /** Entries held, where the backend keeps them per function; null otherwise. */
  entries: number | null
  /** Mean size of the records written (byte backends), bytes; null when none were written. */
  entryBytes: number | null
  /** Bytes held: entries x mean record size, where both are known; null otherwise. */
  bytes: number | null
  errors: number
}

interface Acc {
  saved: number; hits: number; misses: number; stale: number; errors: number
  entries: number | null; sizeSum: number; sizeCount: number
  buckets: Map<number, number>; missCount: number
}

/** histogram_quantile over cumulative buckets (upper bound -> count), +Inf answering the last finite bound. */
export function quantile(q: number, cumulative: Map<number, number>): number | null {
  const bounds = [...cumulative.keys()].sort((a, b) => a - b)
  const total = cumulative.get(Infinity) ?? (bounds.length ? cumulative.get(bounds[bounds.length - 1]!)! : 0)
  if (!(total > 0)) return null
  const rank = q * total
  let prevBound = 0
  let prevCount = 0
  for (const b of bounds) {
    const c = cumulative.get(b)!
    if (c >= rank) {
      if (b === Infinity) return prevBound
      return prevBound + (b - prevBound) * ((rank - prevCount) / Math.max(c - prevCount, 1e-300))
    }
    prevBound = b
    prevCount = c
  }
  return prevBound
}

export function topRows(samples: PromSample[], prefix = 'fncache_'): TopRow[] {
  const byFn = new Map<string, Acc>()
  const acc = (fn: string) => {
    let a = byFn.get(fn)
    if (a === undefined) byFn.set(fn, (a = { saved: 0, hits: 0, misses: 0, stale: 0, errors: 0, entries: null, sizeSum: 0, sizeCount: 0, buckets: new Map(), missCount: 0 }))
    return a
  }
  for (const s of samples) {
    const fn = s.labels.function
    if (fn === undefined || !Number.isFinite(s.value)) continue
    const a = acc(fn)
    switch (s.name.slice(prefix.length)) {
      case 'time_saved_seconds_total': a.saved += s.value; break
      case 'hits_total': a.hits += s.value; break
      case 'misses_total': a.misses += s.value; break
      case 'stale_hits_total': a.stale += s.value; break
      case 'errors_total': a.errors += s.value; break
      case 'function_entries': a.entries = (a.entries ?? 0) + s.value; break
      case 'entry_size_bytes_sum': a.sizeSum += s.value; break
      case 'entry_size_bytes_count': a.sizeCount += s.value; break
      case 'miss_duration_seconds_count': a.missCount += s.value; break
      case 'miss_duration_seconds_bucket': {
        const le = s.labels.le === '+Inf' ? Infinity : Number(s.labels.le)
        if (!Number.isNaN(le)) a.buckets.set(le, (a.buckets.get(le) ?? 0) + s.value)
        break
      }
    }
  }
  const rows: TopRow[] = []
  for (const [fn, a] of byFn) {
    const lookups = a.hits + a.stale + a.misses
    const entryBytes = a.sizeCount > 0 ? a.sizeSum / a.sizeCount : null
    rows.push({
      function: fn, timeSaved: a.saved, hits: a.hits, misses: a.misses, staleHits: a.stale,
      hitRate: lookups === 0 ? 0 : (a.hits + a.stale) / lookups,
      p50: a.missCount > 0 ? quantile(0.5, a.buckets) : null,
      p99: a.missCount > 0 ? quantile(0.99, a.buckets) : null,
      entries: a.entries, entryBytes,
      bytes: a.entries !== null && entryBytes !== null ? Math.round(a.entries * entryBytes) : null,
      errors: a.errors,
    })
  }
  return rows.sort((x, y) => y.timeSaved - x.timeSaved || y.hits - x.hits || x.function.localeCompare(y.function))
}
