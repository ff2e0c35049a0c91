// metrics(): a snapshot of every counter, totals per function and per backend, and the
// Prometheus text exposition of the same numbers.

import { G } from './global.js'
import { COUNTER_FIELDS, COUNTER_HELP, addInto, emptyStats, resetCounters, snake, withRate, type MetricsSnapshot } from './metrics.js'

function snapshot(): MetricsSnapshot {
  const total = emptyStats()
  const functions: MetricsSnapshot['functions'] = {}
  const backends: MetricsSnapshot['backends'] = {}
  for (const c of G.counters) {
    addInto(total, c)
    addInto((functions[c.fnId] ??= emptyStats()), c)
    addInto((backends[c.backend] ??= emptyStats()), c)
  }
  for (const [name, b] of G.backends) {
    const s = (backends[name] ??= emptyStats())
    try {
      const own = b.stats()
      if (own.entries !== undefined) s.entries = own.entries
      if (own.bytes !== undefined) s.bytes = own.bytes
    } catch {
      // stats() of a broken backend must not break metrics().
    }
  }
  for (const s of Object.values(functions)) withRate(s)
  for (const s of Object.values(backends)) withRate(s)
  return { ...withRate(total), functions, backends }
}

const label = (v: string) => v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"')

/** The metrics in the Prometheus text exposition format (version 0.0.4). Labels: function id and backend only. */
function prometheus(): string {
  const lines: string[] = []
  for (const field of COUNTER_FIELDS) {
    const name = `fncache_${snake(field)}_total`
    lines.push(`# HELP ${name} ${COUNTER_HELP[field]}`, `# TYPE ${name} counter`)
    const series = new Map<string, number>()
    for (const c of G.counters) {
      const k = `{function="${label(c.fnId)}",backend="${label(c.backend)}"}`
      series.set(k, (series.get(k) ?? 0) + c[field])
    }
    for (const [k, v] of series) lines.push(`${name}${k} ${v}`)
  }
  lines.push('# HELP fncache_entries Entries held by a backend.', '# TYPE fncache_entries gauge')
  for (const [name, b] of G.backends) {
    let entries: number | undefined
    try { entries = b.stats().entries } catch { entries = undefined }
    if (entries !== undefined) lines.push(`fncache_entries{backend="${label(name)}"} ${entries}`)
  }
  return lines.join('\n') + '\n'
}

export interface Metrics {
  (): MetricsSnapshot
  /** Zeroes every counter. */
  reset(): void
  /** The Prometheus text exposition format. */
  prometheus(): string
}

export const metrics: Metrics = Object.assign(snapshot, {
  reset() {
    for (const c of G.counters) resetCounters(c)
  },
  prometheus,
})
