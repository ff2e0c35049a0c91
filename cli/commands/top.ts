// `fncache top`: a live table of a process's cached functions sorted by time saved, read from
// Prometheus text at a URL (a Prometheus exporter, or configure({ inspect: { port } })).
// `--once` prints one table, `--json` one JSON document. The URL is hostile input: the response is
// bounded in size and time, redirects are not followed, and credentials are never printed.

import { parseArgs } from 'node:util'
import { CliError, EXIT, usage } from '../errors.js'
import { bytes, table } from '../output.js'
import { parsePromText } from '../prom-text.js'
import { topRows, type TopRow } from '../top-model.js'

/** The most bytes read from the URL: a big service's exposition is a few MiB at most. */
export const MAX_BYTES = 16 * 1024 * 1024

const HELP = `fncache top [--url URL | --port N] [options]

A live table of cached functions sorted by time saved, refreshed every --interval seconds
(q or Ctrl-C quits). Reads fncache's Prometheus metrics from a URL: registerPrometheus() in
your app, or the local endpoint of configure({ inspect: { port } }).

  --url <url>         http(s) URL of Prometheus text (e.g. http://127.0.0.1:9464/metrics)
  --port <n>          shorthand for --url http://127.0.0.1:<n>/metrics (the inspect endpoint)
  --once              print one table and exit
  --json              print one JSON document ({ source, functions: [...] }) and exit
  --interval <s>      seconds between refreshes, default 2 (at least 0.2)
  --timeout <ms>      how long one read may take, default 2000
  --limit <n>         show the first n functions only

Exit codes: 0 ok, 2 bad arguments or a response that is not Prometheus text (or over 16 MiB),
3 unreachable (refused, timed out), 4 the server answered with an error status.`

interface TopOptions { url: URL; once: boolean; json: boolean; intervalMs: number; timeoutMs: number; limit: number | undefined }

const SECRET_PARAM = /token|key|secret|pass|auth|sig/i

/** The URL as it may be printed: user info and secret-looking query values replaced by ***. */
export function redact(url: URL): string {
  const u = new URL(url.href)
  if (u.username !== '' || u.password !== '') {
    u.username = '***'
    u.password = ''
  }
  for (const k of [...u.searchParams.keys()]) if (SECRET_PARAM.test(k)) u.searchParams.set(k, '***')
  return u.href
}

