// registerOpenTelemetry(): fncache's instruments through the real @opentelemetry/api, collected by
// the real @opentelemetry/sdk-metrics MeterProvider and a pull MetricReader (what an exporter does).
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { metrics as otel } from '@opentelemetry/api'
import { DataPointType, MeterProvider, MetricReader, type MetricData } from '@opentelemetry/sdk-metrics'
import { cached, configure, memory, metrics } from '../../runtime/index.js'
import { registerOpenTelemetry } from 'fncache.macro/exporters'
import { fresh } from '../helpers/runtime.js'

/** A pull reader: collect() on demand, nothing exported anywhere. */
class PullReader extends MetricReader {
  protected async onShutdown(): Promise<void> {}
  protected async onForceFlush(): Promise<void> {}
}

function sdk() {
  const reader = new PullReader()
  const provider = new MeterProvider({ readers: [reader] })
  return {
    provider,
    /** Every metric of the last collection by instrument name. */
    async collect(): Promise<Map<string, MetricData>> {
      const { resourceMetrics, errors } = await reader.collect()
      assert.equal(errors, [])
      return new Map(resourceMetrics.scopeMetrics.flatMap((s) => s.metrics).map((m) => [m.descriptor.name, m]))
    },
  }
}

const points = (m: MetricData | undefined, fn?: string) =>
  (m?.dataPoints ?? []).filter((p) => fn === undefined || p.attributes.function === fn) as { attributes: Record<string, string>; value: any }[]

/** A latency clock moved by hand: each call of a "slow" function advances it by its run time. */
function handClock() {
  const c = { t: 0, reads: 0, now: () => { c.reads++; return c.t } }
  metrics.setClock(c.now)
  return c
}

// ---

const otelSuite = suite('registerOpenTelemetry()')
otelSuite.before.each(() => { fresh() })
otelSuite.after.each(() => { metrics.setClock() })

otelSuite('through the global MeterProvider: counters, gauges and time saved per function and backend', async () => {
  const s = sdk()
  assert.ok(otel.setGlobalMeterProvider(s.provider))
  try {
    const clock = handClock()
    const detach = await registerOpenTelemetry()
    configure({ backends: { small: memory({ max: 2 }) } })
    const a = cached((n: number) => { clock.t += 40; return n }, { id: 'src/o1.ts#a' })
    const b = cached((n: number) => n, { id: 'src/o1.ts#b', backend: 'small' })
    a(1); a(1); a(1); b(1); b(2); b(3)
    const m = await s.collect()
    assert.equal(points(m.get('fncache.hits'), 'src/o1.ts#a').map((p) => [p.value, p.attributes]), [[2, { function: 'src/o1.ts#a', backend: 'default' }]])
    assert.is(m.get('fncache.hits')!.dataPointType, DataPointType.SUM)
    assert.is(m.get('fncache.hits')!.descriptor.unit, '{call}')
    assert.is(points(m.get('fncache.evictions'), 'src/o1.ts#b')[0]!.value, metrics().backends.small!.evictions)
    // two hits x the one 40 ms miss
    assert.is(points(m.get('fncache.time_saved'), 'src/o1.ts#a')[0]!.value, 0.08)
    assert.is(m.get('fncache.time_saved')!.descriptor.unit, 's')
    assert.is(m.get('fncache.entries')!.dataPointType, DataPointType.GAUGE)
    assert.equal(points(m.get('fncache.entries')).map((p) => [p.attributes.backend, p.value]).sort(), [['default', 1], ['small', 2]])
    assert.equal(points(m.get('fncache.function.entries'), 'src/o1.ts#b').map((p) => p.value), [2])
    detach()
    a(1); a(1)
    const after = await s.collect()
    // detached: the SDK keeps reporting its last cumulative point, which no longer moves
    assert.equal(points(after.get('fncache.hits'), 'src/o1.ts#a').map((p) => p.value), [2])
  } finally {
    otel.disable()
  }
})

otelSuite('miss latency is a histogram with fncache\'s fixed buckets; hits are not recorded', async () => {
  const s = sdk()
  const clock = handClock()
  const detach = await registerOpenTelemetry({ meter: s.provider.getMeter('test'), prefix: 'app.cache.' })
  let cost = 0.5 // ms
  const f = cached((id: string) => { clock.t += cost; return id }, { id: 'src/u.ts#user' })
  f('a'); cost = 3; f('b'); cost = 3; f('c')
  f('a'); f('b'); f('c'); f('a')
  const m = await s.collect()
  const h = m.get('app.cache.miss.duration')!
  assert.is(h.dataPointType, DataPointType.HISTOGRAM)
  assert.is(h.descriptor.unit, 's')
  const [p, ...rest] = points(h, 'src/u.ts#user')
  assert.is(rest.length, 0)
  assert.equal(p!.attributes, { function: 'src/u.ts#user', backend: 'default' })
  assert.is(p!.value.count, 3)
  assert.ok(Math.abs(p!.value.sum - 0.0065) < 1e-12, String(p!.value.sum))
  const { boundaries, counts } = p!.value.buckets as { boundaries: number[]; counts: number[] }
  assert.equal(boundaries.slice(0, 3), [1e-6, 2e-6, 4e-6])
  assert.is(boundaries.length, 26)
  // 0.5 ms falls in (256 µs, 512 µs]; 3 ms in (2.048 ms, 4.096 ms]
  assert.is(counts[boundaries.indexOf(0.000512)], 1)
  assert.is(counts[boundaries.indexOf(0.004096)], 2)
  detach()
  f('d')
  const later = points((await s.collect()).get('app.cache.miss.duration'), 'src/u.ts#user')
  assert.is(later[0]!.value.count, 3, 'detached: no further recording')
})

otelSuite('a meter passed in is used as is; attributes never carry keys', async () => {
  const s = sdk()
  await registerOpenTelemetry({ meter: s.provider.getMeter('test'), prefix: 'app.cache.' })
  const f = cached((id: string) => id, { id: 'src/u.ts#member' })
  for (let i = 0; i < 30; i++) f(`u${i}`)
  const m = await s.collect()
  assert.equal(points(m.get('app.cache.misses'), 'src/u.ts#member').map((p) => [p.value, p.attributes]), [[30, { function: 'src/u.ts#member', backend: 'default' }]])
  for (const metric of m.values()) {
    for (const p of metric.dataPoints) {
      for (const k of Object.keys(p.attributes)) assert.ok(['function', 'backend', 'op'].includes(k), `${metric.descriptor.name} has attribute ${k}`)
    }
  }
})

otelSuite.run()
