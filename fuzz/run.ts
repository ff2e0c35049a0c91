// `npm run fuzz`: the long fuzz runs. 100,000 record cases per backend (file, Redis) and 20,000
// mutated sources through both transforms, each target in its own process with a stall watchdog
// (no progress for 60 s: killed and reported as a hang). Options: --cases N (records per backend),
// --sources N, --seed S, --only file|redis|transforms.
import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'

const arg = (name: string, dflt: string) => {
  const i = process.argv.indexOf(`--${name}`)
  return i >= 0 ? process.argv[i + 1]! : dflt
}
const cases = Number(arg('cases', '100000'))
const sources = Number(arg('sources', '20000'))
const seed = Number(arg('seed', String(Date.now() % 1e6)))
const only = arg('only', '')
const role = arg('role', '')

if (role !== '') {
  // A child: one target, progress lines on stdout, the report as the last line.
  const progress = (n: number) => console.log(`progress ${n}`)
  let report: unknown
  if (role === 'file') {
    const { fuzzFile } = await import('./records.js')
    report = await fuzzFile({ cases, seed, onProgress: progress })
  } else if (role === 'redis') {
    const { fuzzRedis } = await import('./records.js')
    const { startRedis } = await import('../tests/helpers/redis-server.js')
    const server = await startRedis()
    try {
      report = await fuzzRedis({ cases, seed, url: server.url, onProgress: progress })
    } finally {
      await server.stop()
    }
  } else {
    const { fuzzTransforms } = await import('./transforms.js')
    report = fuzzTransforms({ cases: sources, seed, onProgress: progress })
  }
  console.log('REPORT ' + JSON.stringify(report))
  process.exit(0)
}

const self = fileURLToPath(import.meta.url)
const STALL_MS = 60_000
function runChild(target: string): Promise<{ target: string; ok: boolean; report?: any; note?: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--conditions=fncache-source', '--import', 'tsx', self, '--role', target, '--cases', String(cases), '--sources', String(sources), '--seed', String(seed)],
      { stdio: ['ignore', 'pipe', 'pipe'] })
    let last = 'start'
    let out = ''
    let stalled = false
    let timer = setTimeout(stall, STALL_MS)
    function stall() {
      stalled = true
      child.kill('SIGKILL')
    }
    child.stdout.on('data', (d) => {
      out += d
      for (const line of String(d).split('\n')) if (line.startsWith('progress ')) {
        last = line
        process.stdout.write(`  ${target}: ${line.slice(9)}\r`)
        clearTimeout(timer)
        timer = setTimeout(stall, STALL_MS)
      }
    })
    child.stderr.on('data', (d) => { if (!/Warning|trace-warnings/.test(String(d))) process.stderr.write(d) })
    child.on('close', (code) => {
      clearTimeout(timer)
      const line = out.split('\n').find((l) => l.startsWith('REPORT '))
      if (stalled) return resolve({ target, ok: false, note: `no progress for ${STALL_MS / 1000} s after "${last}" (seed ${seed}): a hang` })
      if (!line) return resolve({ target, ok: false, note: `exited with ${code} without a report (seed ${seed})` })
      const report = JSON.parse(line.slice(7))
      resolve({ target, ok: report.failures.length === 0, report })
    })
  })
}

console.log(`fuzz: seed ${seed}, ${cases} record cases per backend, ${sources} sources`)
const targets = ['file', 'redis', 'transforms'].filter((t) => only === '' || only === t)
let failed = false
for (const t of targets) {
  const r = await runChild(t)
  if (!r.ok) failed = true
  const rep = r.report
  console.log(`${r.ok ? 'ok  ' : 'FAIL'} ${t}${rep ? `: ${rep.cases} cases in ${(rep.ms / 1000).toFixed(1)} s, slowest call ${rep.slowestMs} ms${rep.slowest ? ` (${rep.slowest})` : ''}` +
    (rep.slowestDecode ? `, slowest decode ${rep.slowestDecodeMs} ms (${rep.slowestDecode}, least of 5 re-runs)` : '') +
    (rep.served !== undefined ? `, ${rep.served} crafted records served` : `, babel ${JSON.stringify(rep.babel)}, swc ${JSON.stringify(rep.swc)}`) : ''}${r.note ? ` ${r.note}` : ''}`)
  for (const f of rep?.failures ?? []) console.log(JSON.stringify(f, null, 2))
}
process.exitCode = failed ? 1 : 0
