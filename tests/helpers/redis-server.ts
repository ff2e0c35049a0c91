// Real redis-server processes for tests: standalone servers and a 3-master cluster on free
// loopback ports, with no persistence, in a temp dir, stopped by pid (in after hooks, and on
// process exit whatever happens). When the binary is missing the Redis suites skip with a loud
// notice, except with CI=true or FNCACHE_REQUIRE_REDIS=1, where that is a failure.

import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { createServer, connect } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

const live = new Set<ChildProcess>()
let hooked = false
function hookExit(): void {
  if (hooked) return
  hooked = true
  const killAll = () => { for (const p of live) { try { p.kill('SIGKILL') } catch {} } }
  process.on('exit', killAll)
  for (const sig of ['SIGINT', 'SIGTERM'] as const) process.once(sig, () => { killAll(); process.exit(130) })
}

/** Why a test file skipped itself; scripts/test-file.mjs reports these to scripts/test.mjs. */
const SKIPS = Symbol.for('fncache.test.skips')

export function redisBinary(): boolean {
  return spawnSync('redis-server', ['--version'], { stdio: 'ignore' }).status === 0
}

/**
 * True when Redis tests can run. Otherwise prints a loud `!! SKIPPED:` notice, records it where
 * scripts/test-file.mjs reads it (the file counts as skipped), and returns false; or throws under
 * CI=true / FNCACHE_REQUIRE_REDIS=1.
 */
export function redisOrSkip(name: string): boolean {
  if (redisBinary()) return true
  const required = process.env.CI === 'true' || process.env.FNCACHE_REQUIRE_REDIS === '1'
  const msg = `redis-server is not on PATH: the Redis tests of ${name} cannot run. Install it (apt-get install -y redis-server).`
  if (required) throw new Error(`${msg} CI=true or FNCACHE_REQUIRE_REDIS=1 makes this a failure.`)
  console.warn(`\n${'!'.repeat(78)}\n!! SKIPPED: ${msg}\n${'!'.repeat(78)}\n`)
  const g = globalThis as { [SKIPS]?: string[] }
  ;(g[SKIPS] ??= []).push(msg)
  return false
}

async function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = createServer()
    srv.once('error', () => resolve(false))
    srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)))
  })
}

/** A free port whose cluster bus port (+10000) is free too. */
async function freePort(): Promise<number> {
  for (let i = 0; i < 200; i++) {
    const p = 20_000 + Math.floor(Math.random() * 35_000)
    if (await portFree(p) && await portFree(p + 10_000)) return p
  }
  throw new Error('no free loopback port for redis-server')
}

/** Sends one inline command over a raw socket; resolves with the first reply line. */
export function rawCommand(port: number, command: string, timeoutMs = 1000): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = connect(port, '127.0.0.1')
    let buf = ''
    const t = setTimeout(() => { s.destroy(); reject(new Error('timeout')) }, timeoutMs)
    s.on('connect', () => s.write(command + '\r\n'))
    s.on('data', (d) => {
      buf += d
      const eol = buf.indexOf('\r\n')
      if (eol === -1) return
      // A bulk reply ($<len>) is complete once its body has arrived.
      if (buf[0] === '$' && Buffer.byteLength(buf) < eol + 2 + Number(buf.slice(1, eol)) + 2) return
      clearTimeout(t); s.end(); resolve(buf)
    })
    s.on('error', (e) => { clearTimeout(t); reject(e) })
  })
}

async function until(what: string, ms: number, ok: () => Promise<boolean>): Promise<void> {
  const end = Date.now() + ms
  for (;;) {
    try { if (await ok()) return } catch {}
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 25))
  }
}

export class RedisServer {
  proc: ChildProcess | undefined
  constructor(readonly port: number, readonly dir: string, readonly args: string[]) {}

  get url(): string { return `redis://127.0.0.1:${this.port}` }
  get pid(): number | undefined { return this.proc?.pid }

