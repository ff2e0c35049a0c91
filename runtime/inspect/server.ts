// The local metrics endpoint of configure({ inspect: { port } }): Node-only, read-only, loopback
// by default. GET /metrics answers metrics.prometheus() (what `fncache top` and Prometheus read),
// GET /metrics.json answers metrics(). Everything else is refused. The server never keeps the
// process alive (unref) and is shared by every copy of the package (one per process).

import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { metrics } from '../report.js'
import { reportError } from '../global.js'
import { warnOnce } from '../errors.js'
import { LOOPBACK, applied, type InspectOptions } from './option.js'

interface State { server: Server | null; key: string; address: AddressInfo | null; starting: Promise<void> | null }
const KEY = Symbol.for('fncache.macro/inspect')
const state: State = ((globalThis as Record<symbol, State | undefined>)[KEY] ??= { server: null, key: '', address: null, starting: null })

/** Host header names a DNS-rebinding page cannot produce: loopback names with an optional port. */
function loopbackHost(host: string | undefined): boolean {
  if (host === undefined) return false
  const name = host.startsWith('[') ? host.slice(0, host.indexOf(']') + 1) : host.replace(/:\d+$/, '')
  return LOOPBACK.test(name)
}

function handle(allowRemote: boolean, req: IncomingMessage, res: ServerResponse): void {
  const send = (status: number, type: string, body: string) => {
    res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' })
    res.end(body)
  }
  // A page on another site whose name resolves to 127.0.0.1 sends its own Host: refuse it.
  if (!allowRemote && !loopbackHost(req.headers.host)) return send(403, 'text/plain', 'forbidden: Host is not a loopback name\n')
  if (req.method !== 'GET' && req.method !== 'HEAD') return send(405, 'text/plain', 'method not allowed\n')
  const path = (req.url ?? '').split('?')[0]
  try {
    if (path === '/metrics') return send(200, 'text/plain; version=0.0.4; charset=utf-8', metrics.prometheus())
    if (path === '/metrics.json') return send(200, 'application/json', JSON.stringify(metrics()))
  } catch (e) {
    reportError(e, { operation: 'inspect' }, warnOnce)
    return send(500, 'text/plain', 'metrics failed\n')
  }
  send(404, 'text/plain', 'not found: GET /metrics or /metrics.json\n')
}

function stop(): Promise<void> {
  const s = state.server
  state.server = null
  state.address = null
  state.key = ''
  if (s === null) return Promise.resolve()
  return new Promise((resolve) => { s.close(() => resolve()); s.closeAllConnections?.() })
}

/** Starts the endpoint with these options (restarting it if they changed), or stops it (null). */
export async function setInspect(options: Required<InspectOptions> | null): Promise<void> {
  await state.starting
  const key = options === null ? '' : `${options.host}:${options.port}:${options.allowRemote}`
  if (key === state.key && (options === null || state.server !== null)) return
  const run = async () => {
    await stop()
    if (options === null) return
    const server = createServer((req, res) => handle(options.allowRemote, req, res))
    server.requestTimeout = 10_000
    server.headersTimeout = 5_000
    server.maxConnections = 32
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject)
      server.listen(options.port, options.host, () => { server.off('error', reject); resolve() })
    })
    server.on('error', (e) => reportError(e, { operation: 'inspect' }, warnOnce))
    server.unref()
    state.server = server
    state.key = key
    state.address = server.address() as AddressInfo
  }
  state.starting = run().finally(() => { state.starting = null })
  return state.starting
}

/**
 * The address the endpoint listens on once started (`{ address, port }`), or null. Resolves after
 * a pending start or restart settles.
 */
export async function inspectAddress(): Promise<{ address: string; port: number } | null> {
  await applied.last
  await state.starting?.catch(() => {})
  return state.address === null ? null : { address: state.address.address, port: state.address.port }
}

/** Stops the endpoint; resolves when closed. */
export async function closeInspect(): Promise<void> {
  await applied.last
  await state.starting?.catch(() => {})
  await stop()
}
