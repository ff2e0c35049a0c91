// Prints benchmarks/.scratch/last.json (written by the last `npm run bench`) as Markdown tables,
// for README.md and closing notes: node --import tsx benchmarks/report.ts [id-regex] [file.json]
import { readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { type ScenarioResult, fmtNum, fmtOps, fmtRatio } from './harness.js'

const here = dirname(fileURLToPath(import.meta.url))
const only = process.argv[2] ? new RegExp(process.argv[2]) : null
const file = process.argv[3] ?? join(here, '.scratch', 'last.json')
const { meta, results: all } = JSON.parse(readFileSync(file, 'utf8')) as { meta: any; results: ScenarioResult[] }
const results = all.filter((r) => !only || only.test(r.id))

console.log(`Run of ${meta.date.slice(0, 16).replace('T', ' ')} UTC: node ${meta.node}, ${meta.cores} cores (${meta.cpu}); ${meta.rounds} rounds x ~${meta.roundMs} ms.\n`)
for (const r of results) {
  const extraKeys = [...new Set(r.rows.flatMap((x) => Object.keys(x.extra ?? {})))]
    .filter((k) => !['hits', 'misses', 'evictions', 'runs (total)'].includes(k))
  const hasRatio = r.rows.some((x) => x.ratio !== undefined)
  const head = ['contender', r.unit ?? 'ops/s', ...(hasRatio ? ['ratio'] : []), ...extraKeys]
  console.log(`**${r.id}: ${r.title}**${r.reference ? ` (reference: ${r.reference})` : ''}\n`)
  console.log(`| ${head.join(' | ')} |`)
  console.log(`| ${head.map((_, i) => (i ? '---:' : '---')).join(' | ')} |`)
  for (const x of r.rows) {
    const name = x.reference ? `${x.name} (ref)` : x.name
    if (x.error) { console.log(`| ${name} | ${x.error.startsWith('skipped') ? 'skipped' : 'FAILED: ' + x.error} |${hasRatio ? ' |' : ''}${extraKeys.map(() => ' |').join('')}`); continue }
    const cells = [name, r.unit ? fmtNum(x.ops) : fmtOps(x.ops), ...(hasRatio ? [fmtRatio(x.ratio)] : []),
      ...extraKeys.map((k) => { const v = x.extra?.[k]; return typeof v === 'number' ? fmtNum(v) : v ?? '' })]
    console.log(`| ${cells.join(' | ')} |`)
  }
  console.log('')
}
