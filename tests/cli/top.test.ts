// `fncache top` against a real running process (its configure({ inspect }) endpoint): --json,
// --once, bad input and hostile servers, and the live view under a real terminal (tmux).
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { createServer, type Server } from 'node:http'
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fncache, ROOT } from './run.js'

const TSX = import.meta.resolve('tsx')
const APP = join(ROOT, 'tests/fixtures/top/app.ts')

/** Starts the fixture app; resolves with its inspect port. */
function startApp(): Promise<{ child: ChildProcess; port: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--conditions=fncache-source', '--import', TSX, APP], { cwd: ROOT, stdio: ['pipe', 'pipe', 'inherit'] })
    let out = ''
    const timer = setTimeout(() => { child.kill(); reject(new Error(`app did not start: ${out}`)) }, 60_000)
    child.stdout!.on('data', (d) => {
      out += d
      const m = /\{"port":(\d+)\}/.exec(out)
      if (m) { clearTimeout(timer); resolve({ child, port: Number(m[1]) }) }
    })
    child.on('exit', (code) => { clearTimeout(timer); reject(new Error(`app exited ${code}: ${out}`)) })
  })
}

function stopApp(child: ChildProcess): Promise<void> {
  return new Promise((r) => { child.removeAllListeners('exit'); child.once('exit', () => r()); child.kill('SIGTERM') })
}

/** A local HTTP server answering with `handler`; resolves with its URL. */
async function serve(handler: Parameters<typeof createServer>[1]): Promise<{ server: Server; url: string }> {
  const server = createServer(handler)
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()))
  return { server, url: `http://127.0.0.1:${(server.address() as { port: number }).port}/metrics` }
}
const close = (s: Server) => new Promise<void>((r) => { s.closeAllConnections(); s.close(() => r()) })

// ---

const running = suite('top against a running process')
let app: { child: ChildProcess; port: number }
running.before(async () => { app = await startApp() })
running.after(async () => { await stopApp(app.child) })

running('--json: functions sorted by time saved, with hit rate, latency quantiles and entries', async () => {
  const r = await fncache(['top', '--port', String(app.port), '--json'])
  assert.is(r.code, 0, r.stderr)
  const doc = r.json()
  assert.is(doc.source, `http://127.0.0.1:${app.port}/metrics`)
  const rows = doc.functions as any[]
  assert.equal(rows.map((x) => x.function), ['src/app.ts#report', 'src/app.ts#user', 'src/app.ts#price'])
  const [report, user, price] = rows
  assert.ok(Math.abs(report.timeSaved - 0.96) < 1e-9, String(report.timeSaved))
  assert.ok(Math.abs(user.timeSaved - 0.2) < 1e-9, String(user.timeSaved))
  assert.is(price.timeSaved, 0)
  assert.equal([report.hits, report.misses, report.hitRate], [8, 2, 0.8])
  assert.equal([user.entries, price.entries, price.errors], [10, 250, 0])
  // 120 ms lies in (65.536 ms, 131.072 ms]; 5 ms in (4.096 ms, 8.192 ms]
  assert.ok(report.p50 > 0.065536 && report.p50 <= 0.131072, String(report.p50))
  assert.ok(user.p99 > 0.004096 && user.p99 <= 0.008192, String(user.p99))
})

