// `fncache invalidate --soft` as a child process, against a file directory and a real
// redis-server filled by the runtime (this process): the entries are marked stale, not removed;
// this process then serves each stale value at once and refreshes it once (counted), and a
// tiered cache on the same Redis hears of it on the bus. Without --soft the same command removes.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import type { Backend } from '../../runtime/backends/backend.js'
import { file } from '../../runtime/backends/file/index.js'
import { redis, tiered } from '../../runtime/backends/redis/index.js'
import { cached, configure, memory } from '../../runtime/index.js'
import { fresh } from '../helpers/runtime.js'
import { redisOrSkip, startRedis, type RedisServer } from '../helpers/redis-server.js'
import { fncache } from './run.js'

/** Fills `backend` with 5 users (tag `users`, stale window 1 h) through the runtime; `s.runs` counts computations. */
async function fillUsers(backend: Backend) {
  fresh()
  configure({ now: Date.now, backends: { default: backend } })
  const s = { version: 1, runs: 0 }
  const getUser = cached(async (id: string) => { s.runs++; return `${id}@v${s.version}` },
    { id: 'src/users.ts#getUser', ttl: '5m', staleWhileRevalidate: '1h', tags: ['users', 'user:{id}'] } as never) as ((id: string) => Promise<string>) & { key(id: string): string }
  for (let i = 1; i <= 5; i++) await getUser(String(i))
  return { s, getUser }
}

/** Waits (boundedly, by polling the value, never asserting on time) until `get` returns `want`. */
async function until(get: () => Promise<string>, want: string): Promise<string> {
  let v = await get()
  for (let i = 0; i < 200 && v !== want; i++) {
    await new Promise((r) => setTimeout(r, 10))
    v = await get()
  }
  return v
}

/** The scenario on one target: soft by tag, then soft by prefix, each read back by this process. */
async function softScenario(target: string[], backend: Backend) {
  const { s, getUser } = await fillUsers(backend)
  assert.is(s.runs, 5)
  s.version = 2
  const r = await fncache(['invalidate', ...target, '--tag', 'users', '--soft', '--json'])
  assert.is(r.code, 0, r.stderr)
  assert.is(r.json().soft, true)
  assert.is(r.json().marked.tags, 5)
  const human = await fncache(['invalidate', ...target, '--tag', 'user:9', '--soft'])
  assert.match(human.stdout, /marked stale 0 entries \(0 by tag, 0 by prefix\)/)
  // Stale at once, served without waiting: the old value, and one refresh per key.
  const stale = await Promise.all([1, 2, 3, 4, 5].flatMap((i) => [getUser(String(i)), getUser(String(i))]))
  assert.equal(stale, ['1@v1', '1@v1', '2@v1', '2@v1', '3@v1', '3@v1', '4@v1', '4@v1', '5@v1', '5@v1'])
  for (let i = 1; i <= 5; i++) assert.is(await until(() => getUser(String(i)), `${i}@v2`), `${i}@v2`)
  assert.is(s.runs, 10, 'exactly one refresh per key')
  // By prefix.
  s.version = 3
  const p = await fncache(['invalidate', ...target, '--prefix', getUser.key('1'), '--soft', '--json'])
  assert.is(p.code, 0, p.stderr)
  assert.is(p.json().marked.prefixes, 1)
  assert.is(await getUser('1'), '1@v2', 'served stale')
  assert.is(await until(() => getUser('1'), '1@v3'), '1@v3')
  assert.is(await getUser('2'), '2@v2', 'outside the prefix: untouched')
  assert.is(s.runs, 11)
  // Without --soft: removed, the next caller waits for the new value.
  s.version = 4
  const hard = await fncache(['invalidate', ...target, '--tag', 'user:2', '--json'])
  assert.is(hard.json().removed.tags, 1)
  assert.is(await getUser('2'), '2@v4')
}

const cli = suite('invalidate --soft')

cli('file target', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'fncache-cli-soft-'))
  const backend = file({ dir, pruneInterval: 0 })
  try {
    await softScenario(['--dir', dir], backend)
  } finally {
    await backend.close()
    rmSync(dir, { recursive: true, force: true })
  }
})

if (redisOrSkip('cli invalidate --soft (redis)')) {
  let server: RedisServer
  cli.before(async () => { server = await startRedis() })
  cli.after(async () => { await server.stop() })

  cli('redis target', async () => {
    const backend = redis({ url: server.url, namespace: 'clisoft' })
    try {
      await softScenario(['--redis', server.url, '--namespace', 'clisoft'], backend)
    } finally {
      await backend.close()
    }
  })

  cli('redis target, tiered reader: the bus makes its L1 copies stale too', async () => {
    const backend = tiered({ l1: memory({ max: 1_000 }), l2: redis({ url: server.url, namespace: 'clisoft-tiered' }) })
    await backend.ready
    try {
      await softScenario(['--redis', server.url, '--namespace', 'clisoft-tiered'], backend)
    } finally {
      await backend.close()
    }
  })
}

cli.run()