function parse(argv: string[]): TopOptions | 'help' {
  let v
  try {
    v = parseArgs({
      args: argv, allowPositionals: false, strict: true,
      options: {
        url: { type: 'string' }, port: { type: 'string' }, once: { type: 'boolean' }, json: { type: 'boolean' },
        interval: { type: 'string' }, timeout: { type: 'string' }, limit: { type: 'string' }, help: { type: 'boolean', short: 'h' },
      },
    }).values
  } catch (e) {
    throw usage(((e as Error).message ?? String(e)).replace(/\. To specify.*$/s, '.'), 'fncache top --help')
  }
  if (v.help) return 'help'
  const num = (name: string, s: string | undefined, min: number, int: boolean): number | undefined => {
    if (s === undefined) return undefined
    const n = Number(s)
    if (s.trim() === '' || !Number.isFinite(n) || n < min || (int && !Number.isInteger(n))) {
      throw usage(`--${name} must be ${int ? 'an integer' : 'a number'} >= ${min}; received ${JSON.stringify(s)}.`)
    }
    return n
  }
  if (v.url !== undefined && v.port !== undefined) throw usage('give --url or --port, not both.')
  const port = num('port', v.port, 1, true)
  if (port !== undefined && port > 65535) throw usage(`--port must be at most 65535; received ${port}.`)
  const raw = v.url ?? (port !== undefined ? `http://127.0.0.1:${port}/metrics` : undefined)
  if (raw === undefined) throw usage('tell top where to read: --url http://127.0.0.1:9464/metrics, or --port N for configure({ inspect: { port: N } }).', 'fncache top --port 9464')
  let url: URL
  try {
    url = new URL(raw)
  } catch {
    // Never echo the argument whole: it may carry a password.
    throw usage('--url is not a valid URL.', 'fncache top --url http://127.0.0.1:9464/metrics')
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw usage(`--url must be http or https; received ${url.protocol.replace(/:$/, '')}.`)
  return {
    url,
    once: v.once === true,
    json: v.json === true,
    intervalMs: Math.round((num('interval', v.interval, 0.2, false) ?? 2) * 1000),
    timeoutMs: num('timeout', v.timeout, 1, true) ?? 2000,
    limit: num('limit', v.limit, 1, true),
  }
}

/** GETs the URL: at most MAX_BYTES, within timeoutMs, no redirects; credentials go in a header. */
export async function read(url: URL, timeoutMs: number): Promise<string> {
  const target = new URL(url.href)
  const headers: Record<string, string> = { accept: 'text/plain;version=0.0.4' }
  if (target.username !== '' || target.password !== '') {
    headers.authorization = 'Basic ' + Buffer.from(`${decodeURIComponent(target.username)}:${decodeURIComponent(target.password)}`).toString('base64')
    target.username = ''
    target.password = ''
  }
  const where = redact(url)
  const signal = AbortSignal.timeout(timeoutMs)
  let res: Response
  try {
    res = await fetch(target, { headers, redirect: 'manual', signal })
  } catch (e) {
    const timedOut = signal.aborted
    const cause = (e as { cause?: { code?: string } }).cause?.code
    throw new CliError('E_UNREACHABLE', `${where}: ${timedOut ? `no answer within ${timeoutMs} ms` : `cannot connect${cause ? ` (${cause})` : ''}`}.`, EXIT.UNREACHABLE)
  }
  if (res.status !== 200) {
    await res.body?.cancel().catch(() => {})
    throw new CliError('E_HTTP_STATUS', `${where} answered ${res.status}${res.status >= 300 && res.status < 400 ? ' (redirects are not followed)' : ''}.`, EXIT.FAILED)
  }
  const declared = Number(res.headers.get('content-length'))
  if (declared > MAX_BYTES) {
    await res.body?.cancel().catch(() => {})
    throw new CliError('E_TOO_LARGE', `${where} sent ${declared} bytes; top reads at most ${MAX_BYTES}.`, EXIT.USAGE)
  }
  const chunks: Uint8Array[] = []
  let size = 0
  try {
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
      size += chunk.length
      if (size > MAX_BYTES) {
        await res.body?.cancel().catch(() => {})
        throw new CliError('E_TOO_LARGE', `${where} sent more than ${MAX_BYTES} bytes; top reads at most that.`, EXIT.USAGE)
      }
      chunks.push(chunk)
    }
  } catch (e) {
    if (e instanceof CliError) throw e
    throw new CliError('E_UNREACHABLE', `${where}: ${signal.aborted ? `the response did not finish within ${timeoutMs} ms` : 'the response broke off'}.`, EXIT.UNREACHABLE)
  }
  return Buffer.concat(chunks).toString('utf8')
}

async function rowsFrom(o: TopOptions): Promise<TopRow[]> {
  const text = await read(o.url, o.timeoutMs)
  let rows: TopRow[]
  try {
    rows = topRows(parsePromText(text))
  } catch (e) {
    throw new CliError('E_BAD_RESPONSE', `${redact(o.url)} did not answer Prometheus text: ${(e as Error).message}.`, EXIT.USAGE)
  }
  return o.limit === undefined ? rows : rows.slice(0, o.limit)
}

/** 12.3s, 4.1ms, 85µs, 2m05s, 1h02m; '-' for unknown. */
export function seconds(s: number | null): string {
  if (s === null) return '-'
  if (s === 0) return '0s'
  if (s < 1e-3) return `${Math.round(s * 1e6)}µs`
  if (s < 1) return `${(s * 1e3).toFixed(s < 0.01 ? 2 : 1)}ms`
  if (s < 60) return `${s.toFixed(s < 10 ? 2 : 1)}s`
  const m = Math.floor(s / 60)
  if (m < 60) return `${m}m${String(Math.floor(s % 60)).padStart(2, '0')}s`
  return `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`
}

const count = (n: number) => (Number.isInteger(n) ? String(n) : n.toFixed(1))

