// Miss latency, backend latency, entry sizes and time saved: measured with a hand-moved clock
// (metrics.setClock), so every figure is exact whatever the machine's load.
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { cached, configure, metrics } from '../../runtime/index.js'
import { file } from '../../runtime/backends/file/index.js'
import { Histogram, LATENCY, SIZES } from '../../runtime/histogram.js'
import { SAMPLE_EVERY } from '../../runtime/metrics.js'
import { bytesBackend } from '../helpers/bytes-backend.js'
import { parseReference, requireParser } from '../helpers/prom-parse.js'
import { fresh } from '../helpers/runtime.js'

/** The latency clock, in ms, moved by the code under test; counts its reads. */
function handClock() {
  const c = { t: 0, reads: 0, now: () => { c.reads++; return c.t } }
  metrics.setClock(c.now)
  return c
}
const close = (a: number, b: number) => Math.abs(a - b) < 1e-9

// ---

const buckets = suite('fixed log buckets')

buckets('latency bounds are 1 µs x 2^i up to 33.6 s; a value equal to a bound falls in it', () => {
  assert.equal(LATENCY.bounds.slice(0, 4), [0.000001, 0.000002, 0.000004, 0.000008])
  assert.is(LATENCY.bounds.length, 26)
  assert.is(LATENCY.bounds[25], 33.554432)
  const cases: [number, number][] = [[0, 0], [-3, 0], [NaN, 0], [1, 0], [1.0001, 1], [2, 1], [2.5, 2], [4, 2], [5, 3], [1024, 10], [1025, 11], [2 ** 25, 25], [2 ** 25 + 1, 26], [1e12, 26]]
  for (const [us, i] of cases) assert.is(LATENCY.index(us), i, `${us} µs`)
})

buckets('size bounds are 64 B x 4^i up to 64 MiB', () => {
  assert.equal(SIZES.bounds, [64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216, 67108864])
  const cases: [number, number][] = [[1, 0], [64, 0], [65, 1], [256, 1], [257, 2], [1024, 2], [1025, 3], [67108864, 10], [67108865, 11]]
  for (const [b, i] of cases) assert.is(SIZES.index(b), i, `${b} B`)
})

buckets('quantiles interpolate inside the bucket, as histogram_quantile does', () => {
  const h = new Histogram(LATENCY)
  assert.is(h.quantile(0.5), 0)
  for (let i = 0; i < 10; i++) h.observe(3) // (2 µs, 4 µs]
  assert.ok(close(h.quantile(0.5), 0.000003), String(h.quantile(0.5)))
  assert.ok(close(h.quantile(1), 0.000004))
  h.observe(1e12) // +Inf answers the last finite bound
  assert.is(h.quantile(1), 33.554432)
})

buckets.run()

// ---

const miss = suite('miss latency and time saved')
miss.before.each(() => { fresh() })
miss.after.each(() => { metrics.setClock() })

miss('a miss is timed once around the call; hits never read the clock', () => {
  const clock = handClock()
  const f = cached((n: number) => { clock.t += 10; return n * 2 }, { id: 'src/l.ts#slow' })
  f(1)
  assert.is(clock.reads, 2)
  for (let i = 0; i < 3; i++) f(1)
  assert.is(clock.reads, 2, 'hits read no clock')
  const m = metrics().functions['src/l.ts#slow']!
  assert.equal([m.missLatency.count, m.missLatency.sum, m.missLatency.mean], [1, 0.01, 0.01])
  assert.ok(m.missLatency.p50 > 0.008192 && m.missLatency.p50 <= 0.016384, String(m.missLatency.p50))
  assert.ok(close(m.timeSaved, 0.03), String(m.timeSaved))
  assert.ok(close(metrics().backends.default!.timeSaved, 0.03))
  assert.ok(close(metrics().timeSaved, 0.03))
})

miss('async functions are timed until their promise settles; rejections are not timed', async () => {
  const clock = handClock()
  let fail = false
  const f = cached(async (n: number) => {
    await new Promise((r) => setTimeout(r, 1))
    clock.t += 25
    if (fail) throw new Error('no')
    return n
  }, { id: 'src/l.ts#async' })
  await f(1)
  await f(1); await f(1)
  fail = true
  await f(2).catch(() => {})
  const m = metrics().functions['src/l.ts#async']!
  assert.equal([m.misses, m.hits, m.missLatency.count, m.missLatency.sum], [2, 2, 1, 0.025])
  assert.ok(close(m.timeSaved, 0.05))
})

miss('time saved is a counter: each hit is valued at the mean known when a snapshot first sees it', () => {
  const clock = handClock()
  let cost = 10
  const f = cached((n: number) => { clock.t += cost; return n }, { id: 'src/l.ts#fold' })
  f(1); f(1); f(1) // 1 miss of 10 ms, 2 hits
  assert.ok(close(metrics().functions['src/l.ts#fold']!.timeSaved, 0.02))
  cost = 30
  f(2); f(2) // mean now 20 ms; the new hit is valued at 20 ms, the first two keep 10 ms each
  assert.ok(close(metrics().functions['src/l.ts#fold']!.timeSaved, 0.04))
  assert.ok(close(metrics().functions['src/l.ts#fold']!.timeSaved, 0.04), 'a second snapshot adds nothing')
  metrics.reset()
  assert.is(metrics().functions['src/l.ts#fold']!.timeSaved, 0)
  f(2)
  assert.is(metrics().functions['src/l.ts#fold']!.timeSaved, 0, 'hits wait for a timed miss after a reset')
  f(3)
  f(2)
  assert.ok(close(metrics().functions['src/l.ts#fold']!.timeSaved, 0.06), 'two hits x 30 ms')
})

