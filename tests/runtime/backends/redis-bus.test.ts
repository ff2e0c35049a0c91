// The Redis bus (pub/sub on a duplicated connection, one channel per namespace) across two
// processes, and tiered({ l1: memory(), l2: redis() }) kept coherent by it: invalidate in A, and
// B's next call misses.

import { spawn, type ChildProcess } from 'node:child_process'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { redis } from '../../../runtime/backends/redis/index.js'
import { parseMessage } from '../../../runtime/backends/redis/bus.js'
import { redisOrSkip, startRedis, type RedisServer } from '../../helpers/redis-server.js'

const fixture = fileURLToPath(new URL('../../fixtures/redis/bus-child.ts', import.meta.url))
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

interface Child { proc: ChildProcess; next(): Promise<string>; send(line: string): void }
function child(args: string[]): Child {
  const proc = spawn(process.execPath, ['--conditions=fncache-source', '--import', 'tsx', fixture, ...args], { stdio: ['pipe', 'pipe', 'inherit'] })
  const lines: string[] = []
  const waiting: ((l: string) => void)[] = []
  createInterface({ input: proc.stdout! }).on('line', (l) => { const w = waiting.shift(); if (w) w(l); else lines.push(l) })
  return {
    proc,
    next: () => (lines.length ? Promise.resolve(lines.shift()!) : new Promise((r) => waiting.push(r))),
    send: (line) => { proc.stdin!.write(line + '\n') },
  }
}
const killAll = (cs: Child[]) => { for (const c of cs) if (c.proc.exitCode === null) c.proc.kill('SIGKILL') }

if (redisOrSkip('redis bus')) {
  const server: RedisServer = await startRedis()
  let n = 0
  const ns = () => `b${process.pid}-${n++}`

  const bus = suite('redis bus')
  bus.after(async () => { await server.stop() })

  bus('messages are checked: malformed ones are dropped', () => {
    assert.equal(parseMessage('{"origin":"a","op":"delete","keys":["k"]}'), { origin: 'a', op: 'delete', keys: ['k'] })
    assert.equal(parseMessage('{"origin":"a","op":"clear"}'), { origin: 'a', op: 'clear' })
    for (const bad of ['nope', 'null', '{"op":"clear"}', '{"origin":"a","op":"drop"}', '{"origin":"a","op":"tags","tags":[1]}', '{"origin":"a","op":"prefix"}']) {
      assert.is(parseMessage(bad), undefined, bad)
    }
  })

  bus('publish and subscribe across two processes, both ways, per namespace', async () => {
    const space = ns()
    const other = child(['bus', server.url, space])
    const here = redis({ url: server.url, namespace: space })
    const elsewhere = redis({ url: server.url, namespace: ns() })
    try {
      const mine = here.createBus()
      const got: unknown[] = []
      await mine.subscribe((m) => got.push(m))
      const stray = elsewhere.createBus()
      const strays: unknown[] = []
      await stray.subscribe((m) => strays.push(m))
      assert.is(await other.next(), 'ready')

      await mine.publish({ origin: 'parent', op: 'tags', tags: ['user:1'] })
      assert.equal(JSON.parse(await other.next()), { origin: 'parent', op: 'tags', tags: ['user:1'] })
      other.send('publish {"origin":"child","op":"prefix","prefixes":["src/a.ts#"]}')
      const two = [await other.next(), await other.next()].sort()
      assert.equal(two, ['published', '{"origin":"child","op":"prefix","prefixes":["src/a.ts#"]}'], 'the sender hears itself too')
      // Delivery by a real server: polled until it arrives, bounded generously for a loaded machine.
      for (const end = Date.now() + 30_000; got.length < 2 && Date.now() < end;) await sleep(10)
      assert.equal(got, [{ origin: 'parent', op: 'tags', tags: ['user:1'] }, { origin: 'child', op: 'prefix', prefixes: ['src/a.ts#'] }])
      assert.equal(strays, [], 'another namespace hears nothing')
      await mine.close()
      await mine.close()
      try { await mine.publish({ origin: 'x', op: 'clear' }); assert.unreachable() } catch (e) { assert.match(String(e), /after close/) }
    } finally {
      killAll([other])
      await here.close()
      await elsewhere.close()
    }
  })

  bus('tiered: invalidate in A, and B\'s next call misses', async () => {
    const space = ns()
    const a = child(['tiered', server.url, space])
    const b = child(['tiered', server.url, space])
    try {
      assert.is(await a.next(), 'ready')
      assert.is(await b.next(), 'ready')
      const call = async (c: Child) => { c.send('call'); return JSON.parse(await c.next()) as { value: unknown; runs: number } }
      assert.equal(await call(a), { value: { id: 1, name: 'user 1' }, runs: 1 })
      assert.equal(await call(b), { value: { id: 1, name: 'user 1' }, runs: 0 }, 'B reads what A stored in Redis')
      assert.is((await call(b)).runs, 0, 'then serves it from its L1')
      a.send('invalidate user:1')
      assert.is(await a.next(), 'done')
      assert.is((await call(b)).runs, 1, 'B\'s L1 dropped the entry: its next call misses')
      assert.is((await call(a)).runs, 1, 'A reads what B stored')
    } finally {
      killAll([a, b])
    }
  })
  bus.run()
}
