// docs/grafana/fncache-dashboard.json: valid JSON whose every PromQL expression names only series
// the exporter emits (checked against a real exposition with every family populated), groups only
// by labels those series carry, and covers the panels docs/operations.md explains.
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { cached, configure, metrics } from '../../runtime/index.js'
import { file } from '../../runtime/backends/file/index.js'
import { fresh } from '../helpers/runtime.js'

const ROOT = fileURLToPath(new URL('../..', import.meta.url))
const dashboard = JSON.parse(readFileSync(join(ROOT, 'docs/grafana/fncache-dashboard.json'), 'utf8'))
const exprs: { panel: string; expr: string }[] = dashboard.panels.flatMap((p: any) => p.targets.map((t: any) => ({ panel: p.title, expr: t.expr })))

/** Sample names and their label names, from a real exposition with traffic on memory and file backends. */
function emitted(): Map<string, Set<string>> {
  fresh()
  const dir = mkdtempSync(join(tmpdir(), 'fncache-dashboard-'))
  try {
    configure({ backends: { disk: file({ dir }) } })
    const a = cached((n: number) => n, { id: 'src/d.ts#a' })
    const b = cached((n: number) => ({ n }), { id: 'src/d.ts#b', backend: 'disk' })
    a(1); a(1); b(1); b(1)
    const out = new Map<string, Set<string>>()
    for (const line of metrics.prometheus().split('\n')) {
      const m = /^([a-z_]+)(?:\{(.*)\})? /.exec(line)
      if (!m) continue
      const labels = out.get(m[1]!) ?? new Set<string>()
      for (const l of (m[2] ?? '').matchAll(/([a-z_]+)="/g)) labels.add(l[1]!)
      out.set(m[1]!, labels)
    }
    return out
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

const dash = suite('Grafana dashboard')

dash('parses, has unique ids and non-overlapping panels, and a Prometheus datasource variable', () => {
  assert.is(dashboard.uid, 'fncache-overview')
  const ids = dashboard.panels.map((p: any) => p.id)
  assert.is(new Set(ids).size, ids.length)
  const cells = new Set<string>()
  for (const p of dashboard.panels) {
    const { x, y, w, h } = p.gridPos
    assert.ok(x >= 0 && x + w <= 24, `${p.title} fits the 24-column grid`)
    for (let i = x; i < x + w; i++) for (let j = y; j < y + h; j++) {
      assert.not.ok(cells.has(`${i},${j}`), `${p.title} overlaps another panel at ${i},${j}`)
      cells.add(`${i},${j}`)
    }
  }
  const vars = dashboard.templating.list.map((v: any) => `${v.name}:${v.type}`)
  assert.equal(vars, ['datasource:datasource', 'function:query'])
})

dash('every expression names only metrics the exporter emits, and groups by labels they carry', () => {
  const series = emitted()
  assert.ok(exprs.length >= 12)
  const names = new Set<string>()
  for (const { panel, expr } of exprs) {
    const used = [...expr.matchAll(/\b(fncache_[a-z_]+)\b/g)].map((m) => m[1]!)
    assert.ok(used.length > 0, `${panel}: ${expr} names no fncache metric`)
    for (const name of used) {
      assert.ok(series.has(name), `${panel}: ${name} is not emitted; emitted: ${[...series.keys()].join(' ')}`)
      names.add(name)
      for (const sel of expr.matchAll(new RegExp(`${name}\\{([^}]*)\\}`, 'g'))) {
        for (const l of sel[1]!.matchAll(/([a-z_]+)\s*=~?/g)) assert.ok(series.get(name)!.has(l[1]!), `${panel}: ${name} has no label ${l[1]}`)
      }
    }
    for (const by of expr.matchAll(/by \(([^)]*)\)/g)) {
      const labels = by[1]!.split(',').map((s) => s.trim())
      assert.ok(used.some((n) => labels.every((l) => series.get(n)!.has(l))), `${panel}: by (${by[1]}) over ${used.join(', ')}`)
    }
  }
  // the panels the issue asks for
  for (const n of ['fncache_time_saved_seconds_total', 'fncache_hits_total', 'fncache_misses_total', 'fncache_miss_duration_seconds_bucket',
    'fncache_backend_duration_seconds_bucket', 'fncache_errors_total', 'fncache_invalidations_total']) assert.ok(names.has(n), n)
  const heatmap = dashboard.panels.find((p: any) => p.type === 'heatmap')
  assert.match(heatmap.targets[0].expr, /fncache_miss_duration_seconds_bucket/)
  assert.is(heatmap.targets[0].format, 'heatmap')
})

dash('docs/operations.md explains every panel by its title', () => {
  const ops = readFileSync(join(ROOT, 'docs/operations.md'), 'utf8')
  for (const p of dashboard.panels) assert.ok(ops.includes(`**${p.title}**`), `docs/operations.md does not explain "${p.title}"`)
})

dash.run()