running('--once: one table, the same order, then exit 0', async () => {
  const r = await fncache(['top', '--url', `http://127.0.0.1:${app.port}/metrics`, '--once'])
  assert.is(r.code, 0, r.stderr)
  const lines = r.stdout.split('\n')
  assert.match(lines[0]!, /^3 functions, time saved 1\.16s, hit rate /)
  const header = lines.find((l) => l.startsWith('FUNCTION'))!
  for (const col of ['SAVED', 'HIT RATE', 'P50 MISS', 'P99 MISS', 'ENTRIES', 'AVG ENTRY', 'ERRORS']) assert.ok(header.includes(col), col)
  const order = lines.filter((l) => l.startsWith('src/app.ts#')).map((l) => l.split(/\s+/)[0])
  assert.equal(order, ['src/app.ts#report', 'src/app.ts#user', 'src/app.ts#price'])
  assert.match(lines.find((l) => l.startsWith('src/app.ts#report'))!, /^src\/app\.ts#report\s+960\.0ms\s+80\.0%\s+8\s+2\s/)
})

running('--limit keeps the first rows', async () => {
  const r = await fncache(['top', '--port', String(app.port), '--json', '--limit', '1'])
  assert.equal(r.json().functions.map((x: any) => x.function), ['src/app.ts#report'])
})

// ---

const hasTmux = spawnSync('tmux', ['-V']).status === 0
const tmuxSuite = suite('top in a real terminal (tmux)')
tmuxSuite.before(async () => { app = await startApp() })
tmuxSuite.after(async () => { await stopApp(app.child) })

tmuxSuite('starts, draws the table, refreshes, quits on q with exit 0', async () => {
  if (!hasTmux) {
    if (process.env.CI === 'true') assert.unreachable('tmux is not installed (apt-get install -y tmux)')
    console.warn('\n*** NOTICE: tmux is not installed; the terminal test of fncache top is skipped.\n')
    return
  }
  const dir = mkdtempSync(join(tmpdir(), 'fncache-top-'))
  const session = `fncache-top-${process.pid}`
  const tmux = (...args: string[]) => spawnSync('tmux', ['-L', session, ...args], { encoding: 'utf8' })
  const status = join(dir, 'status')
  const cmd = `${process.execPath} --conditions=fncache-source --import ${TSX} ${join(ROOT, 'cli/index.ts')} top --port ${app.port} --interval 0.3; echo "exit=$?" > ${status}`
  const screen = () => tmux('capture-pane', '-p', '-t', session).stdout
  const until = async (what: string, ok: () => boolean) => {
    for (let i = 0; i < 600 && !ok(); i++) await new Promise((r) => setTimeout(r, 100))
    assert.ok(ok(), `${what}; screen:\n${screen()}`)
  }
  try {
    assert.is(tmux('new-session', '-d', '-s', session, '-x', '160', '-y', '30', 'sh', '-c', cmd).status, 0)
    await until('the table appears', () => screen().includes('src/app.ts#price'))
    const rows = screen().split('\n')
    assert.match(rows[0]!, /^fncache top {2}http:\/\/127\.0\.0\.1:\d+\/metrics {2}every 0\.3s {2}\d\d:\d\d:\d\d {2}\(q: quit\)/)
    assert.equal(rows.filter((l) => l.startsWith('src/app.ts#')).map((l) => l.split(/\s+/)[0]), ['src/app.ts#report', 'src/app.ts#user', 'src/app.ts#price'])
    assert.match(rows.find((l) => l.startsWith('FUNCTION'))!, /^FUNCTION\s+SAVED\s+SAVED\/S\s+HIT RATE/, 'live mode adds seconds saved per second')
    const clock = rows[0]!.match(/\d\d:\d\d:\d\d/)![0]
    await until('the view refreshes', () => (screen().split('\n')[0]!.match(/\d\d:\d\d:\d\d/)?.[0] ?? clock) !== clock)
    tmux('send-keys', '-t', session, 'q')
    await until('top exits after q', () => existsSync(status) && readFileSync(status, 'utf8').includes('exit='))
    assert.is(readFileSync(status, 'utf8').trim(), 'exit=0')
  } finally {
    tmux('kill-server')
    rmSync(dir, { recursive: true, force: true })
  }
})

// ---

const bad = suite('top: bad input and hostile servers')

bad('usage errors exit 2 and name the option', async () => {
  let r = await fncache(['top'])
  assert.is(r.code, 2)
  assert.match(r.stderr, /--url .*--port N/)
  r = await fncache(['top', '--url', 'ftp://127.0.0.1/metrics'])
  assert.equal([r.code, /must be http or https; received ftp/.test(r.stderr)], [2, true])
  r = await fncache(['top', '--url', 'http://user:hunter2@[bad', '--once'])
  assert.is(r.code, 2)
  assert.not.match(r.stderr, /hunter2/)
  r = await fncache(['top', '--port', '1', '--interval', '0'])
  assert.equal([r.code, /--interval must be a number >= 0.2/.test(r.stderr)], [2, true])
  r = await fncache(['top', '--port', '1', '--bogus'])
  assert.is(r.code, 2)
})

bad('credentials are sent as a header and never printed; unreachable exits 3', async () => {
  let auth = ''
  const { server, url } = await serve((req, res) => { auth = String(req.headers.authorization); res.writeHead(500); res.end() })
  try {
    const withCreds = url.replace('http://', 'http://ops:hunter2@') + '?token=abc123'
    const r = await fncache(['top', '--url', withCreds, '--once'])
    assert.is(r.code, 4)
    assert.is(auth, 'Basic ' + Buffer.from('ops:hunter2').toString('base64'))
    assert.match(r.stderr, /http:\/\/\*\*\*@127\.0\.0\.1:\d+\/metrics\?token=\*\*\* answered 500/)
    assert.not.match(r.stdout + r.stderr, /hunter2|abc123/)
  } finally {
    await close(server)
  }
  const r = await fncache(['top', '--url', 'http://ops:hunter2@127.0.0.1:1/metrics', '--json'])
  assert.is(r.code, 3)
  assert.equal(JSON.parse(r.stdout).error.code, 'E_UNREACHABLE')
  assert.not.match(r.stdout + r.stderr, /hunter2/)
})

bad('bounded: a server that never answers times out (exit 3); oversize and garbage exit 2; redirects are not followed', async () => {
  const { server, url } = await serve((req, res) => {
    if (req.url === '/slow') return // never answers
    if (req.url === '/declared') { res.writeHead(200, { 'content-length': String(17 * 1024 * 1024) }); return res.write('fncache_') }
    if (req.url === '/big') {
      res.writeHead(200)
      const chunk = Buffer.alloc(1024 * 1024, 'a')
      for (let i = 0; i < 17; i++) res.write(chunk)
      return res.end()
    }
    if (req.url === '/garbage') { res.writeHead(200); return res.end('fncache_hits_total{function="a" 1\n') }
    res.writeHead(302, { location: 'http://127.0.0.1:1/elsewhere' })
    res.end()
  })
  const base = url.replace('/metrics', '')
  try {
    let r = await fncache(['top', '--url', `${base}/slow`, '--timeout', '300', '--once'])
    assert.equal([r.code, /no answer within 300 ms/.test(r.stderr)], [3, true], r.stderr)
    r = await fncache(['top', '--url', `${base}/declared`, '--once'])
    assert.equal([r.code, /sent 17825792 bytes; top reads at most 16777216/.test(r.stderr)], [2, true], r.stderr)
    // a generous timeout, so that the size bound is what stops the read even on a loaded machine
    r = await fncache(['top', '--url', `${base}/big`, '--once', '--timeout', '120000'])
    assert.equal([r.code, /more than 16777216 bytes/.test(r.stderr)], [2, true], r.stderr)
    r = await fncache(['top', '--url', `${base}/garbage`, '--once'])
    assert.equal([r.code, /did not answer Prometheus text: line 1: bad label name/.test(r.stderr)], [2, true], r.stderr)
    r = await fncache(['top', '--url', `${base}/moved`, '--once'])
    assert.equal([r.code, /answered 302 \(redirects are not followed\)/.test(r.stderr)], [4, true], r.stderr)
  } finally {
    await close(server)
  }
})

running.run()
tmuxSuite.run()
bad.run()
