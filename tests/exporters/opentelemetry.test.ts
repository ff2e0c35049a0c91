// registerOpenTelemetry(): observable instruments through the real @opentelemetry/api, collected
// by a small in-test MeterProvider (the API's global provider slot, as an SDK would fill it).
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { metrics as otel } from '@opentelemetry/api'
import { cached, configure, memory, metrics } from '../../runtime/index.js'
import { registerOpenTelemetry } from 'fncache.macro/exporters'
import { fresh } from '../helpers/runtime.js'

type Observation = { value: number; attributes: Record<string, string> }
type Cb = (r: { observe(v: number, a?: Record<string, string>): void }) => void

/** A MeterProvider that records instruments and runs their callbacks on collect(). */
function recordingProvider() {
  const instruments = new Map<string, { kind: string; unit?: string; description?: string; callbacks: Set<Cb> }>()
  const make = (kind: string) => (name: string, opts: { unit?: string; description?: string } = {}) => {
    const inst = { kind, ...opts, callbacks: new Set<Cb>() }
    instruments.set(name, inst)
    return { addCallback: (cb: Cb) => inst.callbacks.add(cb), removeCallback: (cb: Cb) => inst.callbacks.delete(cb) }
  }
  const meterNames: string[] = []
  const meter = { createObservableCounter: make('counter'), createObservableGauge: make('gauge') }
  return {
    instruments,
    meterNames,
    provider: { getMeter: (name: string) => { meterNames.push(name); return meter as never } },
    meter,
    collect(name: string): Observation[] {
      const out: Observation[] = []
      for (const cb of instruments.get(name)?.callbacks ?? []) cb({ observe: (value, attributes = {}) => out.push({ value, attributes }) })
      return out
    },
  }
}

// ---

const otelSuite = suite('registerOpenTelemetry()')
otelSuite.before.each(() => { fresh() })

otelSuite('through the global MeterProvider of @opentelemetry/api: counters per function and backend', async () => {
  const rec = recordingProvider()
  assert.ok(otel.setGlobalMeterProvider(rec.provider as never))
  try {
    const detach = await registerOpenTelemetry()
    assert.equal(rec.meterNames, ['fncache.macro'])
    configure({ backends: { small: memory({ max: 2 }) } })
    const a = cached((n: number) => n, { id: 'src/o1.ts#a' })
    const b = cached((n: number) => n, { id: 'src/o1.ts#b', backend: 'small' })
    a(1); a(1); b(1); b(2); b(3)
    assert.equal(rec.collect('fncache.hits').filter((o) => o.attributes.function!.startsWith('src/o1.ts')), [
      { value: 1, attributes: { function: 'src/o1.ts#a', backend: 'default' } },
      { value: 0, attributes: { function: 'src/o1.ts#b', backend: 'small' } },
    ])
    assert.equal(rec.collect('fncache.evictions').find((o) => o.attributes.backend === 'small')!.value, metrics().backends.small!.evictions)
    assert.is(rec.instruments.get('fncache.stale_hits')!.kind, 'counter')
    assert.is(rec.instruments.get('fncache.entries')!.kind, 'gauge')
    assert.equal(rec.collect('fncache.entries').sort((x, y) => x.attributes.backend!.localeCompare(y.attributes.backend!)),
      [{ value: 1, attributes: { backend: 'default' } }, { value: 2, attributes: { backend: 'small' } }])
    detach()
    assert.equal(rec.collect('fncache.hits'), [])
  } finally {
    otel.disable()
  }
})

otelSuite('a meter passed in is used as is; attributes never carry keys', async () => {
  const rec = recordingProvider()
  await registerOpenTelemetry({ meter: rec.meter, prefix: 'app.cache.' })
  const f = cached((id: string) => id, { id: 'src/u.ts#user' })
  for (let i = 0; i < 30; i++) f(`u${i}`)
  const misses = rec.collect('app.cache.misses').filter((o) => o.attributes.function === 'src/u.ts#user')
  assert.equal(misses, [{ value: 30, attributes: { function: 'src/u.ts#user', backend: 'default' } }])
  assert.equal(rec.meterNames, [])
})

otelSuite.run()
