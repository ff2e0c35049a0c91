// registerPrometheus(registry): fncache's counters in a prom-client Registry. The metrics are
// collector objects in prom-client's metric shape (name, help, type, get()), so nothing of
// prom-client is imported: they work with whichever copy and version (>= 14) made the registry.

import { COUNTER_FIELDS, DESCRIPTIONS, counterSeries, entrySeries, snake } from './series.js'

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

interface Value { labels: Record<string, string>; value: number }

class Collector {
  readonly aggregator = 'sum'
  /** The name registered under (an OpenMetrics registry rewrites `name` without `_total`). */
  readonly registered: string
  constructor(public name: string, readonly help: string, readonly type: 'counter' | 'gauge', readonly read: () => Value[]) {
    this.registered = name
  }
  /** prom-client calls this on every scrape (and `Registry.merge`, cluster aggregation, getMetricsAsJSON). */
  get() {
    return { name: this.name, help: this.help, type: this.type, values: this.read(), aggregator: this.aggregator }
  }
  /** registry.resetMetrics(): fncache's counters are reset with `metrics.reset()`, not per registry. */
  reset(): void {}
}

/**
 * Registers fncache's metrics in a prom-client `registry` (`import { register } from 'prom-client'`,
 * or a `new Registry()`): one counter per field of `metrics()` (`fncache_hits_total`, ...) labelled
 * `function` and `backend`, and the gauge `fncache_entries` labelled `backend`. Values are read at
 * scrape time. Returns a function that removes them again.
 */
export function registerPrometheus(registry: PromRegistry, options: PrometheusOptions = {}): () => void {
  if (registry === null || typeof registry !== 'object' || typeof registry.registerMetric !== 'function') {
    throw new TypeError('[E_OPTION] registerPrometheus() expects a prom-client Registry; received ' + (registry === null ? 'null' : typeof registry) + '.\n  Try: registerPrometheus(register) // import { register } from \'prom-client\'')
  }
  const prefix = options.prefix ?? 'fncache_'
  if (!/^[a-zA-Z_:][a-zA-Z0-9_:]*$/.test(prefix)) throw new TypeError(`[E_OPTION] registerPrometheus(): prefix must match [a-zA-Z_:][a-zA-Z0-9_:]*; received ${JSON.stringify(prefix)}.`)
  const collectors = [
    ...COUNTER_FIELDS.map((field) => new Collector(`${prefix}${snake(field)}_total`, DESCRIPTIONS[field], 'counter',
      () => counterSeries(field).map((s) => ({ labels: { function: s.function, backend: s.backend }, value: s.value })))),
    new Collector(`${prefix}entries`, 'Entries held by a backend.', 'gauge',
      () => entrySeries().map((s) => ({ labels: { backend: s.backend }, value: s.value }))),
  ]
  for (const c of collectors) registry.registerMetric(c as never)
  return () => { for (const c of collectors) registry.removeSingleMetric(c.registered) }
}
