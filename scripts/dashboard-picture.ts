// Draws docs/dashboard.png: the panels of docs/grafana/fncache-dashboard.json (same titles, same
// layout) plotted from metrics scraped once a second during a real run of examples/http-service,
// rendered as SVG in an HTML page and screenshotted by headless Chromium. No Grafana is needed (it
// does not install here); the plots are drawn by hand because a chart library would be a
// dependency for one docs script.
//   node --import tsx scripts/dashboard-picture.ts [--seconds 40] [--out docs/dashboard.png]
import { spawn, spawnSync } from 'node:child_process'
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { parseArgs } from 'node:util'
import { parsePromText, type PromSample } from '../cli/prom-text.js'
import { quantile } from '../cli/top-model.js'

const root = fileURLToPath(new URL('..', import.meta.url))
const { values: args } = parseArgs({ options: { seconds: { type: 'string', default: '40' }, out: { type: 'string', default: 'docs/dashboard.png' } } })
const SECONDS = Number(args.seconds)
const INVALIDATE_AT = Math.round(SECONDS * 0.6)
const work = join(root, '.cache/dashboard')

// 1. The example, built as `npm run example` builds it.
rmSync(work, { recursive: true, force: true })
const built = spawnSync(process.execPath, ['scripts/example.mjs', 'http-service', '--build-only'], { cwd: root, stdio: 'inherit', env: { ...process.env, FNCACHE_EXAMPLE_WORK: work } })
if (built.status !== 0) process.exit(built.status ?? 1)
const app = join(work, 'app/http-service')

// 2. The server, and the load: a round of 40 requests every second; a tag invalidation part-way.
const server = spawn(process.execPath, [join(app, 'server.js')], { env: { ...process.env, PORT: '0' }, stdio: ['ignore', 'pipe', 'inherit'] })
const base = await new Promise<string>((resolve, reject) => {
  let out = ''
  server.stdout!.on('data', (d) => { out += d; const m = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out); if (m) resolve(m[1]!) })
  server.on('exit', (code) => reject(new Error(`server exited ${code}`)))
})
const { load } = await import(pathToFileURL(join(app, 'load.js')).href) as { load: (base: string, rounds: number, perRound: number, log: (s: string) => void) => Promise<number[]> }

interface Scrape { t: number; samples: PromSample[] }
const scrapes: Scrape[] = []
const started = Date.now()
const scrape = async () => { scrapes.push({ t: (Date.now() - started) / 1000, samples: parsePromText(await (await fetch(`${base}/metrics`)).text()) }) }
await scrape()
const timer = setInterval(() => { scrape().catch(() => {}) }, 1000)
let invalidated = false
try {
  while (Date.now() - started < SECONDS * 1000) {
    const round = Date.now()
    if (!invalidated && round - started >= INVALIDATE_AT * 1000) {
      await fetch(`${base}/invalidate/products`, { method: 'POST' })
      invalidated = true
    }
    await load(base, 1, 40, () => {})
    await new Promise((r) => setTimeout(r, Math.max(0, 1000 - (Date.now() - round))))
  }
  await scrape()
} finally {
  clearInterval(timer)
  server.kill('SIGTERM')
}
console.log(`scraped ${scrapes.length} times over ${SECONDS} s`)

// 3. Series, computed as the dashboard's PromQL computes them (rates over a 5 s window).
const WINDOW = 5
type Pt = [number, number]
const sum = (s: Scrape, name: string, f: (l: Record<string, string>) => boolean = () => true) =>
  s.samples.filter((x) => x.name === name && f(x.labels)).reduce((n, x) => n + x.value, 0)
