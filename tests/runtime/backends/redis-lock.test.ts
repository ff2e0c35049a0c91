// Distributed stampede protection on a real redis-server: the lease (SET NX PX, compare-and-delete
// release), four processes that miss one key at once compute it once, and a holder killed
// mid-computation blocks nobody past its lease.

import { spawn, type ChildProcess } from 'node:child_process'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { Redis } from 'ioredis'
import { redis } from '../../../runtime/backends/redis/index.js'
import { redisOrSkip, startRedis, type RedisServer } from '../../helpers/redis-server.js'

const fixture = fileURLToPath(new URL('../../fixtures/redis/lock-child.ts', import.meta.url))

interface Child { proc: ChildProcess; lines: string[]; next(): Promise<string> }
function child(args: string[]): Child {
  const proc = spawn(process.execPath, ['--conditions=fncache-source', '--import', 'tsx', fixture, ...args], { stdio: ['pipe', 'pipe', 'inherit'] })
  const lines: string[] = []
  const waiting: ((l: string) => void)[] = []
  createInterface({ input: proc.stdout! }).on('line', (l) => { const w = waiting.shift(); if (w) w(l); else lines.push(l) })
  return { proc, lines, next: () => (lines.length ? Promise.resolve(lines.shift()!) : new Promise((r) => waiting.push(r))) }
}
const killAll = (cs: Child[]) => { for (const c of cs) if (c.proc.exitCode === null) c.proc.kill('SIGKILL') }

if (redisOrSkip('redis lock')) {
  const server: RedisServer = await startRedis()
  const admin = new Redis(server.url)
  let n = 0
  const ns = () => `l${process.pid}-${n++}`

  const lock = suite('redis lease')
  lock.after(async () => {
    await admin.quit()
    await server.stop()
  })

  lock('acquire() takes a free lease, refuses a held one, and release() frees only its own', async () => {
    const space = ns()
    const a = redis({ url: server.url, namespace: space, lock: { leaseMs: 2_000 } })
    const b = redis({ url: server.url, namespace: space, lock: true })
    const lease = await a.acquire!('k', 200)
    assert.ok(lease)
    assert.is(await b.acquire!('k', 200), undefined)
    const ttl = await admin.pttl(`${space}:l:k`)
    assert.ok(ttl > 0 && ttl <= 200, `lease expiry ${ttl}`)
    await new Promise((r) => setTimeout(r, 250))
    const theirs = await b.acquire!('k', 5_000)
    assert.ok(theirs, 'an expired lease can be taken')
    await lease!.release() // a's lease expired: releasing must not free b's
    assert.is(await admin.exists(`${space}:l:k`), 1)
    await theirs!.release()
    assert.is(await admin.exists(`${space}:l:k`), 0)
    await a.close()
    await b.close()
  })

  lock('a holder killed mid-computation blocks the others only until its lease expires', async () => {
    const space = ns()
    const holder = child(['holder', server.url, space, '800'])
    try {
      assert.is(await holder.next(), 'ready')
      holder.proc.stdin!.write('go\n')
      assert.is(await holder.next(), 'held')
      // What bounds the wait is the lease's expiry in Redis, checked there rather than timed here.
      const left = await admin.pttl(`${space}:l:k`)
      assert.ok(left > 0 && left <= 800, `the dead holder's lease expires by itself (PTTL ${left} ms)`)
      holder.proc.kill('SIGKILL')
      const b = redis({ url: server.url, namespace: space, lock: true })
      let lease
      while (!(lease = await b.acquire!('k', 5_000))) await new Promise((r) => setTimeout(r, 20))
      await lease.release()
      await b.close()
    } finally {
      killAll([holder])
    }
  })

  lock('4 processes that miss one key at once compute it once (runtime: configure + cached)', async () => {
    const space = ns()
    const cs = [0, 1, 2, 3].map(() => child(['runtime', server.url, space]))
    try {
      for (const c of cs) assert.is(await c.next(), 'ready')
      for (const c of cs) c.proc.stdin!.write('go\n')
      const results = (await Promise.all(cs.map((c) => c.next()))).map((l) => JSON.parse(l).value)
      const runs = Number(await admin.get(`${space}:runs`))
      assert.is(runs, 1, `the function ran ${runs} times across 4 processes`)
      for (const r of results) assert.equal(r, results[0], 'every process returns the one computed value')
    } finally {
      killAll(cs)
    }
  })
  lock.run()
}
