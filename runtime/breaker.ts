// A circuit breaker per backend: after consecutive failures the backend is skipped for a
// cool-down (doubling up to a cap), then one call probes it. A dead server is not hammered and
// recovery needs no restart.

export class Breaker {
  #failures = 0
  #openUntil = 0
  #cooldown: number
  #probing = false
  constructor(
    readonly threshold = 5,
    readonly minCooldown = 1_000,
    readonly maxCooldown = 30_000,
    readonly now: () => number = Date.now,
  ) {
    this.#cooldown = minCooldown
  }

  /** Whether a call may go to the backend now. While open, a single probe passes after the cool-down. */
  allow(): boolean {
    if (this.#failures < this.threshold) return true
    if (this.#probing || this.now() < this.#openUntil) return false
    this.#probing = true
    return true
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
