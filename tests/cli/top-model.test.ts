// What `fncache top` computes from Prometheus text agrees with metrics() (same traffic, same
// clock), and its reader of the text format handles escapes and rejects malformed lines.
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { cached, configure, metrics } from '../../runtime/index.js'
import { parsePromText } from '../../cli/prom-text.js'
import { topRows } from '../../cli/top-model.js'
import { redact, seconds } from '../../cli/commands/top.js'
import { bytesBackend } from '../helpers/bytes-backend.js'
import { fresh } from '../helpers/runtime.js'

const agree = suite('top rows vs metrics()')
agree.before.each(() => { fresh() })
agree.after.each(() => { metrics.setClock() })

agree('time saved, hits, hit rate, p50/p99, entries and mean entry size match the snapshot', () => {
  let t = 0
  metrics.setClock(() => t)
  configure({ backends: { bytes: bytesBackend({ sync: true }) } })
  const costs = [0.3, 2, 2, 9, 40]
  let i = 0
  const slow = cached((n: number) => { t += costs[i++ % costs.length]!; return n }, { id: 'src/m.ts#slow' })
  const stored = cached((n: number) => { t += 1; return 'v'.repeat(n) }, { id: 'src/m.ts#stored', backend: 'bytes' })
  for (let n = 0; n < 5; n++) slow(n)
  for (let n = 0; n < 5; n++) slow(n % 2)
  for (const n of [10, 500, 10, 500, 3000]) stored(n)
  const rows = topRows(parsePromText(metrics.prometheus()))
  const m = metrics().functions
  assert.equal(rows.map((r) => r.function).slice(0, 2), ['src/m.ts#slow', 'src/m.ts#stored'])
  for (const r of rows.filter((x) => x.function.startsWith('src/m.ts#'))) {
    const s = m[r.function]!
    assert.ok(Math.abs(r.timeSaved - s.timeSaved) < 1e-12, r.function)
    assert.equal([r.hits, r.misses, r.hitRate, r.errors], [s.hits, s.misses, s.hitRate, s.errors], r.function)
    assert.ok(Math.abs(r.p50! - s.missLatency.p50) < 1e-12 && Math.abs(r.p99! - s.missLatency.p99) < 1e-12, `${r.function}: ${r.p50} ${s.missLatency.p50} ${r.p99} ${s.missLatency.p99}`)
  }
  const slowRow = rows.find((r) => r.function === 'src/m.ts#slow')!
  assert.equal([slowRow.entries, slowRow.entryBytes], [5, null])
  const storedRow = rows.find((r) => r.function === 'src/m.ts#stored')!
  assert.equal([storedRow.entries, storedRow.entryBytes], [null, m['src/m.ts#stored']!.entrySize.mean])
})

agree.run()

// ---

const text = suite('Prometheus text reader')

text('labels with escapes, values with exponents and +Inf; comments and other metrics skipped', () => {
  const s = parsePromText([
    '# HELP fncache_hits_total x',
    'other_metric{a="b"} 3',
    'fncache_hits_total{function="src/a \\"q\\".ts#f\\\\g\\nh",backend="default"} 1.5e3',
    'fncache_miss_duration_seconds_bucket{le="+Inf",function="f"} +Inf',
    'fncache_entries 7 1700000000000',
  ].join('\n'))
  assert.equal(s.map((x) => [x.name, { ...x.labels }, x.value]), [
    ['fncache_hits_total', { function: 'src/a "q".ts#f\\g\nh', backend: 'default' }, 1500],
    ['fncache_miss_duration_seconds_bucket', { le: '+Inf', function: 'f' }, Infinity],
    ['fncache_entries', {}, 7],
  ])
})

text('malformed lines are errors with the line number', () => {
  assert.throws(() => parsePromText('fncache_hits_total{function="a} 1'), /line 1: unterminated label value/)
  assert.throws(() => parsePromText('\nfncache_hits_total{function="a"} x'), /line 2: bad value/)
  assert.throws(() => parsePromText('fncache_hits_total{function="a\\q"} 1'), /bad escape/)
  assert.throws(() => parsePromText('fncache_hits_total{9="a"} 1'), /bad label name/)
})

text('redact() hides user info and secret-looking query values; seconds() formats', () => {
  assert.is(redact(new URL('https://ops:pw@m.example:9/metrics?token=t&x=1&apiKey=k')), 'https://***@m.example:9/metrics?token=***&x=1&apiKey=***')
  assert.is(redact(new URL('http://127.0.0.1:9464/metrics')), 'http://127.0.0.1:9464/metrics')
  assert.equal([0, 85e-6, 0.0041, 0.25, 12.34, 125, 3725, null].map((v) => seconds(v)), ['0s', '85µs', '4.10ms', '250.0ms', '12.3s', '2m05s', '1h02m', '-'])
})

text.run()
