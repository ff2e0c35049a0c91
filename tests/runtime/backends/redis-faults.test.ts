// Faults through the runtime on a real redis-server: killed mid-run and restarted, dead (the
// runtime's circuit breaker stops the calls), and hung (SIGSTOP: the command timeout bounds the
// delay). Calls keep returning computed results; nothing is thrown or left unhandled.

import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { redis, type RedisBackend } from '../../../runtime/backends/redis/index.js'
import { cached, configure, metrics } from '../../../runtime/index.js'
import { fresh, counting } from '../../helpers/runtime.js'
import { redisOrSkip, startRedis, type RedisServer } from '../../helpers/redis-server.js'

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

if (redisOrSkip('redis faults')) {
  const unhandled: unknown[] = []
  process.on('unhandledRejection', (e) => { unhandled.push(e) })
  const server: RedisServer = await startRedis()
  let n = 0

  interface Ctx { b: RedisBackend; errors: unknown[]; gets: number }
  const faults = suite<Ctx>('redis faults through the runtime')
  faults.before.each((ctx) => {
    fresh()
    ctx.errors = []
    ctx.gets = 0
    // Short enough to keep the hung-server case quick, long enough that a loaded machine's stalls
    // (timers run before the socket is read after one) do not time out a live server's replies.
    ctx.b = redis({ url: server.url, namespace: `f${n++}`, commandTimeout: 1_000 })
    const get = ctx.b.get.bind(ctx.b)
    ctx.b.get = (k) => { ctx.gets++; return get(k) }
    // The breaker runs on the runtime's clock: real time here.
    configure({ now: Date.now, backends: { default: ctx.b }, onError: (e) => { ctx.errors.push(e) } })
  })
  faults.after.each(async (ctx) => {
    fresh()
    await ctx.b.close()
  })
  faults.after(async () => {
    await server.stop()
    assert.equal(unhandled, [], 'no unhandled rejection')
  })

  faults('killed mid-run, then restarted: correct results throughout, errors counted, automatic recovery', async (ctx) => {
    const impl = counting(async (k: number) => k * 2)
    const f = cached(impl, { id: 'double' } as never) as (k: number) => Promise<number>
    for (let k = 0; k < 20; k++) assert.is(await f(k), k * 2)
    const before = impl.n
    for (let k = 0; k < 20; k++) assert.is(await f(k), k * 2)
    assert.is(impl.n, before, 'hits while the server is up')

    await server.kill()
    const sent = ctx.gets
    for (let i = 0; i < 40; i++) assert.is(await f(i % 20), (i % 20) * 2)
    assert.ok(ctx.errors.length >= 1, 'errors reach onError')
    assert.ok(metrics().errors >= 5, `errors are counted: ${metrics().errors}`)
    assert.ok(ctx.gets - sent < 40, `the breaker keeps a dead server from costing every call a timeout (${ctx.gets - sent} reads tried for 40 calls)`)

    await server.start()
    // Reconnect (backoff up to 2 s) and the breaker's probe (after 1-2 s) bring the cache back.
    // Bounded only so a cache that never recovers fails: generous for a loaded machine.
    const until = Date.now() + 60_000
    let recovered = false
    while (!recovered && Date.now() < until) {
      const calls = impl.n
      assert.is(await f(99), 198)
      assert.is(await f(99), 198)
      recovered = impl.n === calls + 1 || impl.n === calls
      if (!recovered) await sleep(100)
    }
    assert.ok(recovered, 'hits again after the restart, without intervention')
  })

  faults('the circuit breaker stops calls to a dead server', async (ctx) => {
    const f = cached(async (k: number) => k + 1, { id: 'inc' } as never) as (k: number) => Promise<number>
    await f(0)
    await server.kill()
    try {
      for (let i = 0; i < 5; i++) assert.is(await f(i), i + 1)
      const sent = ctx.gets
      for (let i = 0; i < 200; i++) assert.is(await f(i), i + 1)
      assert.is(ctx.gets, sent, 'no backend call (so no wait) while the breaker is open')
    } finally {
      await server.start()
    }
  })

  faults('a hung server (SIGSTOP) delays a call by at most the command timeout', async () => {
    const impl = counting(async (k: number) => `v${k}`)
    const f = cached(impl, { id: 'hung' } as never) as (k: number) => Promise<string>
    assert.is(await f(1), 'v1')
    server.pause()
    try {
      // The call settles while the server is still stopped: the command timeout, not the server,
      // ends the wait (without it this would hang until the runner's per-file timeout fails it).
      assert.is(await f(1), 'v1')
      assert.is(impl.n, 2, 'computed without the cache')
      assert.ok((f as unknown as { stats(): { errors: number } }).stats().errors >= 1, 'the timeout is counted')
    } finally {
      server.resume()
    }
    await sleep(50)
  })
  faults.run()
}
