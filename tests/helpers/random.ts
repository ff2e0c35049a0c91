// Seeded randomness for tests: the same seed gives the same sequence on every machine.

/** A small seeded PRNG (mulberry32): uniform in [0, 1). */
export function mulberry32(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** `n` keys in 0 … keys-1, key k drawn with probability ∝ 1 / (k+1)^s (CDF + binary search). */
export function zipfTrace(n: number, keys: number, s: number, seed: number): Uint32Array {
  const cdf = new Float64Array(keys)
  let sum = 0
  for (let k = 0; k < keys; k++) cdf[k] = sum += 1 / Math.pow(k + 1, s)
  for (let k = 0; k < keys; k++) cdf[k] /= sum
  const random = mulberry32(seed)
  const trace = new Uint32Array(n)
  for (let i = 0; i < n; i++) {
    const u = random()
    let lo = 0
    let hi = keys - 1
    while (lo < hi) {
      const mid = (lo + hi) >>> 1
      if (cdf[mid] < u) lo = mid + 1
      else hi = mid
    }
    trace[i] = lo
  }
  return trace
}
