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
    ctx.b = redis({ url: server.url, namespace: `f${n++}`, commandTimeout: 250 })
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
    const t0 = Date.now()
    for (let i = 0; i < 40; i++) assert.is(await f(i % 20), (i % 20) * 2)
    const down = Date.now() - t0
    assert.ok(ctx.errors.length >= 1, 'errors reach onError')
    assert.ok(metrics().errors >= 5, `errors are counted: ${metrics().errors}`)
    assert.ok(down < 40 * 250, `the breaker keeps a dead server from costing every call a timeout (${down} ms for 40 calls)`)

    await server.start()
    // Reconnect (backoff up to 2 s) and the breaker's probe (after 1-2 s) bring the cache back.
    const until = Date.now() + 15_000
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
      const t0 = Date.now()
      for (let i = 0; i < 200; i++) assert.is(await f(i), i + 1)
      assert.is(ctx.gets, sent, 'no backend call while the breaker is open')
      assert.ok(Date.now() - t0 < 500, 'calls do not wait for the dead server')
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
      const t0 = Date.now()
      assert.is(await f(1), 'v1')
      const waited = Date.now() - t0
      console.log(`    hung server: the call returned after ${waited} ms (commandTimeout 250; the runtime awaits the GET and then the SET)`)
      assert.ok(waited >= 200 && waited < 1_500, `waited ${waited} ms with commandTimeout 250`)
      assert.is(impl.n, 2, 'computed without the cache')
    } finally {
      server.resume()
    }
    await sleep(50)
  })
  faults.run()
}
