// The fncache CLI as a child process against a real redis-server filled by the runtime: listings,
// invalidation seen by the filling process, namespaces, and bounded errors for bad URLs and
// servers that do not answer.
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { redis } from '../../runtime/backends/redis/index.js'
import { redisOrSkip, startRedis, type RedisServer } from '../helpers/redis-server.js'
import { fncache } from './run.js'
import { calls, checkUserTimes, fill } from './fill.js'

if (redisOrSkip('cli (redis)')) {
  const cli = suite('redis backend')
  cli.before(async (ctx) => {
    ctx.server = await startRedis()
    ctx.backend = redis({ url: ctx.server.url, namespace: 'clitest' })
    ctx.fns = await fill(ctx.backend)
  })
  cli.after(async (ctx) => {
    await ctx.backend.close()
    await (ctx.server as RedisServer).stop()
  })

  cli('stats and ls read <namespace>:v:* through SCAN', async ({ server, fns }) => {
    const s = await fncache(['stats', '--redis', server.url, '--namespace', 'clitest', '--json'])
    assert.is(s.code, 0, s.stderr)
    assert.is(s.json().entries, 8)
    assert.equal(s.json().groups.map((g: any) => [g.functionId, g.entries]), [['src/users.ts#getUser', 5], ['src/posts.ts#getPost', 3]])
    assert.match(s.json().target, /^redis redis:\/\/127\.0\.0\.1:\d+ \(namespace clitest\)$/)
    const human = await fncache(['stats', '--redis', server.url, '--namespace', 'clitest'])
    assert.match(human.stdout, /^src\/users\.ts#getUser\s+5\s/m)
    const from = Date.now()
    const l = (await fncache(['ls', '--redis', server.url, '--namespace', 'clitest', '--prefix', 'src/users.ts#getUser:', '--json'])).json()
    const ran = { from, to: Date.now() }
    assert.is(l.total, 5)
    for (const e of l.entries) {
      // Bounded by clock readings around the fill and the ls, not by a guess at how long they take.
      assert.is(checkUserTimes(e, fns.filled, ran), undefined)
      assert.ok(e.size > 0 && e.tags.includes('users'))
    }
    // Another namespace on the same server is another cache.
    assert.is((await fncache(['stats', '--redis', server.url, '--json'])).json().entries, 0)
  })

  cli('FNCACHE_REDIS_URL stands in for --redis', async ({ server }) => {
    const r = await fncache(['stats', '--namespace', 'clitest', '--json'], { env: { FNCACHE_REDIS_URL: server.url } })
    assert.is(r.json().entries, 8)
  })

  cli('invalidate --tag and --prefix: the filling process misses those entries next time', async ({ server, fns }) => {
    const before = { ...calls }
    await fns.getUser('4'); await fns.getPost(1)
    assert.equal(calls, before, 'hits before')
    const r = await fncache(['invalidate', '--redis', server.url, '--namespace', 'clitest', '--tag', 'user:4', '--prefix', 'src/posts.ts#', '--json'])
    assert.is(r.code, 0, r.stderr)
    assert.equal(r.json().removed, { tags: 1, prefixes: 3 })
    await fns.getUser('4'); await fns.getPost(1); await fns.getUser('5')
    assert.equal(calls, { user: before.user + 1, post: before.post + 1 })
  })

  cli('a foreign value under the namespace is listed as unreadable', async ({ server }) => {
    server.cli('SET', 'clitest:v:junk', 'hello')
    const l = (await fncache(['ls', '--redis', server.url, '--namespace', 'clitest', '--json'])).json()
    assert.ok(l.entries.some((e: any) => e.key === 'junk' && e.corrupt))
  })

  cli('clear --yes removes entries and tag sets of the namespace only', async ({ server }) => {
    server.cli('SET', 'other:v:keep', 'x')
    const r = await fncache(['clear', '--redis', server.url, '--namespace', 'clitest', '--yes'])
    assert.is(r.code, 0, r.stderr)
    // Only the invalidation stamps stay (clitest:z): a computation in flight cannot write back.
    assert.is(server.cli('--scan', '--pattern', 'clitest:*').trim(), 'clitest:z')
    assert.ok(Number(server.cli('ZSCORE', 'clitest:z', '>').trim()) > 0, 'clear stamped everything (prefix "")')
    assert.is(server.cli('GET', 'other:v:keep').trim(), 'x')
  })

  cli('a server that does not answer (SIGSTOP) fails with exit 3 within the timeout', async ({ server }) => {
    server.pause()
    try {
      // The message names the 300 ms that fired (not the 2 s default); the CLI's start-up (tsx)
      // takes seconds under load, so the wall bound only proves it exits rather than hangs: the
      // child is killed (code -1) past 60 s, 200 times --timeout.
      const r = await fncache(['stats', '--redis', server.url, '--timeout', '300'], { deadlineMs: 60_000 })
      assert.is(r.code, 3, r.stderr)
      assert.match(r.stderr, /\[E_UNREACHABLE\] the Redis server at 127\.0\.0\.1:\d+ did not answer within 300 ms/)
    } finally {
      server.resume()
    }
  })

  cli.run()
}

// ---

const errors = suite('redis errors')

errors('a bad URL exits 3 before any I/O', async () => {
  for (const url of ['not a url', 'http://127.0.0.1:6379', 'redis://127.0.0.1:6379/zero']) {
    const r = await fncache(['stats', '--redis', url, '--json'])
    assert.is(r.code, 3, url)
    assert.is(r.json().error.code, 'E_BAD_URL', url)
  }
})

errors('a closed port exits 3 naming the socket error', async () => {
  const r = await fncache(['ls', '--redis', 'redis://127.0.0.1:1', '--timeout', '500'])
  assert.is(r.code, 3)
  assert.match(r.stderr, /E_UNREACHABLE.*ECONNREFUSED/)
})

errors.run()
