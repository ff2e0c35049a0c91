// A byte-storing backend for runtime tests of the persistent path: the memory backend's Backend
// API (bytes under logical keys) without its value fast path, with optional sync twins and a
// switch that makes every operation fail like a dead server.

import type { Backend } from '../../runtime/backends/backend.js'
import { memory } from '../../runtime/backends/memory.js'
import { enableBytes } from '../../runtime/call/bytes-call.js'

export interface BytesBackend extends Backend {
  down: boolean
  /** Only reads fail (a half-broken server). */
  failGets: boolean
  calls: number
  sets: number
  inner: ReturnType<typeof memory>
}

export function bytesBackend(options: { sync?: boolean; now?: () => number } = {}): BytesBackend {
  enableBytes()
  const inner = memory({ max: 100_000, ...(options.now ? { now: options.now } : {}) })
  const b = {
    kind: 'bytes',
    down: false,
    failGets: false,
    calls: 0,
    sets: 0,
    inner,
  } as BytesBackend
  const guard = <A extends unknown[], R>(f: (...a: A) => R) => (...a: A): R => {
    b.calls++
    if (b.down) throw new Error('ECONNREFUSED (test backend is down)')
    return f(...a)
  }
  const guardAsync = <A extends unknown[], R>(f: (...a: A) => Promise<R>) => async (...a: A): Promise<R> => {
    b.calls++
    if (b.down) throw new Error('ECONNREFUSED (test backend is down)')
    return f(...a)
  }
  const get = guardAsync(inner.get.bind(inner))
  b.get = async (key) => {
    if (b.failGets) throw new Error('ETIMEDOUT (test backend read failed)')
    return get(key)
  }
  const set = guardAsync(inner.set.bind(inner))
  b.set = async (...a) => { b.sets++; return set(...a) }
  b.delete = guardAsync(inner.delete.bind(inner))
  b.invalidateTags = guardAsync(inner.invalidateTags.bind(inner))
  b.invalidatePrefix = guardAsync(inner.invalidatePrefix.bind(inner))
  b.clear = guardAsync(inner.clear.bind(inner))
  b.close = async () => {}
  b.stats = () => inner.stats()
  if (options.sync) {
    b.getSync = guard(inner.getSync.bind(inner))
    b.setSync = guard(inner.setSync.bind(inner))
    b.deleteSync = guard(inner.deleteSync.bind(inner))
    b.invalidateTagsSync = guard(inner.invalidateTagsSync.bind(inner))
    b.invalidatePrefixSync = guard(inner.invalidatePrefixSync.bind(inner))
    b.clearSync = guard(inner.clearSync.bind(inner))
  }
  return b
}

/** An in-process Bus: what Redis pub/sub does across processes, for runtime tests in one process. */
export function localBus(): { create(): import('../../runtime/backends/backend.js').Bus; sent: number } {
  const listeners = new Set<(m: import('../../runtime/backends/backend.js').BusMessage) => void>()
  const hub = {
    sent: 0,
    create() {
      let mine: ((m: import('../../runtime/backends/backend.js').BusMessage) => void) | undefined
      return {
        async publish(m: import('../../runtime/backends/backend.js').BusMessage) {
          hub.sent++
          for (const l of listeners) l(structuredClone(m))
        },
        async subscribe(on: (m: import('../../runtime/backends/backend.js').BusMessage) => void) {
          mine = on
          listeners.add(on)
        },
        async close() {
          if (mine) listeners.delete(mine)
        },
      }
    },
  }
  return hub
}

/** Adds acquire() to a byte backend: leases in a Map with expiry on the backend's clock. */
export function withLeases(b: BytesBackend, now: () => number): BytesBackend & { acquired: number } {
  const leases = new Map<string, number>()
  const out = b as BytesBackend & { acquired: number }
  out.acquired = 0
  out.acquire = async (key: string, leaseMs: number) => {
    const until = leases.get(key)
    if (until !== undefined && until > now()) return undefined
    leases.set(key, now() + leaseMs)
    out.acquired++
    return { release: async () => { leases.delete(key) } }
  }
  return out
}
