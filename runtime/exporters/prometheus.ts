// registerPrometheus(registry): fncache's metrics in a prom-client Registry. The metrics are
// collector objects in prom-client's metric shape (name, help, type, get()), so nothing of
// prom-client is imported: they work with whichever copy and version (>= 14) made the registry.

import { families, type Family } from '../families.js'

/** The part of a prom-client `Registry` that {@link registerPrometheus} uses. */
export interface PromRegistry {
  registerMetric(metric: never): void
  removeSingleMetric(name: string): void
}

/** Options of {@link registerPrometheus}. */
export interface PrometheusOptions {
  /**
   * Start of every metric name.
   * @default 'fncache_' (`fncache_hits_total`, ..., `fncache_entries`: the names of `metrics.prometheus()`)
   */
  prefix?: string
}

interface Value { labels: Record<string, string | number>; value: number; metricName?: string }

class Collector {
  readonly aggregator = 'sum'
  /** The name registered under (an OpenMetrics registry rewrites `name` without `_total`). */
  readonly registered: string
  constructor(public name: string, readonly help: string, readonly type: Family['type'], readonly read: () => Value[]) {
    this.registered = name
  }
  /** prom-client calls this on every scrape (and `Registry.merge`, cluster aggregation, getMetricsAsJSON). */
  get() {
    return { name: this.name, help: this.help, type: this.type, values: this.read(), aggregator: this.aggregator }
  }
  /** registry.resetMetrics(): fncache's counters are reset with `metrics.reset()`, not per registry. */
  reset(): void {}
}

/** A family's samples as prom-client values (histograms: `_bucket` per bound with `le`, `_sum`, `_count`). */
function values(f: Family, name: string): Value[] {
  if (f.type !== 'histogram') return f.samples.map((s) => ({ labels: s.labels, value: s.value }))
  const out: Value[] = []
  for (const { labels, histogram: h } of f.samples) {
    let cumulative = 0
    h.scale.bounds.forEach((le, i) => {
      cumulative += h.counts[i]!
      out.push({ labels: { ...labels, le }, value: cumulative, metricName: `${name}_bucket` })
    })
    out.push({ labels: { ...labels, le: '+Inf' }, value: h.count, metricName: `${name}_bucket` })
    out.push({ labels, value: h.sum / h.scale.perUnit, metricName: `${name}_sum` })
    out.push({ labels, value: h.count, metricName: `${name}_count` })
  }
  return out
}

/**
 * Registers fncache's metrics in a prom-client `registry` (`import { register } from 'prom-client'`,
 * or a `new Registry()`): the families of `metrics.prometheus()`, under the same names (counters
 * such as `fncache_hits_total` and `fncache_time_saved_seconds_total`, gauges, and the histograms
 * `fncache_miss_duration_seconds`, `fncache_backend_duration_seconds`, `fncache_entry_size_bytes`),
 * read at scrape time. Returns a function that removes them again.
 */
export function registerPrometheus(registry: PromRegistry, options: PrometheusOptions = {}): () => void {
  if (registry === null || typeof registry !== 'object' || typeof registry.registerMetric !== 'function') {
    throw new TypeError('[E_OPTION] registerPrometheus() expects a prom-client Registry; received ' + (registry === null ? 'null' : typeof registry) + '.\n  Try: registerPrometheus(register) // import { register } from \'prom-client\'')
  }
  const prefix = options.prefix ?? 'fncache_'
  if (!/^[a-zA-Z_:][a-zA-Z0-9_:]*$/.test(prefix)) throw new TypeError(`[E_OPTION] registerPrometheus(): prefix must match [a-zA-Z_:][a-zA-Z0-9_:]*; received ${JSON.stringify(prefix)}.`)
  const collectors = families().map((f0) => new Collector(prefix + f0.name, f0.help, f0.type,
    () => values(families(f0.name)[0]!, prefix + f0.name)))
  for (const c of collectors) registry.registerMetric(c as never)
  return () => { for (const c of collectors) registry.removeSingleMetric(c.registered) }
}
