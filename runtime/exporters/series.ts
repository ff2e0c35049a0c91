// The numbers every exporter publishes, read from the one GlobalCache: counters summed per
// (function id, backend) and entries per backend. Labels are bounded by construction: function ids
// and backend names only, never keys or tags.

import { G } from '../global.js'
import { COUNTER_FIELDS, COUNTER_HELP, snake } from '../metrics.js'

export type CounterField = (typeof COUNTER_FIELDS)[number]
export { COUNTER_FIELDS }

/** What each counter counts, for HELP lines and instrument descriptions. */
export const DESCRIPTIONS = COUNTER_HELP
export { snake }

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
