import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import parsePrometheus from 'parse-prometheus-text-format'
import { cached, configure, memory, metrics } from '../../runtime/index.js'
import { fresh } from '../helpers/runtime.js'

const snapshot = suite('metrics()')
snapshot.before.each(() => { fresh() })

snapshot('totals, per function and per backend, with hit rates', () => {
  configure({ backends: { small: memory({ max: 2 }) } })
  const a = cached((n: number) => n, { id: 'src/a.ts#a' })
  const b = cached((n: number) => n, { id: 'src/b.ts#b', backend: 'small' })
  a(1); a(1); a(1); a(2)
  b(1); b(2); b(3); b(1)
  const m = metrics()
  assert.equal([m.hits, m.misses, m.sets], [2, 6, 6])
  assert.is(m.hitRate, 2 / 8)
  assert.equal([m.functions['src/a.ts#a']!.hits, m.functions['src/a.ts#a']!.hitRate], [2, 0.5])
  assert.is(m.functions['src/b.ts#b']!.evictions, 2)
  assert.is(m.backends.small!.evictions, 2)
  assert.is(m.backends.small!.entries, 2)
  assert.is(m.backends.default!.entries, 2)
})

snapshot('reset() zeroes every counter and counting goes on', () => {
  const a = cached((n: number) => n, { id: 'r' })
  a(1); a(1)
  metrics.reset()
  assert.is(metrics().hits, 0)
  a(1)
  assert.is(metrics().hits, 1)
})
snapshot.run()

// ---

const prom = suite('metrics.prometheus()')
prom.before.each(() => { fresh() })

prom('is valid text exposition format, read back by a real parser', () => {
  const a = cached((n: number) => n, { id: 'src/we"ird\\path.ts#a' })
  a(1); a(1); a(2)
  const text = metrics.prometheus()
  const families = parsePrometheus(text) as { name: string; type: string; metrics: { value: string; labels: Record<string, string> }[] }[]
  const series = (name: string) => families.find((f) => f.name === name)!.metrics.find((m) => m.labels.function === 'src/we"ird\\path.ts#a')!
  assert.is(families.find((f) => f.name === 'fncache_hits_total')!.type, 'COUNTER')
  assert.equal(series('fncache_hits_total').labels, { function: 'src/we"ird\\path.ts#a', backend: 'default' })
  assert.is(series('fncache_hits_total').value, '1')
  assert.is(series('fncache_misses_total').value, '2')
  const entries = families.find((f) => f.name === 'fncache_entries')!
  assert.is(entries.type, 'GAUGE')
  assert.is(entries.metrics[0]!.value, '2')
})

prom('labels are function id and backend only, never keys', () => {
  const a = cached((n: string) => n, { id: 'k' })
  a('secret-user-key')
  assert.not.match(metrics.prometheus(), 'secret-user-key')
})
prom.run()
