// A byte-storing backend for runtime tests of the persistent path: the memory backend's Backend
// API (bytes under logical keys) without its value fast path, with optional sync twins and a
// switch that makes every operation fail like a dead server.

import type { Backend } from '../../runtime/backends/backend.js'
import { memory } from '../../runtime/backends/memory.js'

export interface BytesBackend extends Backend {
  down: boolean
  calls: number
  inner: ReturnType<typeof memory>
}

export function bytesBackend(options: { sync?: boolean; now?: () => number } = {}): BytesBackend {
  const inner = memory({ max: 100_000, ...(options.now ? { now: options.now } : {}) })
  const b = {
    kind: 'bytes',
    down: false,
    calls: 0,
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
  b.get = guardAsync(inner.get.bind(inner))
  b.set = guardAsync(inner.set.bind(inner))
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
