// examples/http-service, built as `npm run example` builds it: main.js prints the time the cache
// saved; and `fncache top --once` against the running server (server.js + load.js) lists its
// functions sorted by time saved.
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fncache, ROOT } from '../cli/run.js'

const work = mkdtempSync(join(tmpdir(), 'fncache-example-top-'))
process.on('exit', () => rmSync(work, { recursive: true, force: true }))
const app = join(work, 'app')

const example = suite('examples/http-service and fncache top')

example.before(() => {
  const r = spawnSync(process.execPath, ['scripts/example.mjs', 'http-service', '--build-only'], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, FNCACHE_EXAMPLE_WORK: work }, timeout: 180_000 })
  assert.is(r.status, 0, r.stdout + r.stderr)
})

example('main.js prints the time saved, per function, largest first', () => {
  const r = spawnSync(process.execPath, [join(app, 'http-service', 'main.js')], { cwd: app, encoding: 'utf8', timeout: 120_000 })
  assert.is(r.status, 0, r.stdout + r.stderr)
  const total = Number(/^time saved: (\d+\.\d\d) s in total$/m.exec(r.stdout)?.[1])
  const rows = [...r.stdout.matchAll(/^ {2}(http-service\/catalog\.ts#\w+): (\d+\.\d\d) s \((\d+) hits x (\d+\.\d) ms mean miss; p99 (\d+\.\d) ms\)$/gm)]
  assert.equal(rows.map((m) => m[1]).sort(), ['http-service/catalog.ts#loadProduct', 'http-service/catalog.ts#loadReviews'])
  const saved = rows.map((m) => Number(m[2]))
  assert.ok(saved[0]! >= saved[1]!, saved.join(' '))
  assert.ok(Math.abs(saved[0]! + saved[1]! - total) <= 0.011, `${saved} vs ${total}`)
  for (const m of rows) {
    // each hit is worth at least the function's own sleep (15 ms, 40 ms)
    const floor = m[1]!.endsWith('loadProduct') ? 15 : 40
    assert.ok(Number(m[4]) >= floor, m[0])
    assert.ok(Number(m[2]) >= (Number(m[3]) * floor) / 1000 - 0.01, m[0])
  }
})

example('fncache top --once against the running server: its functions sorted by time saved', async () => {
  const server: ChildProcess = spawn(process.execPath, [join(app, 'http-service', 'server.js')], { cwd: app, env: { ...process.env, PORT: '0' }, stdio: ['ignore', 'pipe', 'inherit'] })
  try {
    const base = await new Promise<string>((resolve, reject) => {
      let out = ''
      server.stdout!.on('data', (d) => { out += d; const m = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out); if (m) resolve(m[1]!) })
      server.on('exit', (code) => reject(new Error(`server exited ${code}: ${out}`)))
    })
    const load = spawnSync(process.execPath, [join(app, 'http-service', 'load.js'), base], { cwd: app, encoding: 'utf8', timeout: 120_000 })
    assert.is(load.status, 0, load.stdout + load.stderr)
    const once = await fncache(['top', '--once', '--url', `${base}/metrics`])
    assert.is(once.code, 0, once.stderr)
    console.log(`\n    fncache top --once --url ${base}/metrics\n${once.stdout.replace(/^/gm, '    ')}`)
    const json = (await fncache(['top', '--json', '--url', `${base}/metrics`])).json()
    const ids = json.functions.map((f: { function: string }) => f.function)
    assert.equal([...ids].sort(), ['http-service/catalog.ts#loadProduct', 'http-service/catalog.ts#loadReviews'])
    const saved = json.functions.map((f: { timeSaved: number }) => f.timeSaved)
    assert.ok(saved[0] >= saved[1] && saved[1] > 0, saved.join(' '))
    const printed = once.stdout.split('\n').filter((l) => l.startsWith('http-service/')).map((l) => l.split(/\s+/)[0])
    assert.equal(printed, ids, 'the table is in the same order as --json')
    assert.match(once.stdout, /^2 functions, time saved \d/m)
  } finally {
    server.kill('SIGTERM')
  }
})

example.run()
