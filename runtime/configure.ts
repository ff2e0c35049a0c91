// configure(): named backends, namespace, default TTL, clock and error hook for the process.

import type { Backend } from './backends/backend.js'
import { REQUIRED_METHODS } from './backends/backend.js'
import { defaultBackend } from './backends/memory.js'
import { describe, typeError } from './errors.js'
import { parseDuration, DURATION_HINT } from './duration.js'
import { globalCache, isValueBackend, type ErrorContext } from './global.js'
import { nearest } from './nearest.js'
import { Signer, type SignOptions } from './sign.js'
import { checkMaxKeyLength } from './hash.js'
import { applyInspect, checkInspect, type InspectOptions } from './inspect/option.js'

/** Options of {@link configure}. Every field is optional; fields left out keep their value. */
export interface ConfigureOptions {
  /**
   * Prefixes every storage key and tag in persistent backends (`'myapp'` → `myapp:src/a.ts#f:42`),
   * so applications sharing a Redis or a directory do not see each other's entries.
   * @default '' (no namespace)
   */
  namespace?: string
  /**
   * The TTL of functions that set none: milliseconds or a duration string. `0`: no expiry.
   * @default 0
   */
  ttl?: number | string
  /**
   * Backends by name. `default` serves functions without a `backend` option; when left out, it is
   * a memory backend of 10,000 entries. Backends that are replaced are closed.
   */
  backends?: Record<string, Backend>
  /** Receives cache-side failures (backend down, corrupt record, tags function threw). @default a warning once per failure kind */
  onError?: (error: unknown, context: ErrorContext) => void
  /** The clock, in milliseconds since the epoch: tests pass a fake one. @default Date.now */
  now?: () => number
  /**
   * Signs every record written to persistent backends with HMAC-SHA256; a record whose signature
   * fails is a miss (counted as `corrupt`, warned once). `null` turns signing off. See SECURITY.md.
   * @default off
   */
  sign?: SignOptions | null
  /**
   * The largest result stored, in bytes: the encoded record for persistent backends, the size
   * estimate for memory. Larger results are returned uncached, with one warning per function.
   * `Infinity`: no limit.
   * @default Infinity
   */
  maxEntrySize?: number
  /**
   * Storage keys (namespace + logical key) longer than this many characters are shortened to a
   * readable head plus a 128-bit hash; the full key is kept in the record and compared on read.
   * @default 512
   */
  maxKeyLength?: number
  /**
   * Serves this process's metrics over HTTP for `fncache top` and Prometheus: `GET /metrics`
   * (text exposition) and `GET /metrics.json`, on 127.0.0.1 unless told otherwise. Node only;
   * started in the background (a port in use is reported through onError). `null` stops it.
   * See SECURITY.md. @default off
   */
  inspect?: InspectOptions | null
}

const KNOWN = ['namespace', 'ttl', 'backends', 'onError', 'now', 'sign', 'maxEntrySize', 'maxKeyLength', 'inspect']

function checkBackend(name: string, b: unknown): Backend {
  if (b === null || typeof b !== 'object') {
    throw typeError('E_BACKEND_INVALID', `configure(): backends.${name} must be a backend object (memory(), file(), redis() or your own); received ${describe(b)}.`)
  }
  const missing = REQUIRED_METHODS.filter((m) => typeof (b as Record<string, unknown>)[m] !== 'function')
  if (missing.length > 0 || typeof (b as Backend).kind !== 'string') {
    throw typeError('E_BACKEND_INVALID', `configure(): backends.${name} is not a valid backend; it must define kind and the methods ${REQUIRED_METHODS.join(', ')}${missing.length ? ` (missing: ${missing.join(', ')})` : ' (missing: kind)'}.`)
  }
  return b as Backend
}