/** The table; `perSecond` (live mode) adds SAVED/S: seconds saved per second since the last refresh. */
export function render(rows: TopRow[], perSecond?: Map<string, number>): string {
  if (rows.length === 0) return '(no cached function has been called yet)'
  const live = perSecond !== undefined
  return table(
    // Bytes held per function is known only where both entries and record sizes are (tiered);
    // the mean record size written is what byte backends can tell, so that is the column.
    ['FUNCTION', 'SAVED', ...(live ? ['SAVED/S'] : []), 'HIT RATE', 'HITS', 'MISSES', 'P50 MISS', 'P99 MISS', 'ENTRIES', 'AVG ENTRY', 'ERRORS'],
    rows.map((r) => [r.function, seconds(r.timeSaved), ...(live ? [perSecond.has(r.function) ? perSecond.get(r.function)!.toFixed(3) : '-'] : []),
      `${(r.hitRate * 100).toFixed(1)}%`, count(r.hits), count(r.misses),
      seconds(r.p50), seconds(r.p99), r.entries === null ? '-' : count(r.entries), r.entryBytes === null ? '-' : bytes(Math.round(r.entryBytes)), count(r.errors)]),
    ['left', ...Array<'right'>(live ? 10 : 9).fill('right')],
  )
}

function summary(rows: TopRow[]): string {
  const saved = rows.reduce((s, r) => s + r.timeSaved, 0)
  const hits = rows.reduce((s, r) => s + r.hits + r.staleHits, 0)
  const lookups = rows.reduce((s, r) => s + r.hits + r.staleHits + r.misses, 0)
  return `${rows.length} function${rows.length === 1 ? '' : 's'}, time saved ${seconds(saved)}, hit rate ${lookups ? ((hits / lookups) * 100).toFixed(1) : '0.0'}%`
}

/** Refreshes until q, Ctrl-C, SIGINT or SIGTERM. */
async function live(o: TopOptions): Promise<number> {
  const out = process.stdout
  const tty = out.isTTY === true
  const stdin = process.stdin
  let stop!: () => void
  const stopped = new Promise<void>((r) => { stop = r })
  const onKey = (d: Buffer) => { const k = d.toString(); if (k === 'q' || k === 'Q' || k === '\x03') stop() }
  if (stdin.isTTY) {
    stdin.setRawMode(true)
    stdin.on('data', onKey)
    stdin.resume()
  }
  process.once('SIGINT', stop)
  process.once('SIGTERM', stop)
  if (tty) out.write('\x1b[?1049h\x1b[?25l')
  let last = ''
  let prev: { at: number; saved: Map<string, number> } | undefined
  let timer: ReturnType<typeof setTimeout> | undefined
  try {
    for (let done = false; !done;) {
      let body: string
      try {
        const rows = await rowsFrom(o)
        const at = Date.now()
        const saved = new Map(rows.map((r) => [r.function, r.timeSaved]))
        const perSecond = new Map<string, number>()
        if (prev !== undefined && at > prev.at) {
          for (const [fn, v] of saved) if (prev.saved.has(fn)) perSecond.set(fn, Math.max(0, v - prev.saved.get(fn)!) / ((at - prev.at) / 1000))
        }
        prev = { at, saved }
        body = `${summary(rows)}\n\n${render(rows, perSecond)}`
        last = body
      } catch (e) {
        body = `${(e as Error).message.replace(/^\[E_[A-Z_]+\] /, '')} (retrying)\n\n${last}`
      }
      const head = `fncache top  ${redact(o.url)}  every ${o.intervalMs / 1000}s  ${new Date().toISOString().slice(11, 19)}  (q: quit)`
      out.write((tty ? '\x1b[H\x1b[2J' : '') + `${head}\n${body}\n`)
      done = await Promise.race([stopped.then(() => true), new Promise<boolean>((r) => { timer = setTimeout(() => r(false), o.intervalMs) })])
      clearTimeout(timer)
    }
  } finally {
    if (tty) out.write('\x1b[?25h\x1b[?1049l')
    if (stdin.isTTY) {
      stdin.setRawMode(false)
      stdin.off('data', onKey)
      stdin.pause()
    }
    process.off('SIGINT', stop)
    process.off('SIGTERM', stop)
  }
  return EXIT.OK
}

/** Runs `fncache top` with its own arguments; resolves with the exit code. */
export async function top(argv: string[]): Promise<number> {
  const o = parse(argv)
  if (o === 'help') {
    process.stdout.write(HELP + '\n')
    return EXIT.OK
  }
  if (o.json) {
    const rows = await rowsFrom(o)
    process.stdout.write(JSON.stringify({ source: redact(o.url), functions: rows }, null, 2) + '\n')
    return EXIT.OK
  }
  if (o.once) {
    const rows = await rowsFrom(o)
    process.stdout.write(`${summary(rows)}\n\n${render(rows)}\n`)
    return EXIT.OK
  }
  return live(o)
}
