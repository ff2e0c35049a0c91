// A circuit breaker per backend: after consecutive failures the backend is skipped (callers run
// their function uncached, fail-open). While open, one probe at a time checks the backend after a
// short cool-down (250 ms, doubling to at most 1 s), so the cache is back within about a second of
// the backend whatever the outage's length, and a dead server sees at most one probe per second
// per process (no herd). The probe is a read of a key that does not exist, sent in the
// background: no caller waits for it. Backends without `get` probe with the next call instead.

import { globalCache } from './global.js'

/** The key a background probe reads: never written, so a probe is one cheap miss. */
export const PROBE_KEY = '\u0000fncache:probe'

export class Breaker {
  #failures = 0
  #openUntil = 0
  #cooldown: number
  #probing = false
  #probeUntil = 0
  /** Probes sent since the breaker was made (tests and debugging count them). */
  probes = 0

  constructor(
    readonly threshold = 5,
    readonly minCooldown = 250,
    readonly maxCooldown = 1_000,
    readonly now: () => number = Date.now,
    /** Sends one probe; its settling closes or re-opens the breaker. Undefined: the next call probes. */
    readonly probe?: () => PromiseLike<unknown>,
    /** A probe that has not settled after this long (ms) no longer blocks the next one. */
    readonly probeTimeout = 5_000,
  ) {
    this.#cooldown = minCooldown
  }

  /**
   * Whether a call may go to the backend now. While open: false, and once the cool-down is over a
   * single probe goes out (in the background, or as this call when there is no probe function).
   */
  allow(): boolean {
    if (this.#failures < this.threshold) return true
    const t = this.now()
    if ((this.#probing && t < this.#probeUntil) || t < this.#openUntil) return false
    this.#probing = true
    this.#probeUntil = t + this.probeTimeout
    this.probes++
    if (this.probe === undefined) return true
    let p: PromiseLike<unknown>
    try {
      p = this.probe()
    } catch {
      this.failure()
      return false
    }
    Promise.resolve(p).then(() => this.success(), () => this.failure())
    return false
  }

  success(): void {
    this.#failures = 0
    this.#probing = false
    this.#cooldown = this.minCooldown
  }

  failure(): void {
    this.#failures++
    if (this.#failures >= this.threshold) {
      if (this.#probing) this.#cooldown = Math.min(this.maxCooldown, this.#cooldown * 2)
      this.#probing = false
      this.#openUntil = this.now() + this.#cooldown
    }
  }

  get open(): boolean {
    return this.#failures >= this.threshold
  }
}

/** The breaker of a backend: on the runtime's clock, probing with a background read when it can. */
export function breakerFor(backend: object): Breaker {
  const get = (backend as { get?: (key: string) => PromiseLike<unknown> }).get
  return new Breaker(5, 250, 1_000, () => globalCache.now(), typeof get === 'function' ? () => get.call(backend, PROBE_KEY) : undefined)
}