const functions = [...new Set(scrapes.flatMap((s) => s.samples.map((x) => x.labels.function).filter(Boolean)))].sort() as string[]
const short = (id: string) => id.split('#').pop()!
function windowed(f: (now: Scrape, then: Scrape) => number | null): Pt[] {
  const out: Pt[] = []
  for (let i = 1; i < scrapes.length; i++) {
    const now = scrapes[i]!
    const then = scrapes[Math.max(0, i - WINDOW)]!
    const v = f(now, then)
    if (v !== null && Number.isFinite(v)) out.push([now.t, v])
  }
  return out
}
const rate = (name: string, f?: (l: Record<string, string>) => boolean) => windowed((n, t) => (sum(n, name, f) - sum(t, name, f)) / (n.t - t.t))
const byFn = (fn: string) => (l: Record<string, string>) => l.function === fn
function hitRate(f?: (l: Record<string, string>) => boolean): Pt[] {
  return windowed((n, t) => {
    const d = (name: string) => sum(n, name, f) - sum(t, name, f)
    const lookups = d('fncache_hits_total') + d('fncache_stale_hits_total') + d('fncache_misses_total')
    return lookups === 0 ? null : (d('fncache_hits_total') + d('fncache_stale_hits_total')) / lookups
  })
}
function buckets(s: Scrape, name: string, f: (l: Record<string, string>) => boolean): Map<number, number> {
  const m = new Map<number, number>()
  for (const x of s.samples) if (x.name === name && f(x.labels)) {
    const le = x.labels.le === '+Inf' ? Infinity : Number(x.labels.le)
    m.set(le, (m.get(le) ?? 0) + x.value)
  }
  return m
}
function quantileSeries(q: number, name: string, f: (l: Record<string, string>) => boolean): Pt[] {
  return windowed((n, t) => {
    const a = buckets(n, name, f)
    const b = buckets(t, name, f)
    return quantile(q, new Map([...a].map(([le, c]) => [le, c - (b.get(le) ?? 0)])))
  })
}
const last = scrapes[scrapes.length - 1]!
const first = scrapes[0]!
const total = (name: string) => sum(last, name) - sum(first, name)
const lookups = total('fncache_hits_total') + total('fncache_stale_hits_total') + total('fncache_misses_total')

// 4. Drawing.
const COLORS = ['#73bf69', '#f2cc0c', '#5794f2', '#ff9830', '#f2495c', '#b877d9', '#8ab8ff']
const fmt = (unit: string, v: number): string => {
  if (unit === 'percentunit') return `${(v * 100).toFixed(0)}%`
  if (unit === 's') return v === 0 ? '0' : v < 1e-3 ? `${(v * 1e6).toFixed(0)} µs` : v < 1 ? `${(v * 1e3).toFixed(v < 0.01 ? 1 : 0)} ms` : `${v.toFixed(v < 10 ? 2 : 1)} s`
  if (unit === 'bytes') return v < 1024 ? `${v.toFixed(0)} B` : `${(v / 1024).toFixed(1)} KiB`
  if (unit === 'ops') return `${v.toFixed(v < 10 ? 1 : 0)}/s`
  return v.toFixed(v < 10 && !Number.isInteger(v) ? 1 : 0)
}
const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;')

function lines(series: { name: string; points: Pt[] }[], unit: string, w: number, h: number, fixedMax?: number): string {
  const pad = { l: 62, r: 10, t: 8, b: 40 }
  const all = series.flatMap((s) => s.points)
  if (all.length === 0) return `<text x="${w / 2}" y="${h / 2}" class="empty">No data</text>`
  const max = fixedMax ?? (Math.max(...all.map((p) => p[1])) * 1.1 || 1)
  const X = (t: number) => pad.l + (t / SECONDS) * (w - pad.l - pad.r)
  const Y = (v: number) => pad.t + (1 - v / max) * (h - pad.t - pad.b)
  let svg = ''
  for (let i = 0; i <= 4; i++) {
    const v = (max * i) / 4
    svg += `<line x1="${pad.l}" x2="${w - pad.r}" y1="${Y(v)}" y2="${Y(v)}" class="grid"/><text x="${pad.l - 6}" y="${Y(v) + 4}" class="tick" text-anchor="end">${fmt(unit, v)}</text>`
  }
  for (let t = 0; t <= SECONDS; t += 10) svg += `<text x="${X(t)}" y="${h - pad.b + 14}" class="tick" text-anchor="middle">${t}s</text>`
  svg += `<line x1="${X(INVALIDATE_AT)}" x2="${X(INVALIDATE_AT)}" y1="${pad.t}" y2="${h - pad.b}" class="mark"/>`
  series.forEach((s, i) => {
    if (s.points.length === 0) return
    svg += `<polyline fill="none" stroke="${COLORS[i % COLORS.length]}" stroke-width="2" points="${s.points.map(([t, v]) => `${X(t).toFixed(1)},${Y(v).toFixed(1)}`).join(' ')}"/>`
  })
  let lx = pad.l
  series.forEach((s, i) => {
    svg += `<rect x="${lx}" y="${h - 16}" width="12" height="4" fill="${COLORS[i % COLORS.length]}"/><text x="${lx + 16}" y="${h - 11}" class="legend">${esc(s.name)}</text>`
    lx += 24 + s.name.length * 6.6
  })
  return svg
}

