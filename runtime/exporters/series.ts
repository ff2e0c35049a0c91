// The numbers every exporter publishes, read from the one GlobalCache: counters summed per
// (function id, backend) and entries per backend. Labels are bounded by construction: function ids
// and backend names only, never keys or tags.

import { G } from '../global.js'
import { COUNTER_FIELDS } from '../metrics.js'

export type CounterField = (typeof COUNTER_FIELDS)[number]
export { COUNTER_FIELDS }

/** What each counter counts, for HELP lines and instrument descriptions. */
export const DESCRIPTIONS: Record<CounterField, string> = {
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

/** `staleHits` -> `stale_hits`. */
export const snake = (s: string) => s.replace(/[A-Z]/g, (c) => '_' + c.toLowerCase())

export interface Series { function: string; backend: string; value: number }

/** One value per (function, backend) pair for `field`. */
export function counterSeries(field: CounterField): Series[] {
  const byPair = new Map<string, Series>()
  for (const c of G.counters) {
    const k = c.fnId + '\0' + c.backend
    const s = byPair.get(k)
    if (s === undefined) byPair.set(k, { function: c.fnId, backend: c.backend, value: c[field] })
    else s.value += c[field]
  }
  return [...byPair.values()]
}

/** Entries held per backend, for the backends that report them. */
export function entrySeries(): { backend: string; value: number }[] {
  const out: { backend: string; value: number }[] = []
  for (const [name, b] of G.backends) {
    let entries: number | undefined
    try { entries = b.stats().entries } catch { entries = undefined } // a broken backend must not break a scrape
    if (entries !== undefined) out.push({ backend: name, value: entries })
  }
  return out
}
