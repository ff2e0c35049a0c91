// The one GlobalCache of a process, kept on globalThis under a registered symbol so that two
// copies of the package (ESM and CJS, or two versions in node_modules) share backends, metrics
// and invalidations.

import type { Backend } from './backends/backend.js'
import { Counters } from './metrics.js'
import type { Breaker } from './breaker.js'
import type { Signer } from './sign.js'

export interface ErrorContext {
  /** What failed: `'get'`, `'set'`, `'delete'`, `'invalidateTags'`, `'encode'`, `'tags'`... */
  operation: string
  backend?: string
  functionId?: string
}

export interface GlobalCache {
  readonly version: 1
  /** Bumped by configure(): wrappers re-resolve their backend when it changes. */
  gen: number
  now: () => number
  namespace: string
  /** Default TTL in ms; 0 means none. */
  ttl: number
  backends: Map<string, Backend>
  breakers: Map<Backend, Breaker>
  onError: ((error: unknown, context: ErrorContext) => void) | undefined
  /** Signs and verifies persistent records when configure({ sign }) is set. */
  signer: Signer | null
  /** Bytes (persistent: the encoded record; memory: the size estimate) above which a result is not stored. */
  maxEntrySize: number
  /** Storage keys longer than this are bounded by hashing (runtime/hash.ts boundKey). */
  maxKeyLength: number
  /** Every (function, backend) counter set, for metrics snapshots. */
  counters: Counters[]
  /** Ids taken by wrappers, with the function each wraps (uncompiled duplicates get a suffix). */
  ids: Map<string, { fn: Function; version: string }>
  /** Invalidation epoch and log: a call that started before an invalidation does not store a result it covers. */
  epoch: number
  inflight: number
  log: LogEntry[]
  /** Calls in flight by the epoch they started in, so the log can be pruned under steady load. Optional for older copies. */
  live?: Map<number, number>
  /**
   * Calls in flight that started in the current epoch: counted here, not in `live`, because a miss
   * pays for every Map write (most calls start and end within one epoch); an invalidation moves
   * this count into `live` under the epoch it ends.
   */
  liveNow?: number
  /**
   * Functions with calls in flight (shared by dedupe): each invalidation detaches the calls it
   * covers. Optional because an older copy of the package may have created this object.
   */
  busy?: Set<Detachable>
  /**
   * Namespaces given to wrapped functions themselves (transform config, `namespace` option), beside
   * `namespace`: invalidations reach entries stored under each. Optional for older copies.
   */
  spaces?: Set<string>
  /**
   * The byte path (records, codec, signing, breaker), registered by the first byte backend made
   * (call/bytes-call.ts enableBytes): a memory-only app never loads it. Optional for older copies.
   */
  bytePath?: import('./call/types.js').BytePath
}

/** What one invalidation covers, by logical key (no namespace). None of the fields: everything. */
export interface Coverage {
  /** Exact logical keys (a function's invalidate()). */
  keys?: readonly string[]
  tags?: readonly string[]
  prefixes?: readonly string[]
  /** A soft invalidation: what it covers becomes stale, not gone (see runtime/soft.ts). */
  soft?: boolean
}

export interface LogEntry extends Coverage {
  epoch: number
}

/** A function whose shared calls in flight can be detached from later callers. */
export interface Detachable {
  detach(what: Coverage): void
}

const KEY = Symbol.for('fncache.macro/global')

function create(): GlobalCache {
  const g: GlobalCache = {
    version: 1,
    gen: 0,
    now: Date.now,
    namespace: '',
    ttl: 0,
    backends: new Map(),
    breakers: new Map(),
    onError: undefined,
    signer: null,
    maxEntrySize: Infinity,
    maxKeyLength: 512,
    counters: [],
    ids: new Map(),
    epoch: 0,
    inflight: 0,
    log: [],
  }
  // The default memory backend is created on first use (wrap.ts), which keeps this module free
  // of a dependency on the backends.
  return g
}

export const globalCache: GlobalCache = ((globalThis as Record<symbol, GlobalCache | undefined>)[KEY] ??= create())

/** True for backends that hold live values in this process (the memory backend, from any copy of the package). */
/** Where a MemoryBackend keeps its slot engine; registered, so every copy of the package finds it. */
export const MEMORY_ENGINE: unique symbol = Symbol.for('fncache.macro/memory-engine') as never

export function isValueBackend(b: Backend): b is import('./backends/memory.js').MemoryBackend {
  const engine = (b as unknown as Record<symbol, unknown>)[MEMORY_ENGINE]
  return b.kind === 'memory' && typeof engine === 'object' && engine !== null
}

