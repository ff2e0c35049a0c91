// registerPrometheus(): fncache's counters in a real prom-client Registry, equal to metrics() and
// to metrics.prometheus(), labelled by function id and backend only, in both exposition formats.
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import parsePrometheus from 'parse-prometheus-text-format'
import { Registry, Counter } from 'prom-client'
import { cached, configure, memory, metrics } from '../../runtime/index.js'
import { registerPrometheus } from 'fncache.macro/exporters'
import { fresh } from '../helpers/runtime.js'
import { parseReference, requireParser } from '../helpers/prom-parse.js'

type Family = { name: string; type: string; metrics: { value: string; labels?: Record<string, string> }[] }
const families = (text: string) => new Map((parsePrometheus(text) as Family[]).map((f) => [f.name, f]))

function traffic() {
  configure({ backends: { small: memory({ max: 2 }) } })
  const a = cached((n: number) => n, { id: 'src/a.ts#a' })
  const b = cached((n: number) => n, { id: 'src/b.ts#b', backend: 'small' })
  a(1); a(1); a(1); a(2)
  b(1); b(2); b(3); b(1)
}

// ---

const API = suite('exports')

API('bad registries and prefixes are TypeErrors', () => {
  assert.throws(() => registerPrometheus(null as never), /E_OPTION.*prom-client Registry/)
  assert.throws(() => registerPrometheus(new Registry(), { prefix: 'bad-prefix' }), /prefix/)
})

API.run()

// ---

const scrape = suite('registerPrometheus()')
scrape.before.each(() => { fresh() })

scrape('a scrape reports what metrics() reports, per function and backend', async () => {
  traffic()
  const registry = new Registry()
  registerPrometheus(registry)
  const f = families(await registry.metrics())
  const m = metrics()
  const value = (name: string, fn: string, backend: string) =>
    Number(f.get(name)!.metrics.find((x) => x.labels!.function === fn && x.labels!.backend === backend)!.value)
  assert.is(f.get('fncache_hits_total')!.type, 'COUNTER')
  assert.is(value('fncache_hits_total', 'src/a.ts#a', 'default'), m.functions['src/a.ts#a']!.hits)
  assert.is(value('fncache_misses_total', 'src/b.ts#b', 'small'), m.functions['src/b.ts#b']!.misses)
  assert.is(value('fncache_evictions_total', 'src/b.ts#b', 'small'), 2)
  const entries = f.get('fncache_entries')!
  assert.is(entries.type, 'GAUGE')
  assert.equal(entries.metrics.map((x) => [x.labels!.backend, Number(x.value)]).sort(), [['default', 2], ['small', 2]])
})

scrape('values are read at scrape time, and match metrics.prometheus() line for line', async () => {
  const registry = new Registry()
  registerPrometheus(registry)
  const a = cached((n: number) => n, { id: 'src/t2.ts#a' })
  a(1); a(1)
  const first = families(await registry.metrics()).get('fncache_hits_total')!.metrics.find((x) => x.labels!.function === 'src/t2.ts#a')!.value
  a(1)
  const second = families(await registry.metrics()).get('fncache_hits_total')!.metrics.find((x) => x.labels!.function === 'src/t2.ts#a')!.value
  assert.equal([Number(first), Number(second)], [1, 2])
  const ours = families(metrics.prometheus())
  const theirs = families(await registry.metrics())
  for (const [name, fam] of ours) assert.equal(theirs.get(name)?.metrics, fam.metrics, name)
})

scrape('labels are function and backend only: keys and tags never become labels', async () => {
  const registry = new Registry()
  registerPrometheus(registry)
  const f = cached((id: string) => id, { id: 'src/u.ts#user', tags: ['user:{id}'] } as never)
  for (let i = 0; i < 50; i++) f(`user-${i}`)
  for (const fam of families(await registry.metrics()).values()) {
    for (const m of fam.metrics) {
      for (const k of Object.keys(m.labels ?? {})) assert.ok(k === 'function' || k === 'backend', `${fam.name} has label ${k}`)
    }
    const mine = fam.metrics.filter((m) => m.labels?.function === 'src/u.ts#user')
    assert.ok(mine.length <= 1, `${fam.name}: ${mine.length} series for one function`)
  }
})

scrape('lives beside the app\'s own prom-client metrics; OpenMetrics format; unregister removes them', async () => {
  const registry = new Registry(Registry.OPENMETRICS_CONTENT_TYPE)
  const mine = new Counter({ name: 'app_requests', help: 'requests', registers: [registry] })
  mine.inc()
  const remove = registerPrometheus(registry)
  cached((n: number) => n, { id: 'src/t4.ts#a' })(1)
  const text = await registry.metrics()
  assert.match(text, /^fncache_misses_total\{function="src\/t4\.ts#a",backend="default"\} 1$/m)
  assert.match(text, /^app_requests_total 1$/m)
  assert.ok(text.endsWith('# EOF\n'))
  const json = await registry.getMetricsAsJSON()
  assert.ok(json.some((m) => m.name === 'fncache_entries'))
  remove()
  assert.not.match(await registry.metrics(), /fncache_/)
  assert.throws(() => registerPrometheus(Object.assign(new Registry(), { registerMetric() { throw new Error('dup') } })), /dup/)
})

const python = requireParser('tests/exporters/prometheus.test.ts')

scrape('histograms and time saved: prom-client renders what metrics.prometheus() renders (reference parser)', async () => {
  if (python === undefined) return
  let t = 0
  metrics.setClock(() => t)
  try {
    const registry = new Registry()
    registerPrometheus(registry)
    const f = cached((n: number) => { t += 3; return n }, { id: 'src/h.ts#three' })
    f(1); f(1); f(2); f(2); f(2)
    const ours = parseReference(python, metrics.prometheus())
    const theirs = parseReference(python, await registry.metrics())
    const series = (fams: typeof ours, name: string) => fams.get(name)!.samples.filter((x) => x.labels.function === 'src/h.ts#three')
    for (const name of ['fncache_miss_duration_seconds', 'fncache_time_saved_seconds', 'fncache_hits']) {
      assert.equal(series(theirs, name), series(ours, name), name)
    }
    assert.is(ours.get('fncache_miss_duration_seconds')!.type, 'histogram')
    assert.is(ours.get('fncache_time_saved_seconds')!.type, 'counter')
    const miss = series(ours, 'fncache_miss_duration_seconds')
    const bucket = (le: string) => miss.find((x) => x.name.endsWith('_bucket') && x.labels.le === le)!.value
    assert.equal([bucket('0.002048'), bucket('0.004096'), bucket('+Inf')], [0, 2, 2])
    assert.is(miss.filter((x) => x.name.endsWith('_bucket')).length, 27)
    assert.is(miss.find((x) => x.name.endsWith('_sum'))!.value, 0.006)
    assert.is(series(ours, 'fncache_time_saved_seconds')[0]!.value, 0.009, 'three hits x 3 ms')
  } finally {
    metrics.setClock()
  }
})

scrape('a broken backend does not break a scrape', async () => {
  const broken = memory({ max: 10 })
  ;(broken as unknown as { stats(): never }).stats = () => { throw new Error('down') }
  configure({ backends: { default: broken } })
  const registry = new Registry()
  registerPrometheus(registry)
  cached((n: number) => n, { id: 'src/t4.ts#a' })(1)
  assert.match(await registry.metrics(), /fncache_misses_total/)
})

scrape.run()
