// cached.batch: a per-id cached function over a function of many ids. Every per-id call goes
// through the ordinary wrap (hit paths, dedupe, stale serving, read-your-writes, every backend);
// what would be its computation is a "load" here instead: loads of one window join a queue, and
// each queue of up to maxBatch distinct ids becomes one call of the user's batch function. A
// per-id call started before an invalidation never stores (runtime/global.ts detaches it), so a
// batch in flight when invalidate()/invalidateTags() runs cannot write stale results back.

import { describe, typeError } from './errors.js'
import { parseDuration, DURATION_HINT } from './duration.js'
import { parseTemplate } from '../shared/template.js'
import { BATCH_PARAM } from '../shared/options.js'
import { cached as plainCached, wrap } from './wrap.js'
import type { BatchOptions, Cached } from './types.js'

/** Batch-only options, validated and removed before the rest go to the ordinary wrap. */
interface BatchConfig {
  /** Most distinct ids per call of the batch function. */
  maxBatch: number
  /** Milliseconds to collect loads before a call; 0: one turn of the event loop. */
  window: number
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyFn = (...args: any[]) => any
type Wrap = (fn: AnyFn, options: Record<string, unknown>) => unknown

interface Pending {
  resolve(v: unknown): void
  reject(e: unknown): void
}

interface Queue {
  /** Loads by id (Map keys: SameValueZero, so `NaN` and `-0`/`0` ids join as they would as keys). */
  loads: Map<unknown, Pending[]>
  self: unknown
  cancel: (() => void) | null
}

/** Runs `run` after the window: `ms` later, or for 0 after this turn's I/O callbacks. Returns the canceller. */
function schedule(run: () => void, ms: number): () => void {
  // setImmediate runs after the I/O callbacks of the current turn, so misses that a byte backend's
  // reads resolve together (file, Redis) join one batch, unlike a microtask. Each handle is
  // cleared by its own function: Node's clearImmediate given a Timeout corrupts its queue.
  const g = globalThis as { setImmediate?: (f: () => void) => unknown; clearImmediate?: (t: unknown) => void }
  if (ms === 0 && typeof g.setImmediate === 'function' && typeof g.clearImmediate === 'function') {
    const h = g.setImmediate(run)
    return () => g.clearImmediate!(h)
  }
  const h = setTimeout(run, ms)
  return () => clearTimeout(h)
}

function batchConfig(name: string, o: Record<string, unknown>): BatchConfig {
  const { maxBatch, batchWindow } = o
  if (maxBatch !== undefined && (typeof maxBatch !== 'number' || !(Number.isInteger(maxBatch) || maxBatch === Infinity) || maxBatch < 1)) {
    throw typeError('E_OPTION', `${name}: option maxBatch must be a positive integer (ids per call of the batch function); received ${describe(maxBatch)}.`, 'maxBatch: 100')
  }
  let window = 0
  if (batchWindow !== undefined) {
    const ms = parseDuration(batchWindow)
    if (ms === undefined || ms === Infinity) throw typeError('E_OPTION', `${name}: option batchWindow must be a finite duration (${DURATION_HINT}); received ${describe(batchWindow)}.`, 'batchWindow: 5')
    window = ms
  }
  if (o.key !== undefined) {
    throw typeError('E_OPTION', `${name}: cached.batch takes no key option: the key of each entry is its id.`, 'remove the key option, or use cached() for a function of several arguments')
  }
  if (Array.isArray(o.tags)) {
    for (const tag of o.tags) {
      if (typeof tag !== 'string') continue
      const bad = parseTemplate(tag).find((p) => 'name' in p && p.name !== BATCH_PARAM)
      if (bad && 'name' in bad) {
        throw typeError('E_OPTION', `${name}: tag "${tag}" names {${bad.written}}; in cached.batch a template names the element as {${BATCH_PARAM}} (or {${BATCH_PARAM}.field}), whatever the batch parameter is called.`, `tags: ['user:{${BATCH_PARAM}}']`)
      }
    }
  }
  return { maxBatch: (maxBatch as number | undefined) ?? Infinity, window }
}

/**
 * The per-id loader the ordinary wrap calls on a miss, and the scheduler behind it. `fn` is the
 * user's batch function; the loader's result is the element for its id (undefined when missing).
 */
function loaderOf(fn: AnyFn, name: string, cfg: BatchConfig): (this: unknown, id: unknown) => Promise<unknown> {
  let queue: Queue | null = null

  const dispatch = (q: Queue): void => {
    if (queue === q) queue = null
    q.cancel?.()
    const ids = [...q.loads.keys()]
    const settle = (each: (id: unknown, p: Pending) => void) => {
      for (const [id, waiting] of q.loads) for (const p of waiting) each(id, p)
    }
    let out: unknown
    try {
      out = fn.call(q.self, ids)
    } catch (e) {
      settle((_, p) => p.reject(e))
      return
    }
    Promise.resolve(out).then((result) => {
      let pick: (id: unknown, i: number) => unknown
      if (Array.isArray(result)) {
        if (result.length !== ids.length) {
          const e = typeError('E_BATCH_RESULT', `${name} returned ${result.length} results for ${ids.length} ids; a batch function returns one element per id, in the order of ids (undefined for a missing one), or a Map keyed by id.`)
          settle((_, p) => p.reject(e))
          return
        }
        pick = (_, i) => result[i]
      } else if (result instanceof Map) {
        pick = (id) => result.get(id)
      } else {
        const e = typeError('E_BATCH_RESULT', `${name} must return an array in the order of ids or a Map keyed by id; received ${describe(result)}.`)
        settle((_, p) => p.reject(e))
        return
      }
      let i = 0
      for (const [id, waiting] of q.loads) {
        const v = pick(id, i++)
        // An Error in place of an element fails that id alone (DataLoader's convention).
        for (const p of waiting) v instanceof Error ? p.reject(v) : p.resolve(v)
      }
    }, (e: unknown) => settle((_, p) => p.reject(e)))
  }

  return function load(this: unknown, id: unknown): Promise<unknown> {
    return new Promise((resolve, reject) => {
      let q = queue
      if (q === null) {
        const mine: Queue = q = queue = { loads: new Map(), self: this, cancel: null }
        mine.cancel = schedule(() => dispatch(mine), cfg.window)
      }
      const waiting = q.loads.get(id)
      if (waiting) waiting.push({ resolve, reject })
      else q.loads.set(id, [{ resolve, reject }])
      if (q.loads.size >= cfg.maxBatch) dispatch(q)
    })
  }
}

/**
 * Builds `cached.batch(fn, options)` on an ordinary wrap (`cached` for user options, `wrap` for
 * the transform's): the batch options are taken out, the rest describe the per-id function.
 */
export function batchWith(wrap: Wrap, fn: AnyFn, options: Record<string, unknown> | undefined): unknown {
  if (typeof fn !== 'function') {
    throw typeError('E_NOT_A_FUNCTION', `cached.batch() expects a function of an array of ids as its first argument; received ${describe(fn)}.`,
      "const getUser = cached.batch(async (ids: readonly string[]) => db.users.findMany(ids), { ttl: '5m' })")
  }
  const o = options ?? {}
  const name = typeof o.id === 'string' && o.id !== '' ? o.id : fn.name || 'anonymous'
  if (typeof o !== 'object' || o === null || Array.isArray(o)) {
    throw typeError('E_OPTION', `cached.batch(${name}, options): options must be an object; received ${describe(o)}.`)
  }
  const { maxBatch: _m, batchWindow: _w, ...rest } = o
  const loader = loaderOf(fn, name, batchConfig(name, o))
  // The per-id function is named after the batch function (the uncompiled id) and takes one
  // argument, so its keys are exactly those of a plain cached per-id function.
  Object.defineProperty(loader, 'name', { value: fn.name, configurable: true })
  return wrap(loader, { ...rest, params: [BATCH_PARAM], rest: false, async: true })
}

/** The types of `cached.batch`, shared by every entry that exposes it. */
export type BatchFn = <Id, R>(
  fn: (ids: readonly Id[]) => BatchResult<Id, R> | PromiseLike<BatchResult<Id, R>>,
  options?: BatchOptions<Id, R>,
) => Cached<(id: Id) => Promise<R | undefined>>

/** What a batch function returns: one element per id in order, or a Map keyed by id. */
export type BatchResult<Id, R> = readonly (R | undefined)[] | ReadonlyMap<Id, R>

/**
 * Wraps a function of many ids as a cached function of one id: callers call it per id; hits are
 * served as by `cached`; the misses of one window go to one call of `fn` (split by `maxBatch`),
 * and each element is stored under its own id. `fn` returns an array in the order of `ids`, or a
 * Map keyed by id; a missing element resolves its callers with `undefined`; an `Error` element,
 * or a failed call, rejects only the callers of those ids.
 */
export const batch: BatchFn = (fn, options) => batchWith(plainCached as Wrap, fn as AnyFn, options as Record<string, unknown> | undefined) as never

/** The transform's `cached.batch`: options normalised at build time. */
export const wrapBatch = (fn: AnyFn, options: Record<string, unknown>): unknown => batchWith(wrap as unknown as Wrap, fn, options)

/**
 * The runtime's `cached` (every form: `cached(fn)`, the decorators) with `cached.batch`: the
 * same function, so no call or decorator protocol goes through an extra layer.
 */
export const cached: typeof plainCached & { batch: BatchFn } = /* @__PURE__ */ Object.assign(plainCached, { batch })
