// `npm run soak`: 4 processes for 60 s over one shared file directory, one Redis and a tiered
// memory-over-Redis backend (plus a memory backend each), and one more process that invalidates
// through the CLI; then a summary per backend. Fails on any error, any value served after its
// tag's invalidation resolved (stored before it, or written late), or heap growth of 10% or more
// after warm-up. Options: --seconds N, --procs N, --heap-limit PERCENT, --no-cli, --backends tier,shared
// (only those: mem, disk, shared, tier), --read-write
// (2 readers and 1 writer instead: the stale-read check; `npm run soak -- --read-write --seconds 20`).
// tests/hardening/soak.test.ts runs a 10 s version.

import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { startRedis } from '../tests/helpers/redis-server.js'

export interface SoakOptions {
  seconds: number
  procs: number
  heapLimit: number
  cli?: boolean
  /** 2 readers and 1 writer (instead of `procs` mixed processes and the CLI): the stale-read check. */
  readWrite?: boolean
  /** Only these backends (of mem, disk, shared, tier), e.g. ['tier'] to chase a tiered problem; default all. */
  backends?: string[]
}
export interface SoakResult { ok: boolean; problems: string[]; workers: any[]; summary: string }

const WORKER = fileURLToPath(new URL('./worker.ts', import.meta.url))

export async function runSoak(o: SoakOptions): Promise<SoakResult> {
  const server = await startRedis()
  const dir = mkdtempSync(join(tmpdir(), 'fncache-soak-'))
  try {
    // The CLI (and the writer) invalidate shared backends only: none selected, no such process.
    const shared = o.backends === undefined || o.backends.some((b) => b !== 'mem')
    if (!shared && o.readWrite) throw new Error('runSoak: --read-write needs a shared backend (disk, shared or tier) in --backends')
    const roles = o.readWrite ? ['reader', 'reader', 'writer'] : [...Array.from({ length: o.procs }, () => 'app'), ...(o.cli === false || !shared ? [] : ['cli'])]
    const workers = await Promise.all(roles.map((role, i) => new Promise<any>((resolve) => {
      const child = spawn(process.execPath, ['--expose-gc', '--conditions=fncache-source', '--import', 'tsx', WORKER], {
        env: { ...process.env, SOAK_ID: String(i), SOAK_ROLE: role, SOAK_MS: String(o.seconds * 1000), SOAK_DIR: dir, REDIS_URL: server.url, SOAK_BACKENDS: (o.backends ?? []).join(',') },
        stdio: ['ignore', 'pipe', 'pipe'],
      })
      let out = ''
      let err = ''
      child.stdout.on('data', (d) => { out += d })
      child.stderr.on('data', (d) => { err += d })
      // Only against a hung worker: on a loaded 2-core machine, starting 5 tsx processes alone can
      // take a minute (a 60 s margin killed healthy workers there, reported as "exit null").
      let killed = false
      const limit = o.seconds * 1000 + 180_000
      const kill = setTimeout(() => { killed = true; child.kill('SIGKILL') }, limit)
      child.on('close', (code, signal) => {
        clearTimeout(kill)
        const line = out.split('\n').find((l) => l.startsWith('SOAK '))
        const how = killed ? `killed after ${limit / 1000} s (hung?)` : signal !== null ? `killed by ${signal}` : `exit ${code}`
        resolve(line ? JSON.parse(line.slice(5)) : { id: i, crashed: `${how}: ${err.slice(-2000)}` })
      })
    })))
    const problems: string[] = []
    for (const w of workers) {
      if (w.crashed) { problems.push(`worker ${w.id} crashed: ${w.crashed}`); continue }
      if (w.thrown > 0 || w.errors.length > 0) problems.push(`worker ${w.id}: ${w.thrown} calls threw; errors: ${w.errors.join(' / ')}`)
      if (w.violations > 0) problems.push(`worker ${w.id}: ${w.violations} values served after their tag's invalidation resolved: ${w.samples.join(' / ')}`)
      if (w.overlaps > 0) problems.push(`worker ${w.id}: ${w.overlaps} late writes served after their tag's invalidation resolved`)
      if (w.role === 'app' && w.growth * 100 >= o.heapLimit) problems.push(`worker ${w.id}: heap grew ${(w.growth * 100).toFixed(1)}% after warm-up (limit ${o.heapLimit}%)`)
    }
    const ok = workers.filter((w) => !w.crashed)
    const sum = (k: string) => ok.reduce((n, w) => n + w[k], 0)
    const per = (b: string, k: string) => ok.reduce((n, w) => n + (w.per?.[b]?.[k] ?? 0), 0)
    const summary = [
      `soak: ${o.readWrite ? '2 readers + 1 writer' : `${o.procs} processes${o.cli === false ? '' : ' + 1 CLI process'}`} x ${o.seconds} s over memory, file, Redis and tiered (memory L1 over Redis)`,
      `  operations ${sum('ops')} (reads ${sum('reads')}, tag invalidations ${sum('invalidations')}); hits ${sum('hits')}, misses ${sum('misses')}, evictions ${sum('evictions')}`,
      `  CLI tag invalidations ${sum('cliInvalidations')}; errors ${ok.reduce((n, w) => n + w.thrown + w.errors.length, 0)}`,
      `  values served after their tag's invalidation resolved (stored before it / late writes of computations in flight during it, or for tiered an L1 copy), per backend:`,
      ...['mem', 'disk', 'shared', 'tier'].map((b) => `    ${({ mem: 'memory', disk: 'file', shared: 'Redis', tier: 'tiered' } as Record<string, string>)[b]!.padEnd(7)} ${per(b, 'stale')} of ${per(b, 'reads')} reads (${per(b, 'bug')} / ${per(b, 'late')})`),
      `  heap growth after warm-up: ${ok.filter((w) => w.role === 'app').map((w) => `${(w.growth * 100).toFixed(1)}% (${(w.heapBase / 1e6).toFixed(1)} -> ${(w.heapEnd / 1e6).toFixed(1)} MB)`).join(', ')}`,
      problems.length ? `FAIL\n  ${problems.join('\n  ')}` : 'ok',
    ].join('\n')
    return { ok: problems.length === 0, problems, workers, summary }
  } finally {
    await server.stop()
    rmSync(dir, { recursive: true, force: true })
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const arg = (name: string, dflt: number) => {
    const i = process.argv.indexOf(`--${name}`)
    return i >= 0 ? Number(process.argv[i + 1]) : dflt
  }
  const r = await runSoak({ seconds: arg('seconds', 60), procs: arg('procs', 4), heapLimit: arg('heap-limit', 10), cli: !process.argv.includes('--no-cli'), readWrite: process.argv.includes('--read-write'), backends: process.argv.includes('--backends') ? process.argv[process.argv.indexOf('--backends') + 1]!.split(',') : undefined })
  console.log(r.summary)
  process.exitCode = r.ok ? 0 : 1
}
