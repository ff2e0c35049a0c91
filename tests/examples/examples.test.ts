// Each example, built and compiled as `npm run example` does (in a scratch folder of its own), run
// with plain node against real backends: a file directory, a real redis-server, a real HTTP port.
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { redisOrSkip, startRedis } from '../helpers/redis-server.js'

const ROOT = fileURLToPath(new URL('../..', import.meta.url))
const work = mkdtempSync(join(tmpdir(), 'fncache-examples-'))
process.on('exit', () => rmSync(work, { recursive: true, force: true }))

function run(name: string, env: Record<string, string> = {}): string {
  const r = spawnSync(process.execPath, ['--enable-source-maps', join(work, 'app', name, 'main.js')], {
    cwd: join(work, 'app'), encoding: 'utf8', env: { ...process.env, ...env }, timeout: 60_000,
  })
  assert.is(r.status, 0, `examples/${name} exited ${r.status}:\n${r.stdout}\n${r.stderr}`)
  return r.stdout
}

// ---

const build = suite('npm run example')

build('builds the package, compiles every example and runs those that need no server', () => {
  const r = spawnSync(process.execPath, ['scripts/example.mjs'], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, FNCACHE_EXAMPLE_WORK: work, REDIS_URL: '' }, timeout: 180_000 })
  assert.is(r.status, 0, r.stdout + r.stderr)
  assert.match(r.stdout, /── report ──/)
  for (const name of ['basic', 'decorators', 'file-backend', 'http-service', 'swc']) assert.match(r.stdout, new RegExp(`^  ${name}\\s+ok\\s`, 'm'))
  assert.match(r.stdout, /^  redis\s+skipped \(needs a server: set REDIS_URL\)/m)
  assert.match(r.stdout, /all 5 examples ran/)
})

build.run()

// ---

const each = suite('examples')

each('basic: the macro build caches, invalidates by tag, recurses through the cache', () => {
  const out = run('basic')
  assert.match(out, /getUser\("1"\) twice: Ada Ada \(1 query\)/)
  assert.match(out, /after invalidateTags\(\["user:1"\]\): Ada Lovelace \(2 queries\)/)
  assert.match(out, /fib\(40\) = 102334155 in 41 evaluations/)
})

each('decorators: @cached methods share hits across instances, invalidate by tag, keep tenants apart', () => {
  const out = run('decorators')
  assert.match(out, /getUser\("1"\) from two instances: acme acme \(1 query\)/)
  assert.match(out, /after invalidateTags\(\["user:1"\]\): globex \(2 queries\)/)
  assert.match(out, /search twice: 1 query/)
  assert.match(out, /plans: enterprise free enterprise \(2 queries: one per tenant\)/)
  assert.match(out, /id +decorators\/users\.service\.ts#UserService\.prototype\.getUser/)
  assert.match(out, /after invalidate\("1"\), peek: undefined/)
})

each('swc: the SWC transform gives ids and caching like the macro', () => {
  const out = run('swc')
  assert.match(out, /getPrice: 3 calls, 2 lookups; search: 2 calls, 1 lookup/)
  assert.match(out, /after invalidateTags\(\["sku:apple"\]\): 3 lookups/)
  assert.match(out, /swc\/catalog\.ts#getPrice\s+hits 1\s+misses 3/)
})

each('file-backend: the second run reads every result the first stored, from a real directory', () => {
  const dir = join(work, 'file-cache')
  const out = run('file-backend', { FNCACHE_EXAMPLE_DIR: dir })
  assert.match(out, /first run : 5 reports \(sum 110035\) in \d+ ms; computed 5, hits 0, misses 5/)
  assert.match(out, /second run: 5 reports \(sum 110035\) in \d+ ms; computed 0, hits 5, misses 0/)
  // What is on disk is what the CLI sees.
  const cli = spawnSync(process.execPath, ['--conditions=fncache-source', '--import', 'tsx', join(ROOT, 'cli/index.ts'), 'stats', '--dir', dir, '--json'], { cwd: ROOT, encoding: 'utf8' })
  const stats = JSON.parse(cli.stdout)
  assert.is(stats.entries, 5)
  assert.equal(stats.groups.map((g: { functionId: string }) => g.functionId), ['file-backend/report.ts#report'])
})

each('http-service: the hit rate rises round by round; /metrics is Prometheus text', () => {
  const out = run('http-service')
  const rates = [...out.matchAll(/hit rate so far\s+([\d.]+)%/g)].map((m) => Number(m[1]))
  assert.is(rates.length, 5)
  for (let i = 1; i < rates.length; i++) assert.ok(rates[i]! > rates[i - 1]!, rates.join(' '))
  assert.match(out, /^  fncache_hits_total\{function="http-service\/catalog\.ts#loadProduct",backend="default"\} \d+$/m)
  assert.match(out, /database reads: \d+ for 400 requests/)
  // The product page's 25 products: one query each, or one query for all with cached.batch.
  assert.match(out, /product page, cold, one query per product: 25 database queries in \d+ ms/)
  assert.match(out, /product page, cold, batched \(cached\.batch\): 1 database query in \d+ ms/)
})

each.run()

// ---

if (redisOrSkip('examples/redis')) {
  const shared = suite('examples/redis')
  shared('two processes share one Redis cache: B reads A\'s entry, B invalidates, A misses', async () => {
    const server = await startRedis()
    try {
      const out = run('redis', { REDIS_URL: server.url })
      assert.match(out, /process A: get apple\s+-> miss \(computed, stored\)/)
      assert.match(out, /process B: get apple\s+-> hit \(from Redis\)/)
      assert.match(out, /process B: invalidate sku:apple\s+-> removed 1/)
      assert.match(out, /A missed after B invalidated/)
      assert.is(server.cli('--scan', '--pattern', 'fncache-example-*:v:*').trim(), '', 'the example cleans up its entries')
    } finally {
      await server.stop()
    }
  })
  shared.run()
}
