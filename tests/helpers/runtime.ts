// Test helpers for the runtime: a fake clock, a fresh configuration per test, and a counting
// function factory.

import { cached, configure } from '../../runtime/index.js'
import { resetForTests } from '../../runtime/configure.js'
import { resetWarnings } from '../../runtime/errors.js'

export interface FakeClock {
  t: number
  now: () => number
  advance(ms: number): void
}

export function fakeClock(start = 1_000_000): FakeClock {
  const c: FakeClock = {
    t: start,
    now: () => c.t,
    advance(ms: number) { c.t += ms },
  }
  return c
}

/** Resets the process cache and installs a fake clock. */
export function fresh(): FakeClock {
  resetForTests()
  resetWarnings()
  const clock = fakeClock()
  configure({ now: clock.now })
  return clock
}

const AsyncFunction = (async () => {}).constructor

/** A function that counts its calls (`f.n`); async when `impl` is, so the runtime sees the same kind. */
export function counting<A extends unknown[], R>(impl: (...args: A) => R): ((...args: A) => R) & { n: number } {
  const f = (impl instanceof AsyncFunction
    ? async (...args: A) => {
      f.n++
      return await impl(...args)
    }
    : (...args: A) => {
      f.n++
      return impl(...args)
    }) as unknown as ((...args: A) => R) & { n: number }
  f.n = 0
  return f
}

/** Resolves after all pending timers of 0 ms and microtasks have run. */
export const tick = () => new Promise<void>((r) => setTimeout(r, 0))

/** Collects process warnings emitted while `fn` runs. */
export async function captureWarnings(fn: () => unknown): Promise<{ code?: string; message: string }[]> {
  const seen: { code?: string; message: string }[] = []
  const onWarning = (w: Error & { code?: string }) => seen.push({ code: w.code, message: w.message })
  process.on('warning', onWarning)
  try {
    await fn()
    await tick()
  } finally {
    process.off('warning', onWarning)
  }
  return seen
}

/**
 * A source of truth (`s.db`) and a cached function whose first call is held until `s.release()`:
 * each call reads `db` when it starts, so a held call returns the value of before an update.
 */
export function gated(options: Record<string, unknown>) {
  const s = { db: 'v1', n: 0, release: () => {} }
  const get = cached(async (id: string) => {
    s.n++
    const v = s.db
    if (s.n === 1) await new Promise<void>((r) => { s.release = r })
    return `${id}=${v}`
  }, options as never) as ((id: string) => Promise<string>) & { invalidate(id: string): Promise<boolean>; clear(): Promise<void>; id: string }
  return { s, get }
}
