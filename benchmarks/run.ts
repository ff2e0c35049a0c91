// Runs the scenarios in benchmarks/scenarios/ (all, or those whose file name matches the filter
// regex given as the first argument), prints one table each and writes every figure to
// benchmarks/.scratch/last.json. Started by scripts/bench.mjs (`npm run bench [filter]`).
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { availableParallelism } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { ROUNDS, ROUND_MS, type Scenario, type ScenarioResult, errText, printTable } from './harness.js'
import { judge, printTargets } from './targets.js'

const here = dirname(fileURLToPath(import.meta.url))
const filter = process.argv[2] ? new RegExp(process.argv[2]) : null
const files = readdirSync(join(here, 'scenarios')).filter((f) => /^\d.*\.ts$/.test(f)).sort()
  .filter((f) => !filter || filter.test(f))

if (typeof (globalThis as any).gc !== 'function') console.warn('warning: run with --expose-gc (npm run bench does) or GC noise lands in the timings')

const cpu = /model name\s*:\s*(.*)/.exec(safeRead('/proc/cpuinfo'))?.[1] ?? 'unknown'
const meta = {
  date: new Date().toISOString(),
  node: process.version,
  cpu,
  cores: availableParallelism(),
  rounds: ROUNDS,
  roundMs: ROUND_MS,
}
console.log(`fncache benchmarks: ${meta.date.slice(0, 10)}, node ${meta.node}, ${meta.cores} cores, ${meta.cpu}`)
console.log(`interleaved: ${meta.rounds} rounds x ~${meta.roundMs} ms per contender after warm-up; median ops/s; ratio = ops / reference ops`)

const all: ScenarioResult[] = []
const failures: string[] = []
const t0 = performance.now()
for (const f of files) {
  const started = performance.now()
  let scenario: Scenario
  try {
    scenario = (await import(pathToFileURL(join(here, 'scenarios', f)).href)).default
    const results = await scenario.run()
    for (const r of results) { printTable(r); all.push(r) }
  } catch (e) {
    failures.push(`${f}: ${errText(e)}`)
    console.log(`\n## ${f}: CRASHED: ${e instanceof Error ? e.stack : e}`)
  }
  console.log(`  (${f}: ${((performance.now() - started) / 1000).toFixed(1)} s)`)
}

const targets = judge(all)
printTargets(targets)

mkdirSync(join(here, '.scratch'), { recursive: true })
writeFileSync(join(here, '.scratch', 'last.json'), JSON.stringify({ meta, results: all, targets, failures }, null, 2) + '\n')
const failedRows = all.flatMap((r) => r.rows.filter((x) => x.error && !x.error.startsWith('skipped')).map((x) => `${r.id} ${x.name}: ${x.error}`))
console.log(`\n${all.length} tables in ${((performance.now() - t0) / 1000).toFixed(0)} s; figures in benchmarks/.scratch/last.json`)
if (failedRows.length) console.log(`contenders that failed validation or crashed:\n  ${failedRows.join('\n  ')}`)
if (failures.length) console.log(`scenarios that crashed:\n  ${failures.join('\n  ')}`)
// Some peers keep timers or sockets open (bus, ttl sweeps); the figures are written, so leave.
process.exit(failures.length ? 1 : 0)

function safeRead(p: string): string { try { return readFileSync(p, 'utf8') } catch { return '' } }