function heatmap(w: number, h: number): string {
  const pad = { l: 62, r: 10, t: 8, b: 24 }
  const f = () => true
  const cols: { t: number; counts: Map<number, number> }[] = []
  for (let i = 1; i < scrapes.length; i++) {
    const a = buckets(scrapes[i]!, 'fncache_miss_duration_seconds_bucket', f)
    const b = buckets(scrapes[i - 1]!, 'fncache_miss_duration_seconds_bucket', f)
    const bounds = [...a.keys()].sort((x, y) => x - y)
    const counts = new Map<number, number>()
    let prev = 0
    for (const le of bounds) { const c = (a.get(le) ?? 0) - (b.get(le) ?? 0); counts.set(le, c - prev); prev = c }
    cols.push({ t: scrapes[i]!.t, counts })
  }
  const used = [...new Set(cols.flatMap((c) => [...c.counts].filter(([, n]) => n > 0).map(([le]) => le)))].sort((x, y) => x - y)
  if (used.length === 0) return `<text x="${w / 2}" y="${h / 2}" class="empty">No data</text>`
  const all = [...cols[0]!.counts.keys()].sort((x, y) => x - y)
  const lo = Math.max(0, all.indexOf(used[0]!) - 1)
  const hi = Math.min(all.length - 1, all.indexOf(used[used.length - 1]!) + 1)
  const rows = all.slice(lo, hi + 1)
  const peak = Math.max(...cols.flatMap((c) => [...c.counts.values()]))
  const cw = (w - pad.l - pad.r) / cols.length
  const rh = (h - pad.t - pad.b) / rows.length
  let svg = ''
  cols.forEach((c, i) => rows.forEach((le, j) => {
    const n = c.counts.get(le) ?? 0
    const a = n <= 0 ? 0 : 0.15 + 0.85 * (Math.log1p(n) / Math.log1p(peak))
    svg += `<rect x="${(pad.l + i * cw).toFixed(1)}" y="${(pad.t + (rows.length - 1 - j) * rh).toFixed(1)}" width="${(cw - 1).toFixed(1)}" height="${(rh - 1).toFixed(1)}" fill="${n > 0 ? `rgba(255,152,48,${a.toFixed(2)})` : '#1f2126'}"/>`
  }))
  rows.forEach((le, j) => { if (j % 2 === 0) svg += `<text x="${pad.l - 6}" y="${pad.t + (rows.length - 1 - j) * rh + rh / 2 + 4}" class="tick" text-anchor="end">${le === Infinity ? '+Inf' : fmt('s', le)}</text>` })
  for (let t = 0; t <= SECONDS; t += 10) svg += `<text x="${pad.l + (t / SECONDS) * (w - pad.l - pad.r)}" y="${h - 8}" class="tick" text-anchor="middle">${t}s</text>`
  return svg
}

const stat = (value: string, sub: string, w: number, h: number) =>
  `<text x="${w / 2}" y="${h / 2 + 10}" class="stat" text-anchor="middle">${esc(value)}</text><text x="${w / 2}" y="${h / 2 + 34}" class="legend" text-anchor="middle">${esc(sub)}</text>`

