// registerOpenTelemetry(): fncache's metrics as OpenTelemetry instruments through
// `@opentelemetry/api` (an optional peer, imported only when no meter is passed in). Counters and
// gauges are observed at collection time; histograms (the API has no asynchronous histogram) are
// recorded as each observation is made, while registered. Attributes are the function id, the
// backend and the operation, never keys.

import { BOUNDS, families, type Family } from '../families.js'
import { observers, type Counters, type Observer } from '../metrics.js'

/** The part of an OpenTelemetry `Meter` used here (structural, so no type import is needed). */
export interface OtelMeter {
  createObservableCounter(name: string, options?: { description?: string; unit?: string }): OtelObservable
  createObservableGauge(name: string, options?: { description?: string; unit?: string }): OtelObservable
  createHistogram(name: string, options?: { description?: string; unit?: string; advice?: { explicitBucketBoundaries?: number[] } }): OtelHistogram
}
interface OtelHistogram {
  record(value: number, attributes?: Record<string, string>): void
}
interface OtelObservable {
  addCallback(cb: (result: { observe(value: number, attributes?: Record<string, string>): void }) => void): void
  removeCallback(cb: (result: { observe(value: number, attributes?: Record<string, string>): void }) => void): void
}

/** Options of {@link registerOpenTelemetry}. */
export interface OpenTelemetryOptions {
  /**
   * The meter to create the instruments on.
   * @default `metrics.getMeter('fncache.macro')` of `@opentelemetry/api` (the global MeterProvider)
   */
  meter?: OtelMeter
  /** Start of every instrument name. @default 'fncache.' (`fncache.hits`, ..., `fncache.entries`) */
  prefix?: string
}

/** Every registration's observer; `observers.current` fans out to them while any is attached. */
const attached = new Set<Observer>()
function updateObservers(): void {
  const list = [...attached]
  // A throwing SDK must not turn a measurement into a caller's failure.
  const each = (f: (o: Observer) => void) => { for (const o of list) try { f(o) } catch { /* dropped */ } }
  observers.current = list.length === 0 ? null : {
    miss: (c, us) => each((o) => o.miss(c, us)),
    backendOp: (c, op, us) => each((o) => o.backendOp(c, op, us)),
    entry: (c, bytes) => each((o) => o.entry(c, bytes)),
  }
}

/**
 * Publishes fncache's metrics as OpenTelemetry instruments: an observable counter per field of
 * `metrics()` (`fncache.hits`, `fncache.stale_hits`, ..., unit `{call}`) and `fncache.time_saved`
 * (unit `s`) with the attributes `function` and `backend`; the observable gauges
 * `fncache.entries`, `fncache.bytes` (`backend`) and `fncache.function.entries`; and the
 * histograms `fncache.miss.duration` (s; `function`, `backend`), `fncache.backend.duration` (s;
 * `backend`, `op`) and `fncache.entry.size` (By), with fncache's fixed bucket bounds as advice.
 * Histograms see the observations made after registration. Resolves with a function that
 * detaches everything. Rejects with `E_MISSING_PEER` when no meter is given and
 * `@opentelemetry/api` is not installed.
 */
export async function registerOpenTelemetry(options: OpenTelemetryOptions = {}): Promise<() => void> {
  let meter = options.meter
  if (meter === undefined) {
    let api: typeof import('@opentelemetry/api')
    try {
      api = await import('@opentelemetry/api')
    } catch (cause) {
      throw Object.assign(new Error('[E_MISSING_PEER] registerOpenTelemetry() needs @opentelemetry/api (or a meter passed as { meter }).\n  Try: npm install @opentelemetry/api', { cause }), { code: 'E_MISSING_PEER' })
    }
    meter = api.metrics.getMeter('fncache.macro') as unknown as OtelMeter
  }
  const prefix = options.prefix ?? 'fncache.'
  const detach: (() => void)[] = []
  const histograms = new Map<string, OtelHistogram>()
  for (const f of families()) {
    const opts = { description: f.help, unit: f.unit }
    if (f.type === 'histogram') {
      const explicitBucketBoundaries = [...(f.unit === 's' ? BOUNDS.latency : BOUNDS.size)]
      histograms.set(f.name, meter.createHistogram(prefix + f.otel, { ...opts, advice: { explicitBucketBoundaries } }))
      continue
    }
    const inst = f.type === 'counter' ? meter.createObservableCounter(prefix + f.otel, opts) : meter.createObservableGauge(prefix + f.otel, opts)
    const cb: Parameters<OtelObservable['addCallback']>[0] = (result) => {
      const now = families(f.name)[0] as Family & { type: 'counter' | 'gauge' }
      for (const s of now.samples) result.observe(s.value, s.labels)
    }
    inst.addCallback(cb)
    detach.push(() => inst.removeCallback(cb))
  }
  const pair = (c: Counters) => ({ function: c.fnId, backend: c.backend })
  const miss = histograms.get('miss_duration_seconds')!
  const op = histograms.get('backend_duration_seconds')!
  const size = histograms.get('entry_size_bytes')!
  const observer: Observer = {
    miss: (c, us) => miss.record(us / 1e6, pair(c)),
    backendOp: (c, o, us) => op.record(us / 1e6, { backend: c.backend, op: o }),
    entry: (c, bytes) => size.record(bytes, pair(c)),
  }
  attached.add(observer)
  updateObservers()
  detach.push(() => { attached.delete(observer); updateObservers() })
  return () => { for (const d of detach) d() }
}
