// The Redis backend against a real redis-server: the shared contract, options, key layout, tag
// and prefix invalidation (chunked, SLOWLOG-checked), and the runtime on top of it.

import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { Redis } from 'ioredis'
import { redis, RedisBackend, tiered } from '../../../runtime/backends/redis/index.js'
import { memory } from '../../../runtime/backends/memory.js'
import { escapeGlob } from '../../../runtime/backends/redis/glob.js'
import { encodeEntry } from '../../../runtime/backends/redis/format.js'
import { cached, configure, invalidateTags, invalidatePrefix } from '../../../runtime/index.js'
import { backendSuite } from './suite.js'
import { fresh, counting } from '../../helpers/runtime.js'
import { redisOrSkip, startRedis, type RedisServer } from '../../helpers/redis-server.js'

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))
const bytes = (s: string) => new TextEncoder().encode(s)
const text = (b: Uint8Array | undefined) => (b === undefined ? undefined : new TextDecoder().decode(b))

if (redisOrSkip('redis backend')) {
  const server: RedisServer = await startRedis()
  const admin = new Redis(server.url)
  let n = 0
  const ns = () => `t${process.pid}-${n++}`

  // The server's clock cannot be faked: advance() sleeps (the TTL test waits 1.1 s in all).
  const expect = { counters: ['errors'], entries: 'none', expirations: false, stamps: true } as const
  // 10 s command timeouts: the contract is not about timeouts, and after a stall of the loaded
  // machine ioredis's timer can fire before the reply already in the socket is read.
  backendSuite('redis', () => ({ backend: redis({ url: server.url, namespace: ns(), commandTimeout: 10_000 }), advance: (ms) => sleep(ms) }), expect)
  // The byte face of tiered(): reads and writes go to L2, invalidations also reach L1 and the bus.
  backendSuite('tiered (memory over redis)', async () => {
    const backend = tiered({ l1: memory(), l2: redis({ url: server.url, namespace: ns(), commandTimeout: 10_000 }) })
    await backend.ready
    return { backend, advance: (ms) => sleep(ms) }
  }, { ...expect, counters: ['errors', 'evictions'], entries: 'l1' })

  // ---

  const options = suite('redis() options')

  options('reject bad options with a TypeError naming the option and the fix', () => {
    assert.throws(() => redis({} as never), /needs a url or a client/)
    assert.throws(() => redis({ url: server.url, client: admin }), /url or client, not both/)
    assert.throws(() => redis({ url: 'http://x' }), /option url must be a redis:\/\/ or rediss:\/\/ URL; received "http:\/\/x"/)
    assert.throws(() => redis({ url: server.url, namespace: 'a*' }), /option namespace must not contain glob/)
    assert.throws(() => redis({ url: server.url, commandTimeout: -1 }), /option commandTimeout must be an integer/)
    assert.throws(() => redis({ url: server.url, lock: { leaseMs: 0 } }), /option lock.leaseMs/)
    assert.throws(() => redis({ url: server.url, lock: { lease: 1 } as never }), /lock has no field "lease"/)
    assert.throws(() => redis({ url: server.url, namepsace: 'x' } as never), /no option "namepsace"; did you mean "namespace"\?/)
    assert.throws(() => redis({ client: {} as never }), /option client must be an ioredis Redis or Cluster/)
    assert.throws(() => redis({ client: admin, commandTimeout: 5 }), /commandTimeout appl.* set it on your client/)
  })

  options('a client with an ioredis keyPrefix is refused (SCAN patterns would miss its keys)', async () => {
    const c = new Redis(server.url, { keyPrefix: 'app:', lazyConnect: true })
    assert.throws(() => redis({ client: c }), /keyPrefix "app:".*\n  Try: .*namespace: "app"/s)
    c.disconnect()
  })

  options('close() quits a connection it made and leaves a client passed in open', async () => {
    const own = redis({ url: server.url, namespace: ns() })
    await own.set('a', bytes('1'))
    await own.close()
    assert.is(own.client.status, 'end')
    const mine = new Redis(server.url, { commandTimeout: 10_000 })
    const shared = redis({ client: mine, namespace: ns() })
    await shared.set('a', bytes('1'))
    await shared.close()
    assert.is(await mine.ping(), 'PONG')
    mine.disconnect()
  })

  options('defaults: auto-pipelining on, a 1 s command timeout, lazyConnect honoured, lock off', async () => {
    const b = redis({ url: server.url, lazyConnect: true })
    const o = (b.client as Redis).options
    assert.is(o.enableAutoPipelining, false, 'the backend batches by itself (tick corking)')
    assert.is(o.commandTimeout, 1000)
    assert.is(b.client.status, 'wait')
    assert.is(b.acquire, undefined)
    assert.is(await b.get('nothing'), undefined)
    assert.is(b.client.status, 'ready')
    await b.close()
    const l = redis({ url: server.url, lazyConnect: true, lock: true })
    assert.equal(l.lock, { leaseMs: 5000, waitMs: 5000 })
    const lease = await l.acquire!('lease-key', 5000)
    assert.ok(lease, 'the first caller takes the lease')
    assert.is(await l.acquire!('lease-key', 5000), undefined, 'a second caller does not')
    await lease!.release()
    assert.ok(await l.acquire!('lease-key', 5000), 'released: it can be taken again')
    await l.close()
  })

  options('a read leaves at once unless a lone GET is out, then reads gather into one MGET; other commands are corked until the tick ends', async () => {
    const b = redis({ url: server.url, namespace: ns() })
    for (let i = 0; i < 64; i += 2) await b.set('k' + i, bytes('v' + i))
    const stream = (b.client as Redis).stream
    let corks = 0
    const sent: string[] = []
    const cork = stream.cork.bind(stream)
    stream.cork = () => { corks++; cork() }
    const send = b.client.sendCommand.bind(b.client)
    b.client.sendCommand = ((cmd: { name: string; args: unknown[] }) => { sent.push(`${cmd.name} ${cmd.args.length}`); return send(cmd as never) }) as typeof b.client.sendCommand
    const all = Promise.all(Array.from({ length: 64 }, (_, i) => b.get('k' + i)))
    assert.equal(sent, ['get 1'], 'the first read leaves at once, the others wait for the end of the tick')
    const got = await all
    assert.equal(sent, ['get 1', 'mget 63'])
    // Each caller gets its own key's value, in order; absent keys stay absent.
    assert.equal(got.map((v) => (v === undefined ? null : text(v))), Array.from({ length: 64 }, (_, i) => (i % 2 ? null : 'v' + i)))
    sent.length = 0
    for (let i = 0; i < 5; i++) await b.get('k0')
    assert.equal(sent, Array(5).fill('get 1'), 'sequential reads are one GET each, never gathered')
    // Reads made while a lone GET awaits its reply are gathered, even in a later tick.
    sent.length = 0
    const lone = b.get('k0')
    await new Promise((r) => process.nextTick(r))
    const later = Promise.all([b.get('k2'), b.get('k4')])
    assert.equal(sent, ['get 1'])
    assert.equal([text((await lone)!), ...(await later).map((v) => text(v!))], ['v0', 'v2', 'v4'])
    assert.equal(sent, ['get 1', 'mget 2'])
    // Writes of one tick are corked after the first and leave together when the tick ends.
    const writes = Promise.all(Array.from({ length: 8 }, (_, i) => b.set('w' + i, bytes('x'))))
    assert.is(corks, 1)
    assert.is(stream.writableCorked, 1, 'still corked within the tick')
    await writes
    assert.is(stream.writableCorked, 0)
    const plain = redis({ url: server.url, namespace: ns(), autoPipelining: false })
    await plain.get('x')
    const s2 = (plain.client as Redis).stream
    let plainSent = 0
    const send2 = plain.client.sendCommand.bind(plain.client)
    plain.client.sendCommand = ((cmd: never) => { plainSent++; return send2(cmd) }) as typeof plain.client.sendCommand
    await Promise.all([plain.get('a'), plain.get('b')])
    assert.is(s2.writableCorked, 0)
    assert.is(plainSent, 2, 'autoPipelining: false sends one GET per read')
    await b.close()
    await plain.close()
  })

  options('a failed MGET rejects every read it carried and counts each as a backend error', async () => {
    const b = redis({ url: server.url, namespace: ns() })
    await b.get('warm')
    const before = b.stats().errors ?? 0
    b.client.mgetBuffer = (() => Promise.reject(new Error('boom'))) as never
    const results = await Promise.allSettled([b.get('a'), b.get('b'), b.get('c')])
    assert.equal(results.map((r) => r.status), ['fulfilled', 'rejected', 'rejected'])
    assert.is((b.stats().errors ?? 0) - before, 2)
    await b.close()
  })

  options('AUTH and the database come from the URL', async () => {
    const auth = await startRedis(['--requirepass', 's3cret'])
    try {
      const b = redis({ url: `redis://:s3cret@127.0.0.1:${auth.port}/3` })
      await b.set('k', bytes('v'))
      assert.is(text(await b.get('k')), 'v')
      const check = new Redis(`redis://:s3cret@127.0.0.1:${auth.port}/3`)
      assert.is(await check.exists('fncache:v:k'), 1)
      await check.quit()
      await b.close()
      const wrong = redis({ url: `redis://:nope@127.0.0.1:${auth.port}`, commandTimeout: 300 })
      try { await wrong.get('k'); assert.unreachable('a wrong password must fail') } catch (e) { assert.match(String(e), /WRONGPASS|NOAUTH|timed out/) }
      await wrong.close()
    } finally {
      await auth.stop()
    }
  })
  options.run()

  // ---

  const layout = suite('redis key layout and invalidation')
  layout.after(async () => {
    await admin.quit()
    await server.stop()
  })

  layout('a hit is one GET; entries, tag sets and their expiries follow the documented layout', async () => {
    const space = ns()
    const b = redis({ url: server.url, namespace: space })
    const t0 = performance.now()
    await b.set('f:1', bytes('one'), { ttl: 60_000, tags: ['users', 'user:1'] })
    await b.set('f:2', bytes('two'), { tags: ['users'] })
    assert.is(await admin.type(`${space}:v:f:1`), 'string')
    assert.equal((await admin.smembers(`${space}:t:users`)).sort(), ['f:1', 'f:2'])
    const entryTtl = await admin.pttl(`${space}:v:f:1`)
    // Less than 60 s only by the time between the SET and the PTTL, which lies within this window.
    const elapsed = performance.now() - t0
    assert.ok(entryTtl >= 60_000 - elapsed - 1 && entryTtl <= 60_000, `entry ttl ${entryTtl} after ${elapsed.toFixed(0)} ms`)
    assert.ok(await admin.pttl(`${space}:t:user:1`) >= 60_000, 'a tag set outlives its members')
    assert.ok(await admin.pttl(`${space}:t:users`) > 365 * 24 * 3600_000, 'a member without ttl keeps its set alive')
    const before = Number(/total_commands_processed:(\d+)/.exec(await admin.info('stats'))![1])
    assert.is(text(await b.get('f:1')), 'one')
    const after = Number(/total_commands_processed:(\d+)/.exec(await admin.info('stats'))![1])
    assert.is(after - before, 2, 'one GET (plus the INFO that measured it)')
    await b.close()
  })

  layout('a corrupt or foreign value comes back as is (the runtime then counts and removes it)', async () => {
    const space = ns()
    const b = redis({ url: server.url, namespace: space })
    await admin.set(`${space}:v:x`, 'plain text')
    assert.is(text(await b.get('x')), 'plain text')
    await admin.set(`${space}:v:y`, Buffer.from([0xfc, 0xff, 0xff, 0xff, 0xff, 1]))
    assert.is((await b.get('y'))!.length, 6)
    await b.close()
  })

  layout('glob metacharacters in a prefix are literal', () => {
    assert.is(escapeGlob('a*b?c[d]e\\f'), 'a\\*b\\?c\\[d\\]e\\\\f')
  })

  layout('invalidatePrefix: SCAN MATCH with escaped globs, across many keys, and only this namespace', async () => {
    const space = ns()
    const other = redis({ url: server.url, namespace: ns() })
    const b = redis({ url: server.url, namespace: space })
    const p = admin.pipeline()
    for (let i = 0; i < 3000; i++) p.set(`${space}:v:f[1]*:${i}`, 'x')
    for (let i = 0; i < 100; i++) p.set(`${space}:v:f1:${i}`, 'x')
    await p.exec()
    await other.set('f[1]*:0', bytes('o'))
    assert.is(await b.invalidatePrefix(['f[1]*:']), 3000)
    assert.is(await admin.exists(`${space}:v:f1:5`), 1, 'f1: does not match the literal f[1]*:')
    assert.is(text(await other.get('f[1]*:0')), 'o', 'another namespace is untouched')
    assert.is(await b.invalidatePrefix(['']), 100, 'an empty prefix is every entry of the namespace')
    await b.close()
    await other.close()
  })

  layout('tag invalidation deletes only entries that still carry the tag; bookkeeping shrinks', async () => {
    const space = ns()
    const b = redis({ url: server.url, namespace: space })
    await b.set('a', bytes('1'), { tags: ['t', 'u'] })
    await b.set('b', bytes('2'), { tags: ['t'] })
    await b.set('b', bytes('3'), { tags: ['tt'] }) // 'tt' contains 't': the match is exact
    await b.set('c', bytes('4'), { tags: ['t:x'] })
    assert.is(await b.invalidateTags(['t']), 1)
    assert.is(await b.get('a'), undefined)
    assert.is(text(await b.get('b')), '3')
    assert.is(text(await b.get('c')), '4')
    assert.is(await admin.exists(`${space}:t:t`), 0, 'the drained tag set is gone')
    await b.close()
  })

  layout('1,000 of 100,000 entries: under budget, no command over 10 ms in SLOWLOG, other reads unaffected', async () => {
    const space = ns()
    // A generous command timeout: this test is about batching, and 100,000 writes on a loaded
    // 2-core machine can hold one command past the 1 s default. close() in finally: a failure
    // must not leave a reconnecting client that keeps the file from exiting.
    const b = redis({ url: server.url, namespace: space, commandTimeout: 15_000 })
    try {
      const value = bytes('x'.repeat(64))
      // 1,000 through set(); the other 99,000 written in the same layout by raw pipelines (faster).
      await Promise.all(Array.from({ length: 1000 }, (_, i) => b.set(`e:${i * 100}`, value, { ttl: 600_000, tags: ['hot', `g:${(i * 100) % 7}`] })))
      for (let i = 0; i < 100_000; i += 10_000) {
        const p = admin.pipeline()
        for (let j = i; j < i + 10_000; j++) {
          if (j % 100 === 0) continue
          p.set(b.entryKey(`e:${j}`), encodeEntry(value, [`g:${j % 7}`]), 'PX', 600_000)
          p.sadd(b.tagKey(`g:${j % 7}`), `e:${j}`)
        }
        await p.exec()
      }
      await admin.config('SET', 'slowlog-log-slower-than', '0')
      await admin.config('SET', 'slowlog-max-len', '100000')
      await admin.slowlog('RESET')
      const t0 = performance.now()
      assert.is(await b.invalidateTags(['hot']), 1000)
      const ms = performance.now() - t0
      const log = (await admin.slowlog('GET', 100_000)) as [number, number, number, string[]][]
      await admin.config('SET', 'slowlog-log-slower-than', '10000')
      const commands = log.filter((e) => String(e[3][0]).toLowerCase() !== 'slowlog')
      const worst = Math.max(...commands.map((e) => e[2]))
      // Durations are reported, not asserted (the < 10 ms targets are measured by npm run bench); what
      // keeps any one command short is the batching, asserted here: several script calls, not one.
      console.log(`    tag invalidation 1,000 of 100,000: ${ms.toFixed(1)} ms, slowest command ${(worst / 1000).toFixed(2)} ms`)
      const scripts = commands.filter((e) => /^(evalsha|eval|fcall)$/i.test(String(e[3][0])))
      assert.ok(scripts.length >= 4, `1,000 members removed in batches: ${scripts.length} script calls`)
      assert.ok(!commands.some((e) => /^(keys|scan)$/i.test(String(e[3][0]))), 'no keyspace walk')
      assert.is(await b.get('e:0'), undefined)
      assert.is(await b.get('e:100'), undefined)
      assert.ok(await b.get('e:1'))
      assert.is(await admin.scard(`${space}:t:g:0`), Math.ceil(100_000 / 7) - 0, 'other tag sets are intact')
      await b.clear()
      assert.is(await admin.exists(`${space}:v:e:1`, `${space}:t:g:0`), 0, 'clear() removes entries and tag sets')
    } finally {
      await b.close()
    }
  })

  layout('through the runtime: hits, namespaced tags and prefixes, visible to a second backend at once', async () => {
    fresh()
    const space = ns()
    const a = redis({ url: server.url, namespace: space })
    configure({ namespace: 'app', backends: { default: a } })
    const impl = counting(async (id: number) => ({ id, at: impl.n }))
    const getUser = cached(impl, { id: 'users#get', tags: (_: unknown, id: number) => [`user:${id}`], ttl: 60_000 } as never) as (id: number) => Promise<{ id: number }>
    assert.equal(await getUser(1), { id: 1, at: 1 })
    assert.equal(await getUser(1), { id: 1, at: 1 })
    assert.is(impl.n, 1)
    const second = redis({ url: server.url, namespace: space })
    const keys = await admin.keys(`${space}:v:*`) // test-only inspection
    assert.is(keys.length, 1)
    assert.ok(keys[0]!.startsWith(`${space}:v:app:users#get:`), keys[0])
    assert.ok(await second.get(keys[0]!.slice(`${space}:v:`.length)))
    await invalidateTags(['user:1'])
    assert.is(await second.get(keys[0]!.slice(`${space}:v:`.length)), undefined, 'gone for every process once the promise resolves')
    await getUser(1)
    assert.is(impl.n, 2)
    await invalidatePrefix(['users#'])
    await getUser(1)
    assert.is(impl.n, 3)
    await second.close()
    fresh()
  })
  layout.run()
}
