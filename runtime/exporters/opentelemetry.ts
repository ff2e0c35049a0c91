// registerOpenTelemetry(): fncache's counters as OpenTelemetry observable instruments through
// `@opentelemetry/api` (an optional peer, imported only when no meter is passed in). Values are
// observed at collection time; attributes are the function id and the backend, never keys.

import { COUNTER_FIELDS, DESCRIPTIONS, counterSeries, entrySeries, snake } from './series.js'

/** The part of an OpenTelemetry `Meter` used here (structural, so no type import is needed). */
export interface OtelMeter {
  createObservableCounter(name: string, options?: { description?: string; unit?: string }): OtelObservable
  createObservableGauge(name: string, options?: { description?: string; unit?: string }): OtelObservable
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

/**
 * Publishes fncache's metrics as OpenTelemetry instruments: an observable counter per field of
 * `metrics()` (`fncache.hits`, `fncache.stale_hits`, ...) with the attributes `function` and
 * `backend`, and the observable gauge `fncache.entries` with `backend`. Resolves with a function
 * that detaches the callbacks. Rejects with `E_MISSING_PEER` when no meter is given and
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
  for (const field of COUNTER_FIELDS) {
    const counter = meter.createObservableCounter(`${prefix}${snake(field)}`, { description: DESCRIPTIONS[field], unit: '{call}' })
    const cb: Parameters<OtelObservable['addCallback']>[0] = (result) => {
      for (const s of counterSeries(field)) result.observe(s.value, { function: s.function, backend: s.backend })
    }
    counter.addCallback(cb)
    detach.push(() => counter.removeCallback(cb))
  }
  const gauge = meter.createObservableGauge(`${prefix}entries`, { description: 'Entries held by a backend.', unit: '{entry}' })
  const cb: Parameters<OtelObservable['addCallback']>[0] = (result) => {
    for (const s of entrySeries()) result.observe(s.value, { backend: s.backend })
  }
  gauge.addCallback(cb)
  detach.push(() => gauge.removeCallback(cb))
  return () => { for (const d of detach) d() }
}
