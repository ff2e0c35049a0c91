// metrics(): a snapshot of every counter and histogram, totals per function and per backend, and
// the Prometheus text exposition of the same numbers.

import { families } from './families.js'
import { globalCache } from './global.js'
import { Histogram, LATENCY, SIZES, distribution } from './histogram.js'
import { addInto, clock, defaultNow, emptyStats, foldSaved, resetCounters, withRate, type Counters, type MetricsFigures, type MetricsSnapshot } from './metrics.js'

/** Accumulates the counters of several (function, backend) pairs into one set of figures. */
class Sum {
  readonly stats = emptyStats()
  saved = 0
  entries: number | undefined
  bytes: number | undefined
  readonly miss = new Histogram(LATENCY)
  readonly get = new Histogram(LATENCY)
  readonly set = new Histogram(LATENCY)
  readonly size = new Histogram(SIZES)

  add(c: Counters, saved: number): void {
    addInto(this.stats, c)
    this.saved += saved
    this.miss.add(c.missLatency)
    this.get.add(c.getLatency)
    this.set.add(c.setLatency)
    this.size.add(c.entrySize)
    if (c.store !== null) this.entries = (this.entries ?? 0) + c.store.size
    if (c.store !== null && c.store.engine.sized) this.bytes = (this.bytes ?? 0) + c.store.bytes
  }

  figures(): MetricsFigures {
    const f: MetricsFigures = {
      ...withRate(this.stats), timeSaved: this.saved,
      missLatency: distribution(this.miss), getLatency: distribution(this.get), setLatency: distribution(this.set), entrySize: distribution(this.size),
    }
    if (this.entries !== undefined) f.entries = this.entries
    if (this.bytes !== undefined) f.bytes = this.bytes
    return f
  }
}

function snapshot(): MetricsSnapshot {
  const total = new Sum()
  const functions = new Map<string, Sum>()
  const backends = new Map<string, Sum>()
  for (const c of globalCache.counters) {
    const saved = foldSaved(c)
    total.add(c, saved)
    let f = functions.get(c.fnId)
    if (f === undefined) functions.set(c.fnId, (f = new Sum()))
    f.add(c, saved)
    let b = backends.get(c.backend)
    if (b === undefined) backends.set(c.backend, (b = new Sum()))
    b.add(c, saved)
  }
  const byBackend: MetricsSnapshot['backends'] = {}
  for (const [name, b] of globalCache.backends) {
    const s = backends.get(name) ?? new Sum()
    const out: MetricsSnapshot['backends'][string] = s.figures()
    // A backend's own count (below) covers every function, not only those called since start.
    delete out.entries
    delete out.bytes
    try {
      const own = b.stats()
      if (own.entries !== undefined) out.entries = own.entries
      if (own.bytes !== undefined) out.bytes = own.bytes
    } catch {
      // stats() of a broken backend must not break metrics().
    }
    byBackend[name] = out
  }
  for (const [name, s] of backends) if (!(name in byBackend)) byBackend[name] = s.figures()
  const byFunction: MetricsSnapshot['functions'] = {}
  for (const [id, s] of functions) byFunction[id] = s.figures()
  const t = total.figures()
  delete t.entries
  delete t.bytes
  return { ...t, functions: byFunction, backends: byBackend }
}

const label = (v: string) => v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"')
const labels = (l: Record<string, string>, extra = '') => {
  const parts = Object.entries(l).map(([k, v]) => `${k}="${label(v)}"`)
  if (extra !== '') parts.push(extra)
  return parts.length === 0 ? '' : `{${parts.join(',')}}`
}

/**
 * The metrics in the Prometheus text exposition format (version 0.0.4). Labels: function id,
 * backend, and `op` on backend latency; never keys. Histograms carry `_bucket`, `_sum`, `_count`.
 */
function prometheus(): string {
  const lines: string[] = []
  for (const f of families()) {
    const name = 'fncache_' + f.name
    lines.push(`# HELP ${name} ${f.help}`, `# TYPE ${name} ${f.type}`)
    if (f.type !== 'histogram') {
      for (const s of f.samples) lines.push(`${name}${labels(s.labels)} ${s.value}`)
      continue
    }
    for (const { labels: l, histogram: h } of f.samples) {
      let cumulative = 0
      h.scale.bounds.forEach((bound, i) => {
        cumulative += h.counts[i]!
        lines.push(`${name}_bucket${labels(l, `le="${bound}"`)} ${cumulative}`)
      })
      lines.push(`${name}_bucket${labels(l, 'le="+Inf"')} ${h.count}`)
      lines.push(`${name}_sum${labels(l)} ${h.sum / h.scale.perUnit}`)
      lines.push(`${name}_count${labels(l)} ${h.count}`)
    }
  }
  return lines.join('\n') + '\n'
}

export interface Metrics {
  /**
   * A snapshot: totals, `functions` by id and `backends` by name. Counters are counts; `hitRate`
   * a ratio; `timeSaved` and latencies (`missLatency`, `getLatency`, `setLatency`) seconds;
   * `entrySize` and `bytes` bytes. See docs/operations.md for each field.
   */
  (): MetricsSnapshot
  /** Zeroes every counter and histogram (time saved included). */
  reset(): void
  /** The Prometheus text exposition format. */
  prometheus(): string
  /**
   * Replaces the clock latencies are measured with (milliseconds, high resolution); tests pass a
   * fake one. No argument: back to `performance.now()`.
   */
  setClock(now?: () => number): void
}

export const metrics: Metrics = Object.assign(snapshot, {
  reset() {
    for (const c of globalCache.counters) resetCounters(c)
  },
  prometheus,
  setClock(now?: () => number) {
    if (now !== undefined && typeof now !== 'function') throw new TypeError(`[E_OPTION] metrics.setClock() expects a function returning milliseconds, or nothing; received ${typeof now}.`)
    clock.now = now ?? defaultNow()
  },
})