miss(`functions faster than 20 µs on average are timed on one miss in ${SAMPLE_EVERY}`, () => {
  const clock = handClock()
  const fast = cached((n: number) => { clock.t += 0.001; return n }, { id: 'src/l.ts#fast' })
  for (let n = 0; n < 2 * SAMPLE_EVERY + 1; n++) fast(n)
  // misses 1 (timed, mean 1 µs: sampling starts), 16 and 32
  assert.is(metrics().functions['src/l.ts#fast']!.missLatency.count, 3)
  assert.is(clock.reads, 6)
  const slow = cached((n: number) => { clock.t += 1; return n }, { id: 'src/l.ts#slow2' })
  for (let n = 0; n < 20; n++) slow(n)
  assert.is(metrics().functions['src/l.ts#slow2']!.missLatency.count, 20)
})

miss('per-function entries from the memory store', () => {
  const f = cached((n: number) => n, { id: 'src/l.ts#entries' })
  f(1); f(2); f(3); f(3)
  assert.is(metrics().functions['src/l.ts#entries']!.entries, 3)
  assert.is(metrics().backends.default!.entries, 3)
})

miss.run()

// ---

const bytes = suite('byte backends: get/set latency and entry sizes')
bytes.before.each(() => { fresh() })
bytes.after.each(() => { metrics.setClock() })

bytes('sync twins: each get and set is timed; miss latency excludes them', () => {
  const clock = handClock()
  const b = bytesBackend({ sync: true })
  const getSync = b.getSync!.bind(b)
  const setSync = b.setSync!.bind(b)
  b.getSync = (k) => { clock.t += 0.2; return getSync(k) }
  b.setSync = (k, v, o) => { clock.t += 0.5; return setSync(k, v, o) }
  configure({ backends: { disk: b } })
  const f = cached((n: number) => { clock.t += 7; return { n, text: 'x'.repeat(300) } }, { id: 'src/l.ts#bytes', backend: 'disk' })
  f(1); f(1); f(1)
  const m = metrics()
  const fm = m.functions['src/l.ts#bytes']!
  assert.equal([fm.misses, fm.hits], [1, 2])
  assert.equal([fm.missLatency.count, fm.missLatency.sum], [1, 0.007])
  assert.is(fm.getLatency.count, 3)
  assert.ok(close(fm.getLatency.sum, 0.0006))
  assert.equal([fm.setLatency.count, fm.setLatency.sum], [1, 0.0005])
  assert.is(fm.entrySize.count, 1)
  assert.ok(fm.entrySize.sum > 300 && fm.entrySize.sum < 1024, String(fm.entrySize.sum))
  assert.ok(close(fm.timeSaved, 0.014))
  assert.is(m.backends.disk!.getLatency.count, 3)
  assert.is(m.backends.default!.getLatency.count, 0)
})

bytes('async backends: the direct get of the hit path is timed too', async () => {
  const clock = handClock()
  const b = bytesBackend()
  const get = b.get.bind(b)
  b.get = async (k) => { clock.t += 1; return get(k) }
  configure({ backends: { remote: b } })
  const f = cached(async (n: number) => { clock.t += 4; return n }, { id: 'src/l.ts#remote', backend: 'remote' })
  await f(1); await f(1); await f(1)
  const fm = metrics().functions['src/l.ts#remote']!
  assert.equal([fm.misses, fm.hits, fm.getLatency.count, fm.getLatency.sum, fm.missLatency.sum], [1, 2, 3, 0.003, 0.004])
})

const python = requireParser('tests/runtime/latency.test.ts')

bytes('a real file backend: histograms in metrics() and in the Prometheus exposition (reference parser)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'fncache-latency-'))
  try {
    handClock()
    configure({ backends: { files: file({ dir }) } })
    const f = cached((id: string) => ({ id, body: 'y'.repeat(2000) }), { id: 'src/l.ts#file', backend: 'files' })
    f('a'); f('b'); f('a')
    const fm = metrics().functions['src/l.ts#file']!
    assert.equal([fm.entrySize.count, fm.setLatency.count], [2, 2])
    assert.ok(fm.getLatency.count >= 3, String(fm.getLatency.count))
    if (python === undefined) return
    const fams = parseReference(python, metrics.prometheus())
    const sizes = fams.get('fncache_entry_size_bytes')!
    assert.is(sizes.type, 'histogram')
    const mine = sizes.samples.filter((x) => x.labels.function === 'src/l.ts#file')
    const one = (name: string, le?: string) => mine.find((x) => x.name === name && x.labels.le === le)!
    assert.equal(one('fncache_entry_size_bytes_count').labels, { function: 'src/l.ts#file', backend: 'files' })
    assert.is(one('fncache_entry_size_bytes_count').value, 2)
    assert.is(one('fncache_entry_size_bytes_sum').value, fm.entrySize.sum)
    assert.is(one('fncache_entry_size_bytes_bucket', '4096').value, 2, 'records of ~2 KiB are under 4 KiB')
    assert.is(one('fncache_entry_size_bytes_bucket', '1024').value, 0)
    assert.is(one('fncache_entry_size_bytes_bucket', '+Inf').value, 2)
    const counts = fams.get('fncache_backend_duration_seconds')!.samples
      .filter((x) => x.labels.backend === 'files' && x.name.endsWith('_count')).map((x) => [x.labels.op, x.value]).sort()
    assert.equal(counts, [['get', fm.getLatency.count], ['set', 2]])
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
})

bytes.run()
