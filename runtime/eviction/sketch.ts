// The frequency sketch of TinyLFU (Einziger, Friedman & Manes, "TinyLFU: A Highly Efficient Cache
// Admission Policy", 2017), laid out as Caffeine's FrequencySketch: a count-min sketch of 4-bit
// counters, four rows, periodically halved so that old popularity fades.
//
// Layout. A Uint32Array word holds 8 counters (nibbles). A key's 32-bit hash is re-spread, then
// each of the four rows picks one word (its own multiplicative hash of the spread value) and one
// nibble in it: rows use nibbles `start + i`, where `start` (0 or 4) comes from the spread hash,
// so the four counters of a key never share a nibble position. The table has
// 2 × nextPow2(capacity) words, 16 counters per slot of capacity, as Caffeine sizes it.
//
// Aging. After `10 × capacity` counted additions (an increment that raised at least one counter),
// every counter is halved in one pass over the table (two word operations per word: O(table)
// every 10 × capacity additions, amortised O(1)). Caffeine also subtracts the truncation error of
// odd counters from the addition count; we simply halve the count, which only shifts the next
// halving by a few percent.
//
// Caffeine 3 groups a key's four counters in one 64-byte block (one cache line). Tried here: in an
// interleaved A/B it was 5–50 % slower than this layout (capacity 10,000 and 200,000), so not kept.
//
// Hand-written rather than a dependency: no npm package ships a typed-array count-min sketch with
// 4-bit counters and halving, and the policy needs it allocation-free on the hit path.

/** Row seeds: the low 32 bits of Caffeine's 64-bit seeds (all odd, so each multiply is a bijection). */
const SEED0 = 0x97cb3127 | 0
const SEED1 = 0xbe98f273 | 0
const SEED2 = 0x2f90404f | 0
const SEED3 = 0x84222325 | 0

/** The largest table (16 MiB): past 2^21 slots, more counters per key buy little accuracy. */
const MAX_WORDS = 2 ** 22

/** Additions between two halvings, per slot of capacity (Caffeine: 10). */
export const SAMPLE_FACTOR = 10

/** A well-mixed 32-bit value from any 32-bit hash (so weak key hashes still fill every row). */
function spread(x: number): number {
  x = Math.imul((x >>> 16) ^ x, 0x45d9f3b)
  x = Math.imul((x >>> 16) ^ x, 0x45d9f3b)
  return (x >>> 16) ^ x
}

/** The word of row `seed` for a spread hash. */
function rowIndex(h: number, seed: number, mask: number): number {
  const x = Math.imul((h + seed) | 0, seed)
  return (x + (x >>> 16)) & mask
}

export class FrequencySketch {
  #table: Uint32Array
  #mask: number
  #additions = 0
  #sample: number

  constructor(capacity: number) {
    const words = Math.min(2 * nextPow2(Math.max(capacity, 8)), MAX_WORDS)
    this.#table = new Uint32Array(words)
    this.#mask = words - 1
    this.#sample = SAMPLE_FACTOR * capacity
  }

  /** Counted additions since the last halving. */
  get additions(): number {
    return this.#additions
  }

  /** Additions between two halvings. */
  get sampleSize(): number {
    return this.#sample
  }

  /** The estimated count of `hash` (0 … 15): the smallest of its four counters. */
  frequency(hash: number): number {
    const h = spread(hash)
    const start = (h & 1) << 2
    const t = this.#table
    const m = this.#mask
    let f = (t[rowIndex(h, SEED0, m)]! >>> (start << 2)) & 15
    f = Math.min(f, (t[rowIndex(h, SEED1, m)]! >>> ((start + 1) << 2)) & 15)
    f = Math.min(f, (t[rowIndex(h, SEED2, m)]! >>> ((start + 2) << 2)) & 15)
    return Math.min(f, (t[rowIndex(h, SEED3, m)]! >>> ((start + 3) << 2)) & 15)
  }

  /** Counts one access of `hash`; halves every counter once the sample is full. */
  increment(hash: number): void {
    const h = spread(hash)
    const start = (h & 1) << 2
    const m = this.#mask
    // `|` and not `||`: all four counters are raised (those below 15), not just the first.
    const added = this.#add(rowIndex(h, SEED0, m), start) | this.#add(rowIndex(h, SEED1, m), start + 1)
      | this.#add(rowIndex(h, SEED2, m), start + 2) | this.#add(rowIndex(h, SEED3, m), start + 3)
    if (added !== 0 && ++this.#additions >= this.#sample) this.#halve()
  }

  /** Forgets every count. */
  clear(): void {
    this.#table.fill(0)
    this.#additions = 0
  }

  /** Raises nibble `offset` of word `index` unless saturated; 1 if raised. */
  #add(index: number, offset: number): number {
    const shift = offset << 2
    const w = this.#table[index]!
    if (((w >>> shift) & 15) === 15) return 0
    // The nibble is below 15, so the sum stays below 2^32; the typed array keeps it unsigned.
    this.#table[index] = w + (1 << shift >>> 0)
    return 1
  }

  // Each nibble n becomes ⌊n/2⌋: shift the word right by one and drop the bit that crossed into
  // each nibble from the one above.
  #halve(): void {
    const t = this.#table
    for (let i = 0; i < t.length; i++) t[i] = (t[i]! >>> 1) & 0x77777777
    this.#additions >>>= 1
  }
}

function nextPow2(n: number): number {
  let p = 1
  while (p < n) p *= 2
  return p
}
