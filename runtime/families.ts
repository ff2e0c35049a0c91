// The metric families every exposition publishes (metrics.prometheus(), prom-client, OpenTelemetry),
// read from the one GlobalCache: one list, so the three agree on names, help, units and labels.
// Labels are bounded by construction: function ids, backend names and the operation only, never
// keys or tags.

import { globalCache } from './global.js'
import { Histogram, LATENCY, SIZES } from './histogram.js'
import { COUNTER_FIELDS, COUNTER_HELP, foldSaved, snake, type Counters } from './metrics.js'

export type Labels = Record<string, string>
export interface Sample { labels: Labels; value: number }
export interface HistogramSample { labels: Labels; histogram: Histogram }

interface Base {
  /** The name after the prefix, Prometheus style (`hits_total`, `miss_duration_seconds`). */
  name: string
  /** The OpenTelemetry instrument name after the prefix (`hits`, `miss.duration`). */
  otel: string
  help: string
  /** UCUM unit for OpenTelemetry. */
  unit: string
}
export type Family =
  | Base & { type: 'counter' | 'gauge'; samples: Sample[] }
  | Base & { type: 'histogram'; samples: HistogramSample[] }

/** The counters grouped per (function, backend) pair (two copies of the runtime may each hold one). */
function pairs(): Counters[][] {
  const byPair = new Map<string, Counters[]>()
  for (const c of globalCache.counters) {
    const k = c.fnId + '\0' + c.backend
    const list = byPair.get(k)
    if (list === undefined) byPair.set(k, [c])
    else list.push(c)
  }
  return [...byPair.values()]
}

function backendStats(): { backend: string; entries?: number; bytes?: number }[] {
  const out: { backend: string; entries?: number; bytes?: number }[] = []
  for (const [name, b] of globalCache.backends) {
    try {
      const s = b.stats()
      out.push({ backend: name, entries: s.entries, bytes: s.bytes })
    } catch {
      // A broken backend must not break a scrape.
    }
  }
  return out
}

const merged = (list: Counters[], pick: (c: Counters) => Histogram) => {
  const h = new Histogram(pick(list[0]!).scale)
  for (const c of list) h.add(pick(c))
  return h
}

/** Every family (or only the one named `only`) with its current samples. Histograms are copies. */
export function families(only?: string): Family[] {
  const ps = pairs()
  const pairLabels = (list: Counters[]): Labels => ({ function: list[0]!.fnId, backend: list[0]!.backend })
  const sum = (list: Counters[], f: (c: Counters) => number) => list.reduce((s, c) => s + f(c), 0)
  const out: Family[] = []
  // Each family is built only when wanted: prom-client reads them one collector at a time.
  const add = (name: string, build: () => Family) => { if (only === undefined || only === name) out.push(build()) }
  for (const field of COUNTER_FIELDS) {
    add(`${snake(field)}_total`, () => ({
      name: `${snake(field)}_total`, otel: snake(field), help: COUNTER_HELP[field], unit: '{call}', type: 'counter',
      samples: ps.map((list) => ({ labels: pairLabels(list), value: sum(list, (c) => c[field]) })),
    }))
  }
  add('time_saved_seconds_total', () => ({
    name: 'time_saved_seconds_total', otel: 'time_saved', unit: 's', type: 'counter',
    help: 'Seconds saved by hits: each hit valued at the mean miss latency of its function on its backend.',
    samples: ps.map((list) => ({ labels: pairLabels(list), value: sum(list, foldSaved) })),
  }))
  add('entries', () => ({
    name: 'entries', otel: 'entries', unit: '{entry}', type: 'gauge', help: 'Entries held by a backend.',
    samples: backendStats().filter((s) => s.entries !== undefined).map((s) => ({ labels: { backend: s.backend }, value: s.entries! })),
  }))
  add('bytes', () => ({
    name: 'bytes', otel: 'bytes', unit: 'By', type: 'gauge', help: 'Bytes held by a backend, where it can tell (memory with maxBytes, file after a prune).',
    samples: backendStats().filter((s) => s.bytes !== undefined).map((s) => ({ labels: { backend: s.backend }, value: s.bytes! })),
  }))
  add('function_entries', () => ({
    name: 'function_entries', otel: 'function.entries', unit: '{entry}', type: 'gauge',
    help: 'Entries of a function, where the backend keeps them per function (memory, tiered L1).',
    samples: ps.filter((list) => list[0]!.store !== null).map((list) => ({ labels: pairLabels(list), value: sum(list, (c) => c.store?.size ?? 0) })),
  }))
  add('function_bytes', () => ({
    name: 'function_bytes', otel: 'function.bytes', unit: 'By', type: 'gauge',
    help: 'Estimated bytes of a function\'s entries, where the backend sizes them per function (memory with maxBytes).',
    samples: ps.filter((list) => list[0]!.store?.engine.sized === true).map((list) => ({ labels: pairLabels(list), value: sum(list, (c) => c.store?.bytes ?? 0) })),
  }))
  add('miss_duration_seconds', () => ({
    name: 'miss_duration_seconds', otel: 'miss.duration', unit: 's', type: 'histogram',
    help: 'Run time of the function on misses (every miss, or one in 16 for functions faster than 20 µs on average).',
    samples: ps.map((list) => ({ labels: pairLabels(list), histogram: merged(list, (c) => c.missLatency) })),
  }))
  add('backend_duration_seconds', () => {
    const byBackend = new Map<string, { get: Histogram; set: Histogram }>()
    for (const c of globalCache.counters) {
      if (c.getLatency.count === 0 && c.setLatency.count === 0) continue
      let b = byBackend.get(c.backend)
      if (b === undefined) byBackend.set(c.backend, (b = { get: new Histogram(LATENCY), set: new Histogram(LATENCY) }))
      b.get.add(c.getLatency)
      b.set.add(c.setLatency)
    }
    return {
      name: 'backend_duration_seconds', otel: 'backend.duration', unit: 's', type: 'histogram',
      help: 'Latency of successful gets and sets on byte backends (file, Redis, custom, tiered L2).',
      samples: [...byBackend].flatMap(([backend, h]) => [
        { labels: { backend, op: 'get' }, histogram: h.get },
        { labels: { backend, op: 'set' }, histogram: h.set },
      ]),
    }
  })
  add('entry_size_bytes', () => ({
    name: 'entry_size_bytes', otel: 'entry.size', unit: 'By', type: 'histogram',
    help: 'Sizes of the records written to byte backends.',
    samples: ps.filter((list) => list.some((c) => c.entrySize.count > 0)).map((list) => ({ labels: pairLabels(list), histogram: merged(list, (c) => c.entrySize) })),
  }))
  return out
}

/** Bucket bounds of each histogram family, in its unit (OpenTelemetry advice, dashboards). */
export const BOUNDS = { latency: LATENCY.bounds, size: SIZES.bounds }