const dashboard = JSON.parse(readFileSync(join(root, 'docs/grafana/fncache-dashboard.json'), 'utf8'))
const COL = 66
const ROW = 36
const draw: Record<string, (w: number, h: number) => string> = {
  'Time saved (range)': (w, h) => stat(fmt('s', total('fncache_time_saved_seconds_total')), `over ${SECONDS} s of traffic`, w, h),
  'Hit rate (range)': (w, h) => stat(fmt('percentunit', lookups ? (total('fncache_hits_total') + total('fncache_stale_hits_total')) / lookups : 0), `${lookups} lookups`, w, h),
  'Entries': (w, h) => stat(String(sum(last, 'fncache_entries', (l) => l.backend === 'default')), 'default (memory); the file backend reports after a prune', w, h),
  'Errors (range)': (w, h) => stat(String(total('fncache_errors_total')), 'cache-side failures', w, h),
  'Time saved per second, by function': (w, h) => lines(functions.map((fn) => ({ name: short(fn), points: rate('fncache_time_saved_seconds_total', byFn(fn)) })), 's', w, h),
  'Hit rate, by function': (w, h) => lines(functions.map((fn) => ({ name: short(fn), points: hitRate(byFn(fn)) })), 'percentunit', w, h, 1),
  'Miss latency (heatmap)': heatmap,
  'Miss latency p50 / p99, by function': (w, h) => lines(functions.flatMap((fn) => [0.5, 0.99].map((q) => ({ name: `p${q * 100} ${short(fn)}`, points: quantileSeries(q, 'fncache_miss_duration_seconds_bucket', byFn(fn)) }))), 's', w, h),
  'Backend latency p99 (get / set)': (w, h) => lines(['get', 'set'].map((op) => ({ name: `disk ${op}`, points: quantileSeries(0.99, 'fncache_backend_duration_seconds_bucket', (l) => l.backend === 'disk' && l.op === op) })), 's', w, h),
  'Errors and corrupt records, by backend': (w, h) => lines([{ name: 'errors', points: rate('fncache_errors_total') }, { name: 'corrupt', points: rate('fncache_corrupt_total') }], 'ops', w, h),
  'Invalidations, evictions, expirations': (w, h) => lines(['invalidations', 'evictions', 'expirations'].map((k) => ({ name: k, points: rate(`fncache_${k}_total`) })), 'ops', w, h),
  'Entry size p50 / p99 (byte backends)': (w, h) => lines([0.5, 0.99].map((q) => ({ name: `p${q * 100} loadReviews`, points: quantileSeries(q, 'fncache_entry_size_bytes_bucket', () => true) })), 'bytes', w, h),
}
let html = ''
let height = 0
for (const p of dashboard.panels) {
  const { x, y, w, h } = p.gridPos
  const pw = w * COL - 8
  const ph = h * ROW - 8
  const body = (draw[p.title] ?? (() => `<text x="10" y="40" class="empty">no plot for this panel</text>`))(pw, ph - 28)
  html += `<div class="panel" style="left:${x * COL + 4}px;top:${y * ROW + 52}px;width:${pw}px;height:${ph}px"><div class="title">${esc(p.title)}</div><svg width="${pw}" height="${ph - 28}">${body}</svg></div>`
  height = Math.max(height, (y + h) * ROW + 60)
}
const page = `<!doctype html><meta charset="utf-8"><style>
body{margin:0;background:#111217;font:13px Inter,Helvetica,Arial,sans-serif;color:#ccccdc}
.head{position:absolute;left:8px;top:12px;font-size:17px;color:#e6e6ee}.head span{color:#8e8e9e;font-size:12px;margin-left:12px}
.panel{position:absolute;background:#181b1f;border:1px solid #2a2d33;border-radius:3px;overflow:hidden}
.title{height:28px;line-height:28px;padding:0 10px;font-weight:500;color:#d8d9e0}
.grid{stroke:#2a2d33}.mark{stroke:#f2495c;stroke-dasharray:4 3}.tick{fill:#8e8e9e;font-size:11px}.legend{fill:#ccccdc;font-size:11px}
.stat{fill:#73bf69;font-size:34px;font-weight:600}.empty{fill:#8e8e9e}
</style><div class="head">${esc(dashboard.title)}<span>examples/http-service, ${SECONDS} s of load, scraped every second; red dashes: invalidateTags(['products']) at ${INVALIDATE_AT} s</span></div>${html}`
mkdirSync(join(root, '.cache'), { recursive: true })
const htmlFile = join(root, '.cache/dashboard.html')
writeFileSync(htmlFile, page)

// 5. The screenshot.
const out = join(root, args.out!)
const shot = spawnSync('chromium', ['--headless', '--no-sandbox', '--disable-gpu', '--hide-scrollbars', `--screenshot=${out}`, `--window-size=${24 * COL + 8},${height}`, pathToFileURL(htmlFile).href], { encoding: 'utf8', timeout: 120_000 })
if (shot.status !== 0) { console.error(shot.stderr); process.exit(1) }
console.log(`wrote ${args.out} (${24 * COL + 8}x${height})`)
