// configure({ inspect }): validation and lazy start of the local metrics endpoint. This module is
// isomorphic; the server lives in ./server.ts (Node-only), imported only when the option is used,
// through a specifier bundlers do not follow, so browser bundles of the runtime never see node:http.

import { describe, typeError } from '../errors.js'
import { reportError } from '../global.js'
import { warnOnce } from '../errors.js'

/** Options of `configure({ inspect })`: a read-only HTTP endpoint serving this process's metrics. */
export interface InspectOptions {
  /** TCP port to listen on; `0` picks a free one (read it back with `inspectAddress()` of `fncache.macro/inspect`). */
  port: number
  /**
   * Address to listen on. Anything but a loopback address (127.0.0.0/8, ::1, localhost) also needs
   * `allowRemote: true`: the metrics name every cached function. @default '127.0.0.1'
   */
  host?: string
  /** Accept a non-loopback `host` (put it behind your own network controls). @default false */
  allowRemote?: boolean
}

export const LOOPBACK = /^(127(\.\d{1,3}){3}|::1|\[::1\]|localhost)$/i

/** The validated option: options to (re)start the endpoint, or null to stop it. */
export function checkInspect(v: unknown): Required<InspectOptions> | null {
  if (v === null || v === false) return null
  if (typeof v !== 'object') throw typeError('E_OPTION', `configure(): inspect must be { port } or null; received ${describe(v)}.`, 'configure({ inspect: { port: 9464 } })')
  const o = v as Record<string, unknown>
  for (const k of Object.keys(o)) {
    if (!['port', 'host', 'allowRemote'].includes(k)) throw typeError('E_OPTION', `configure(): inspect has no option "${k}"; valid options are port, host, allowRemote.`)
  }
  const { port, host = '127.0.0.1', allowRemote = false } = o
  if (!Number.isInteger(port) || (port as number) < 0 || (port as number) > 65535) {
    throw typeError('E_OPTION', `configure(): inspect.port must be an integer from 0 to 65535; received ${describe(port)}.`, 'configure({ inspect: { port: 9464 } })')
  }
  if (typeof host !== 'string' || host === '') throw typeError('E_OPTION', `configure(): inspect.host must be a non-empty string; received ${describe(host)}.`)
  if (typeof allowRemote !== 'boolean') throw typeError('E_OPTION', `configure(): inspect.allowRemote must be a boolean; received ${describe(allowRemote)}.`)
  if (!LOOPBACK.test(host) && !allowRemote) {
    throw typeError('E_OPTION', `configure(): inspect.host ${JSON.stringify(host)} is not a loopback address; the endpoint lists every cached function, so it listens on loopback only unless allowRemote is set.`,
      `configure({ inspect: { port: ${port}, host: ${JSON.stringify(host)}, allowRemote: true } }) // behind your own firewall`)
  }
  if (typeof process === 'undefined' || typeof process.versions?.node !== 'string') {
    throw typeError('E_OPTION', 'configure(): inspect needs Node.js (it starts an HTTP server); this runtime has none.')
  }
  return { port: port as number, host, allowRemote }
}

// A variable specifier: bundlers leave it alone (the server is Node-only); Node and tsx resolve it.
const SERVER = './server.js'

/** The last start/stop requested, settled (never rejects): what inspectAddress() waits for. */
export const applied = { last: Promise.resolve() }

/** Starts, restarts or stops the endpoint in the background; failures (port taken) go to onError or a warning. */
export function applyInspect(options: Required<InspectOptions> | null): void {
  const prev = applied.last
  applied.last = prev.then(() => import(/* @vite-ignore */ /* webpackIgnore: true */ SERVER)).then(
    (m: typeof import('./server.js')) => m.setInspect(options),
  ).catch((e) => reportError(e, { operation: 'inspect' }, warnOnce))
}
