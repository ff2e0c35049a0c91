// Tag and prefix invalidation across every configured backend. The async forms resolve once
// each backend has applied the invalidation (so other processes sharing it no longer see the
// entries); the sync forms serve backends with sync access only.

import type { Backend } from './backends/backend.js'
import { BackendError, describe, typeError } from './errors.js'
import { globalCache, isValueBackend, logInvalidation, namespaces } from './global.js'
import { DEBUG, debugLog } from './debug.js'

/** Options of {@link invalidateTags} and {@link invalidatePrefix}. */
export interface InvalidationOptions {
  /**
   * Mark the entries stale instead of removing them: callers within a function's
   * `staleWhileRevalidate` window get the stale value while one refresh per key runs (one per
   * key across processes on a Redis backend with `lock`). Entries of functions without a stale
   * window are removed, as by a hard invalidation. A value whose computation started before a
   * soft invalidation is stored stale. Backends that cannot mark (custom ones) remove.
   * @default false
   */
  soft?: boolean
}

/** Whether `options` asks for a soft invalidation (checked: a typo must not silently purge hard). */
function softOf(fnName: string, options: unknown): boolean {
  if (options === undefined) return false
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw typeError('E_OPTION', `${fnName}() expects its second argument to be an options object such as { soft: true }; received ${describe(options)}.`)
  }
  for (const k of Object.keys(options)) {
    if (k !== 'soft') throw typeError('E_OPTION', `${fnName}() has no option "${k}"; the only option is soft.`, `${fnName}(names, { soft: true })`)
  }
  const soft = (options as InvalidationOptions).soft
  if (soft !== undefined && typeof soft !== 'boolean') throw typeError('E_OPTION', `${fnName}() option soft must be true or false; received ${describe(soft)}.`)
  return soft === true
}

function list(fnName: string, what: string, input: unknown): readonly string[] {
  const arr = typeof input === 'string' ? [input] : input
  if (!Array.isArray(arr) || !arr.every((x) => typeof x === 'string')) {
    throw typeError('E_OPTION', `${fnName}() expects ${what} as a string or an array of strings; received ${describe(input)}.`)
  }
  return arr
}

/**
 * Storage names in a backend: memory keeps logical names; persistent backends add the namespace,
 * once for each namespace this process stores entries under (configure()'s and the functions' own).
 */
function scoped(b: Backend, names: readonly string[]): readonly string[] {
  if (isValueBackend(b)) return names
  const out: string[] = []
  for (const ns of namespaces()) for (const n of names) out.push(ns === '' ? n : `${ns}:${n}`)
  return out
}

async function acrossBackends(op: 'invalidateTags' | 'invalidatePrefix', names: readonly string[], soft: boolean): Promise<number> {
  const backends = [...globalCache.backends.entries()]
  // Backends that stamp invalidations refuse later writes of values computed before this moment.
  const at = globalCache.now()
  const opts = soft ? { at, soft } : { at }
  const results = await Promise.allSettled(backends.map(([, b]) => (op === 'invalidateTags' ? b.invalidateTags(scoped(b, names), opts) : b.invalidatePrefix(scoped(b, names), opts))))
  let n = 0
  const failures: BackendError[] = []
  results.forEach((r, i) => {
    if (r.status === 'fulfilled') n += r.value
    else failures.push(new BackendError(backends[i]![0], op, r.reason))
  })
  // An invalidation that did not reach a backend is not visible: the caller must know.
  if (failures.length === 1) throw failures[0]
  if (failures.length > 1) throw new AggregateError(failures, `[${BackendError.code}] ${failures.length} backends failed during ${op}.`)
  return n
}

function syncBackends(fnName: string): [string, Backend][] {
  const entries = [...globalCache.backends.entries()]
  const blocked = entries.filter(([, b]) => typeof b.invalidateTagsSync !== 'function' || typeof b.invalidatePrefixSync !== 'function')
  if (blocked.length > 0) {
    throw typeError('E_SYNC_ON_ASYNC_BACKEND', `${fnName}() cannot reach backend ${blocked.map(([n]) => `"${n}"`).join(', ')} synchronously; nothing was invalidated.`,
      `await ${fnName.replace(/Sync$/, '')}(...)`)
  }
  return entries
}

/**
 * Removes every entry filed under any of `tags`, in every backend (with `{ soft: true }`: marks
 * them stale, see {@link InvalidationOptions}). Resolves with the count covered (when backends report it).
 */
export async function invalidateTags(tags: string | readonly string[], options?: InvalidationOptions): Promise<number> {
  const names = list('invalidateTags', 'tags', tags)
  const soft = softOf('invalidateTags', options)
  logInvalidation(soft ? { tags: names, soft } : { tags: names })
  if (DEBUG) debugLog(soft ? 'soft-invalidate tags' : 'invalidate tags', names.join(' '))
  return acrossBackends('invalidateTags', names, soft)
}

/** Removes (with `{ soft: true }`: marks stale) every entry whose logical key starts with any of `prefixes`, in every backend. */
export async function invalidatePrefix(prefixes: string | readonly string[], options?: InvalidationOptions): Promise<number> {
  const names = list('invalidatePrefix', 'prefixes', prefixes)
  const soft = softOf('invalidatePrefix', options)
  logInvalidation(soft ? { prefixes: names, soft } : { prefixes: names })
  if (DEBUG) debugLog(soft ? 'soft-invalidate prefixes' : 'invalidate prefixes', names.join(' '))
  return acrossBackends('invalidatePrefix', names, soft)
}

/** {@link invalidateTags} for processes whose backends all have sync access (memory, file). */
export function invalidateTagsSync(tags: string | readonly string[], options?: InvalidationOptions): number {
  const names = list('invalidateTagsSync', 'tags', tags)
  const soft = softOf('invalidateTagsSync', options)
  const backends = syncBackends('invalidateTagsSync')
  logInvalidation(soft ? { tags: names, soft } : { tags: names })
  if (DEBUG) debugLog(soft ? 'soft-invalidate tags' : 'invalidate tags', names.join(' '))
  let n = 0
  const at = globalCache.now()
  const opts = soft ? { at, soft } : { at }
  for (const [, b] of backends) n += b.invalidateTagsSync!(scoped(b, names), opts)
  return n
}

/** {@link invalidatePrefix} for processes whose backends all have sync access (memory, file). */
export function invalidatePrefixSync(prefixes: string | readonly string[], options?: InvalidationOptions): number {
  const names = list('invalidatePrefixSync', 'prefixes', prefixes)
  const soft = softOf('invalidatePrefixSync', options)
  const backends = syncBackends('invalidatePrefixSync')
  logInvalidation(soft ? { prefixes: names, soft } : { prefixes: names })
  if (DEBUG) debugLog(soft ? 'soft-invalidate prefixes' : 'invalidate prefixes', names.join(' '))
  let n = 0
  const at = globalCache.now()
  const opts = soft ? { at, soft } : { at }
  for (const [, b] of backends) n += b.invalidatePrefixSync!(scoped(b, names), opts)
  return n
}
