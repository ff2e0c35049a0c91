// Histograms with fixed logarithmic buckets. A bucket index is a count of leading zeros, so an
// observation costs one clz32, one array increment and two adds: cheap enough for every timed miss.
// The buckets are fixed (not configurable) so that every process and every exporter agrees on
// them, and Prometheus can sum series across processes.

/**
 * Bucket bounds `2^(first + step * i)` grid units, i = 0..n-1, plus +Inf. Observations are in
 * grid units (integers where exact: microseconds, bytes); `perUnit` grid units make one exposition
 * unit (1e6 µs per second; 1 byte per byte).
 */
export class Scale {
  /** Upper bounds in exposition units (seconds, bytes), without +Inf. */
  readonly bounds: readonly number[]
  readonly #lo: number
  readonly #hi: number
  constructor(readonly perUnit: number, readonly first: number, readonly step: number, readonly n: number) {
    this.bounds = Array.from({ length: n }, (_, i) => 2 ** (first + step * i) / perUnit)
    this.#lo = 2 ** first
    this.#hi = 2 ** (first + step * (n - 1))
  }

  /** The bucket of `v` grid units: the first whose bound is >= v; `n` is +Inf. */
  index(v: number): number {
    if (!(v > this.#lo)) return 0
    if (v > this.#hi) return this.n
    // ceil(log2(ceil(v))), exact for every integer below 2^31 (#hi keeps v there).
    const log2 = 32 - Math.clz32(Math.ceil(v) - 1)
    return ((log2 - this.first + this.step - 1) / this.step) | 0
  }
}

/** Latency: 1 µs, 2 µs, 4 µs ... 2^25 µs (33.6 s), +Inf. Observed in microseconds. */
export const LATENCY = new Scale(1e6, 0, 1, 26)
/** Entry sizes: 64 B, 256 B, 1 KiB ... 64 MiB (x4 each), +Inf. Observed in bytes. */
export const SIZES = new Scale(1, 6, 2, 11)

export class Histogram {
  /** Observations per bucket (not cumulative); the last one is +Inf. */
  readonly counts: Float64Array
  /** Sum of the observations, in grid units. */
  sum = 0
  count = 0
  constructor(readonly scale: Scale) {
    this.counts = new Float64Array(scale.n + 1)
  }

  observe(v: number): void {
    this.counts[this.scale.index(v)]!++
    this.sum += v
    this.count++
  }

  /** Adds another histogram of the same scale into this one (snapshots, exporters). */
  add(h: Histogram): this {
    const c = this.counts
    const o = h.counts
    for (let i = 0; i < c.length; i++) c[i]! += o[i]!
    this.sum += h.sum
    this.count += h.count
    return this
  }

  reset(): void {
    this.counts.fill(0)
    this.sum = 0
    this.count = 0
  }

  /**
   * The q-quantile in exposition units, interpolated linearly inside its bucket (Prometheus'
   * histogram_quantile rule: the first bucket starts at 0, the +Inf bucket answers the last
   * finite bound). 0 when empty.
   */
  quantile(q: number): number {
    if (this.count === 0) return 0
    const rank = q * this.count
    const bounds = this.scale.bounds
    let seen = 0
    for (let i = 0; i < bounds.length; i++) {
      const n = this.counts[i]!
      if (n > 0 && seen + n >= rank) {
        const lo = i === 0 ? 0 : bounds[i - 1]!
        return lo + (bounds[i]! - lo) * ((rank - seen) / n)
      }
      seen += n
    }
    return bounds[bounds.length - 1]!
  }
}

/** What a snapshot reports of a histogram, in its exposition unit (seconds or bytes). */
export interface Distribution {
  /** Observations: timed misses, backend operations or entries written. */
  count: number
  /** Sum of the observations (seconds or bytes). */
  sum: number
  /** sum / count; 0 when empty. */
  mean: number
  /** Median, estimated from the buckets (seconds or bytes); 0 when empty. */
  p50: number
  /** 99th percentile, estimated from the buckets; 0 when empty. */
  p99: number
}

export function distribution(h: Histogram): Distribution {
  const sum = h.sum / h.scale.perUnit
  return { count: h.count, sum, mean: h.count === 0 ? 0 : sum / h.count, p50: h.quantile(0.5), p99: h.quantile(0.99) }
}