/**
 * Records an invalidation so in-flight calls do not store what it covers, and detaches the
 * calls it covers from later callers (they start afresh instead of sharing an older call).
 */
export function logInvalidation(entry: Coverage): void {
  const now = globalCache.liveNow ?? 0
  if (now > 0) {
    const live = (globalCache.live ??= new Map())
    live.set(globalCache.epoch, (live.get(globalCache.epoch) ?? 0) + now)
    globalCache.liveNow = 0
  }
  globalCache.epoch++
  if (globalCache.inflight > 0) globalCache.log.push({ epoch: globalCache.epoch, ...entry })
  if (globalCache.busy !== undefined && globalCache.busy.size > 0) for (const f of [...globalCache.busy]) f.detach(entry)
}

/** Every namespace entries of this process may be stored under: configure()'s and the functions' own. */
export function namespaces(): string[] {
  const all = new Set([globalCache.namespace])
  if (globalCache.spaces !== undefined) for (const ns of globalCache.spaces) all.add(ns)
  return [...all]
}

/** Whether `c` covers an entry with this logical key; `tags`: its tags (undefined: none), or true when unknown yet. */
export function covers(c: Coverage, logicalKey: string, tags: readonly string[] | undefined | true): boolean {
  if (c.tags === undefined && c.prefixes === undefined && c.keys === undefined) return true
  if (c.keys !== undefined && c.keys.includes(logicalKey)) return true
  if (c.prefixes !== undefined && c.prefixes.some((p) => logicalKey.startsWith(p))) return true
  if (c.tags !== undefined && tags !== undefined) return tags === true || c.tags.some((t) => tags.includes(t))
  return false
}

/**
 * Whether an invalidation since `epoch` covers a result with this logical key and these tags:
 * `'soft'` when only soft ones do (the result may then be stored stale, see runtime/soft.ts).
 */
export function invalidatedSince(epoch: number, logicalKey: string, tags: readonly string[] | undefined): boolean | 'soft' {
  if (epoch === globalCache.epoch) return false
  let soft = false
  for (const e of globalCache.log) {
    if (e.epoch > epoch && covers(e, logicalKey, tags)) {
      if (e.soft !== true) return true
      soft = true
    }
  }
  return soft ? 'soft' : false
}

export function callStarted(): number {
  globalCache.inflight++
  globalCache.liveNow = (globalCache.liveNow ?? 0) + 1
  return globalCache.epoch
}

export function callEnded(epoch: number): void {
  const live = globalCache.live
  if (epoch === globalCache.epoch) globalCache.liveNow = Math.max(0, (globalCache.liveNow ?? 1) - 1)
  else if (live !== undefined) {
    const n = (live.get(epoch) ?? 1) - 1
    if (n <= 0) live.delete(epoch)
    else live.set(epoch, n)
  }
  if (--globalCache.inflight <= 0) {
    // Nothing in flight: every count starts again from zero (also resyncs after an older copy's calls).
    globalCache.inflight = 0
    globalCache.liveNow = 0
    if (live !== undefined && live.size > 0) live.clear()
    if (globalCache.log.length > 0) globalCache.log.length = 0
  } else if (globalCache.log.length > 64) {
    // Calls overlap without pause (a busy server): keep only what calls still in flight can need.
    let oldest = (globalCache.liveNow ?? 0) > 0 ? globalCache.epoch : Infinity
    if (live !== undefined) for (const e of live.keys()) if (e < oldest) oldest = e
    if (oldest !== Infinity && globalCache.log[0]!.epoch <= oldest) globalCache.log = globalCache.log.filter((e) => e.epoch > oldest)
  }
}

/** Reports a cache-side failure once per operation and backend, through onError or a warning. */
export function reportError(error: unknown, context: ErrorContext, warn: (code: string, key: string, message: string) => void): void {
  if (globalCache.onError) {
    try {
      globalCache.onError(error, context)
    } catch {
      // A throwing onError must not turn a cache failure into a caller failure.
    }
    return
  }
  const what = context.backend ? `backend "${context.backend}"` : 'the cache'
  const reason = String((error as Error)?.message ?? error).replace(/\.+$/, '')
  // One warning per backend (a dead server fails every operation) or per failing function hook.
  warn('FNCACHE_BACKEND_ERROR', context.backend ?? `${context.functionId}:${context.operation}`,
    `${what} failed during ${context.operation}${context.functionId ? ` for ${context.functionId}` : ''}: ${reason}. Calls are served without the cache; pass configure({ onError }) to handle these.`)
}