  async start(): Promise<this> {
    hookExit()
    const proc = spawn('redis-server', [
      '--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no',
      '--dir', this.dir, '--protected-mode', 'no', '--daemonize', 'no', '--loglevel', 'warning',
      ...this.args,
    ], { stdio: ['ignore', 'ignore', 'inherit'] })
    this.proc = proc
    live.add(proc)
    proc.once('exit', () => live.delete(proc))
    await until(`redis-server on port ${this.port}`, 30_000, async () => {
      if (proc.exitCode !== null) throw new Error(`redis-server exited with ${proc.exitCode}`)
      return /^(\+PONG|-NOAUTH)/.test(await rawCommand(this.port, 'PING', 300))
    })
    return this
  }

  /** SIGKILL by pid; resolves once the process is gone. */
  async kill(): Promise<void> {
    const p = this.proc
    if (p === undefined || p.exitCode !== null || p.signalCode !== null) return
    const gone = new Promise((r) => p.once('exit', r))
    process.kill(p.pid!, 'SIGKILL')
    await gone
    this.proc = undefined
  }

  /** Freezes the server (SIGSTOP): connections stay open, nothing answers. */
  pause(): void { process.kill(this.proc!.pid!, 'SIGSTOP') }
  resume(): void { process.kill(this.proc!.pid!, 'SIGCONT') }

  async restart(): Promise<void> {
    await this.kill()
    await this.start()
  }

  async stop(): Promise<void> {
    if (this.proc !== undefined) {
      try { this.resume() } catch {}
    }
    await this.kill()
  }

  /** Runs redis-cli against this server; returns stdout. */
  cli(...args: string[]): string {
    const r = spawnSync('redis-cli', ['-p', String(this.port), ...args], { encoding: 'utf8' })
    if (r.status !== 0) throw new Error(`redis-cli ${args.join(' ')}: ${r.stderr}`)
    return r.stdout
  }
}

const dirs: string[] = []
process.on('exit', () => { for (const d of dirs) { try { rmSync(d, { recursive: true, force: true }) } catch {} } })

function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'fncache-redis-'))
  dirs.push(d)
  return d
}

/** Starts a standalone redis-server on a free loopback port. */
export async function startRedis(args: string[] = []): Promise<RedisServer> {
  for (let attempt = 0; ; attempt++) {
    const s = new RedisServer(await freePort(), tempDir(), args)
    try {
      return await s.start()
    } catch (e) {
      await s.kill()
      if (attempt >= 2) throw e
    }
  }
}

export interface RedisCluster {
  nodes: RedisServer[]
  /** `{ host, port }` of every master, for `new Cluster(...)`. */
  startup: { host: string; port: number }[]
  stop(): Promise<void>
}

/** Starts three masters with cluster mode on and joins them with `redis-cli --cluster create`. */
export async function startCluster(): Promise<RedisCluster> {
  const nodes = await Promise.all([0, 1, 2].map(() => startRedis(['--cluster-enabled', 'yes', '--cluster-config-file', 'nodes.conf', '--cluster-node-timeout', '2000'])))
  const stop = async () => { await Promise.all(nodes.map((n) => n.stop())) }
  try {
    const r = spawnSync('redis-cli', ['--cluster', 'create', ...nodes.map((n) => `127.0.0.1:${n.port}`), '--cluster-replicas', '0', '--cluster-yes'], { encoding: 'utf8' })
    if (r.status !== 0) throw new Error(`redis-cli --cluster create failed: ${r.stdout}${r.stderr}`)
    await until('cluster_state:ok on every node', 60_000, async () => {
      const infos = await Promise.all(nodes.map((n) => rawCommand(n.port, 'CLUSTER INFO')))
      return infos.every((i) => i.includes('cluster_state:ok'))
    })
  } catch (e) {
    await stop()
    throw e
  }
  return { nodes, startup: nodes.map((n) => ({ host: '127.0.0.1', port: n.port })), stop }
}
