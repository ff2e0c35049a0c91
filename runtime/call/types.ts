// The shapes the call path shares: a function's binding to a backend (Bound), a call's key
// (CallKey), what a call learns about its write (Note) and its entry in flight (Flight), and
// BytePath, the one interface between the memory path and the byte path (bytes-call.ts registers
// it through enableBytes, so an app that only caches in memory never loads the byte path).

import type { Backend } from '../backends/backend.js'
import type { KeyKind, MemoryEngine, MemoryStore } from '../backends/memory.js'
import type { Breaker } from '../breaker.js'
import type { Counters } from '../metrics.js'
import type { FnContext } from './context.js'
export type AnyFn = (...args: any[]) => any

/** The backend a function is bound to. */
export interface Bound {
  gen: number
  backend: Backend
  /** The backend's name in configure({ backends }). */
  name: string
  counters: Counters
  fnId: string
  /** The backend's circuit breaker: byte backends only (null on memory). */
  breaker: Breaker | null
  /** The byte path, for byte and tiered backends (null on memory). */
  bytes: BytePath | null
  /** Set when the backend holds live values (memory, or a tiered backend's L1): the fast path. */
  store: MemoryStore | null
  mem: MemoryEngine | null
  /** True when `backend` is a tiered backend: a miss in `store` falls through to its L2 bytes. */
  tiered: boolean
  sync: boolean
  /** Effective TTL in ms; 0: no expiry. */
  ttl: number
  /** Storage-key namespace, with its separator. */
  ns: string
}

/** Where a value read from or written to the shared tier is also kept in this process (tiered L1). */
export interface Local {
  put(value: unknown, fresh: number, tags: readonly string[]): void
}

/** What a call learns about its own write: `refused` when a shared backend refused it (an invalidation overtook it). */
export interface Note {
  refused: boolean
}

/** A call in flight that later callers of its key may share. */
export interface Flight extends Note {
  p: Promise<unknown>
  args: ArrayLike<unknown>
}

/** "No value" where undefined is a value. */
export const NONE = Symbol('none')

/** The key of one call: the store key (a primitive, a path of primitives, an object key or an encoded string) and how to look it up. */
export interface CallKey {
  key: unknown
  kind: KeyKind
}

/**
 * What the memory path (wrap.ts, memory-call.ts, methods.ts) asks of the byte path
 * (bytes-call.ts): the whole call on a byte backend, and a tiered backend's L2 below its L1.
 * `logical` is the call's logical key (prefix + encoded arguments, no namespace).
 */
export interface BytePath {
  /** A call on a byte backend (file, Redis, custom). */
  call(ctx: FnContext, bound: Bound, self: unknown, args: ArrayLike<unknown>): unknown
  /** A miss in a tiered backend's L1: L2 answers (or the function runs); `local` keeps the value in L1. */
  tieredMiss(ctx: FnContext, bound: Bound, self: unknown, args: ArrayLike<unknown>, logical: string, local: Local): unknown
  /** Stores a result computed on an L1 miss into L2 (and, once L2 accepted it, into L1). */
  tieredPut(ctx: FnContext, bound: Bound, logical: string, args: ArrayLike<unknown>, local: Local): Put
  /** Calls and stores without reading first (refresh()). */
  refresh(ctx: FnContext, bound: Bound, self: unknown, args: ArrayLike<unknown>, logical: string, local?: Local): unknown
  /** The fresh value stored for `logical`, else undefined (peek()); sync when the backend and the function are. */
  peek(ctx: FnContext, bound: Bound, logical: string): unknown
  /** Deletes the entry of `logical`, stamped so a computation in flight elsewhere cannot write it back. */
  remove(ctx: FnContext, bound: Bound, logical: string): boolean | undefined | Promise<boolean | undefined>
  /** The circuit breaker of a byte backend (one per backend). */
  breaker(backend: Backend): Breaker
}

/** Stores a result; `epoch` is the invalidation epoch and `since` the clock when its computation started. */
export type Put = (value: unknown, epoch: number, since: number, note: Note) => void | Promise<void>

export function isThenable(v: unknown): v is PromiseLike<unknown> {
  return v !== null && (typeof v === 'object' || typeof v === 'function') && typeof (v as { then?: unknown }).then === 'function'
}