/** Configures the process-wide cache. Returns nothing; wrappers pick the change up on their next call. */
export function configure(options: ConfigureOptions): void {
  if (options === null || typeof options !== 'object') throw typeError('E_OPTION', `configure() expects an options object; received ${describe(options)}.`)
  for (const name of Object.keys(options)) {
    if (!KNOWN.includes(name)) {
      const hint = nearest(name, KNOWN)
      throw typeError('E_OPTION', `configure() has no option "${name}"${hint ? `; did you mean "${hint}"?` : `; valid options are ${KNOWN.join(', ')}.`}`)
    }
  }
  const { namespace, ttl, backends, onError, now, sign, maxEntrySize, maxKeyLength, inspect } = options
  if (namespace !== undefined && typeof namespace !== 'string') throw typeError('E_OPTION', `configure(): namespace must be a string; received ${describe(namespace)}.`)
  let ttlMs: number | undefined
  if (ttl !== undefined) {
    ttlMs = parseDuration(ttl)
    if (ttlMs === undefined) throw typeError('E_OPTION', `configure(): ttl must be ${DURATION_HINT}; received ${describe(ttl)}.`)
  }
  if (onError !== undefined && typeof onError !== 'function') throw typeError('E_OPTION', `configure(): onError must be a function; received ${describe(onError)}.`)
  if (now !== undefined && typeof now !== 'function') throw typeError('E_OPTION', `configure(): now must be a function returning milliseconds; received ${describe(now)}.`)
  const signer = sign === undefined || sign === null ? sign : new Signer(sign)
  if (maxEntrySize !== undefined && !(maxEntrySize === Infinity || (Number.isInteger(maxEntrySize) && maxEntrySize > 0))) {
    throw typeError('E_OPTION', `configure(): maxEntrySize must be a positive integer number of bytes or Infinity; received ${describe(maxEntrySize)}.`, 'configure({ maxEntrySize: 1024 * 1024 })')
  }
  if (maxKeyLength !== undefined) checkMaxKeyLength(maxKeyLength)
  const endpoint = inspect === undefined ? undefined : checkInspect(inspect)
  let next: Map<string, Backend> | undefined
  if (backends !== undefined) {
    if (backends === null || typeof backends !== 'object') throw typeError('E_OPTION', `configure(): backends must be an object of named backends; received ${describe(backends)}.`)
    next = new Map(Object.entries(backends).map(([name, b]) => [name, checkBackend(name, b)]))
  }

  // Validated: apply.
  if (namespace !== undefined) globalCache.namespace = namespace
  if (ttlMs !== undefined) globalCache.ttl = ttlMs
  if (onError !== undefined) globalCache.onError = onError
  if (now !== undefined) globalCache.now = now
  if (signer !== undefined) globalCache.signer = signer
  if (maxEntrySize !== undefined) globalCache.maxEntrySize = maxEntrySize
  if (maxKeyLength !== undefined) globalCache.maxKeyLength = maxKeyLength
  if (next !== undefined) {
    if (!next.has('default')) {
      const old = globalCache.backends.get('default')
      next.set('default', old !== undefined && isValueBackend(old) ? old : defaultBackend())
    }
    const kept = new Set(next.values())
    for (const old of globalCache.backends.values()) {
      if (!kept.has(old)) old.close().catch(() => {})
    }
    globalCache.backends = next
  }
  if (endpoint !== undefined) applyInspect(endpoint)
  globalCache.gen++
}

/** @internal for tests: back to a fresh default memory backend and default settings. */
export function resetForTests(): void {
  for (const b of globalCache.backends.values()) b.close().catch(() => {})
  globalCache.backends = new Map([['default', defaultBackend()]])
  globalCache.breakers = new Map()
  globalCache.namespace = ''
  globalCache.ttl = 0
  globalCache.onError = undefined
  globalCache.now = Date.now
  globalCache.signer = null
  globalCache.maxEntrySize = Infinity
  globalCache.maxKeyLength = 512
  globalCache.ids.clear()
  globalCache.gen++
}
