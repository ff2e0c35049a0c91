// A linear pre-check of record bytes before cbor-x sees them. cbor-x decodes whatever CBOR it is
// given, and some of it is costly or unsafe on bytes someone else wrote: its bignum handler is
// quadratic in the byte length (a 300 KB tag-2 record took 48 s), record-definition tags
// (0xdf00..0xe7ff) make it compile readers with `new Function`, shared references and packed
// values build graphs we never write, and declared lengths are trusted for allocation. cbor-x has
// no option to refuse these, so this walk accepts only the shapes codec.ts writes: one definite
// item (indefinite containers allowed), the tags in ALLOWED, bignums up to a byte bound, a nesting
// bound, and every declared length within the bytes left. Hand-written because no CBOR library
// offers a validate-only pass with a tag allow-list; it never allocates per item.

/** Bounds applied to every record read from a persistent backend. */
export interface ScanLimits {
  /** Deepest nesting of arrays, maps and tags. */
  maxDepth: number
  /** Largest bignum (tags 2/3) payload, in bytes: cbor-x decodes them in quadratic time. */
  maxBignumBytes: number
}

/** 8 KiB bignums (a 19,700-digit number) decode in ~10 ms in cbor-x; deeper than 500 levels is not a value we write. */
export const SCAN_LIMITS: ScanLimits = { maxDepth: 500, maxBignumBytes: 8 * 1024 }

const FNC = 0x666e6300
// 1 epoch date, 2/3 bignums, 27 RegExp (['RegExp', source, flags]), 64..87 typed arrays,
// 258 Set, 259 Map, and codec.ts's own 0x666e63xx tags (format 01, wrappers 10..15).
const allowedTag = (t: number): boolean =>
  t === 1 || t === 2 || t === 3 || t === 27 || (t >= 64 && t <= 87) || t === 258 || t === 259 ||
  t === FNC + 0x01 || (t >= FNC + 0x10 && t <= FNC + 0x15)

/** Whether `b` is exactly one CBOR item of the shapes codec.ts writes, within `limits`. Linear time. */
export function scanRecord(b: Uint8Array, limits: ScanLimits = SCAN_LIMITS): boolean {
  const n = b.length
  let pos = 0
  // Items still expected in each open container; Infinity for an indefinite one (ends at 0xff).
  const left: number[] = [1]
  let bignum = false // the previous item was tag 2 or 3: this one must be a small byte string
  let chain = 0 // tags in a row (we write at most two: a wrapper around a typed array)
  while (left.length > 0) {
    const d = left.length - 1
    if (left[d] === 0) { left.pop(); continue }
    if (pos >= n) return false
    const ib = b[pos++]!
    if (ib === 0xff) {
      if (left[d] !== Infinity || bignum) return false
      left.pop()
      continue
    }
    const major = ib >> 5
    const info = ib & 31
    let len: number
    if (info < 24) len = info
    else if (info === 24) { if (pos + 1 > n) return false; len = b[pos]!; pos += 1 }
    else if (info === 25) { if (pos + 2 > n) return false; len = (b[pos]! << 8) | b[pos + 1]!; pos += 2 }
    else if (info === 26) { if (pos + 4 > n) return false; len = ((b[pos]! << 24) >>> 0) + ((b[pos + 1]! << 16) | (b[pos + 2]! << 8) | b[pos + 3]!); pos += 4 }
    else if (info === 27) {
      if (pos + 8 > n) return false
      const hi = ((b[pos]! << 24) >>> 0) + ((b[pos + 1]! << 16) | (b[pos + 2]! << 8) | b[pos + 3]!)
      const lo = ((b[pos + 4]! << 24) >>> 0) + ((b[pos + 5]! << 16) | (b[pos + 6]! << 8) | b[pos + 7]!)
      len = hi * 4294967296 + lo // only compared with what is left: precision loss is harmless
      pos += 8
    } else if (info === 31) len = -1
    else return false // 28..30 are reserved
    if (bignum && (major !== 2 || len < 0 || len > limits.maxBignumBytes)) return false
    bignum = false
    if (major === 6) {
      // A tag and its item are one item: the slot is taken by the item that follows.
      if (len < 0 || !allowedTag(len)) return false
      bignum = len === 2 || len === 3
      if (++chain > 3) return false
      continue
    }
    chain = 0
    left[d]!--
    switch (major) {
      case 0: case 1:
        if (len < 0) return false
        break
      case 2: case 3:
        // Indefinite strings (chunked) are never written by the encoder.
        if (len < 0 || len > n - pos) return false
        pos += len
        break
      case 4: case 5: {
        if (left.length >= limits.maxDepth) return false
        if (len < 0) { left.push(Infinity); break }
        const items = major === 4 ? len : len * 2
        if (items > n - pos) return false // every item takes at least one byte
        left.push(items)
        break
      }
      default: // 7: false, true, null, undefined, half/single/double floats; no other simple values
        if (!(info >= 20 && info <= 23) && !(info >= 25 && info <= 27)) return false
    }
  }
  return pos === n && !bignum
}
