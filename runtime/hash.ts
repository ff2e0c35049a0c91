// A fast non-cryptographic 128-bit string hash, and the bounding of long logical keys to a fixed
// length (readable head + hash of the whole key). Collisions are detected by callers, which store
// the full key beside each record and compare it on read.

/** The longest logical key stored as is; longer keys become `head + '#~' + hash128(key)`. */
export const DEFAULT_MAX_KEY_LENGTH = 512

const C1 = 0x239b961b
const C2 = 0xab0e9789
const C3 = 0x38b34ae5
const C4 = 0xa1e38b93

/**
 * MurmurHash3 x86_128 (seed 0) of the string's UTF-16LE bytes, as 32 lowercase hex chars: the four
 * 32-bit lanes h1..h4, each as 8 big-endian hex digits. Code units are read directly (no
 * TextEncoder), so lone surrogates hash like any other unit and every platform agrees.
 */
export function hash128(s: string): string {
  const len = s.length
  let h1 = 0
  let h2 = 0
  let h3 = 0
  let h4 = 0
  // One 16-byte block = 8 code units, packed two per little-endian 32-bit word.
  const end = len - (len & 7)
  let i = 0
  for (; i < end; i += 8) {
    let k1 = s.charCodeAt(i) | (s.charCodeAt(i + 1) << 16)
    let k2 = s.charCodeAt(i + 2) | (s.charCodeAt(i + 3) << 16)
    let k3 = s.charCodeAt(i + 4) | (s.charCodeAt(i + 5) << 16)
    let k4 = s.charCodeAt(i + 6) | (s.charCodeAt(i + 7) << 16)

    k1 = Math.imul(rotl(Math.imul(k1, C1), 15), C2); h1 ^= k1
    h1 = rotl(h1, 19); h1 = (h1 + h2) | 0; h1 = (Math.imul(h1, 5) + 0x561ccd1b) | 0
    k2 = Math.imul(rotl(Math.imul(k2, C2), 16), C3); h2 ^= k2
    h2 = rotl(h2, 17); h2 = (h2 + h3) | 0; h2 = (Math.imul(h2, 5) + 0x0bcaa747) | 0
    k3 = Math.imul(rotl(Math.imul(k3, C3), 17), C4); h3 ^= k3
    h3 = rotl(h3, 15); h3 = (h3 + h4) | 0; h3 = (Math.imul(h3, 5) + 0x96cd1c35) | 0
    k4 = Math.imul(rotl(Math.imul(k4, C4), 18), C1); h4 ^= k4
    h4 = rotl(h4, 13); h4 = (h4 + h1) | 0; h4 = (Math.imul(h4, 5) + 0x32ac3b17) | 0
  }

  // Tail: r code units = 2r bytes; the reference's fall-through switch, by lane.
  const r = len & 7
  if (r > 0) {
    const u = (t: number) => (t < r ? s.charCodeAt(i + t) : 0)
    if (r >= 7) h4 ^= Math.imul(rotl(Math.imul(u(6), C4), 18), C1)
    if (r >= 5) h3 ^= Math.imul(rotl(Math.imul(u(4) | (u(5) << 16), C3), 17), C4)
    if (r >= 3) h2 ^= Math.imul(rotl(Math.imul(u(2) | (u(3) << 16), C2), 16), C3)
    h1 ^= Math.imul(rotl(Math.imul(u(0) | (u(1) << 16), C1), 15), C2)
  }

  const bytes = len * 2
  h1 ^= bytes; h2 ^= bytes; h3 ^= bytes; h4 ^= bytes
  h1 = (h1 + h2) | 0; h1 = (h1 + h3) | 0; h1 = (h1 + h4) | 0
  h2 = (h2 + h1) | 0; h3 = (h3 + h1) | 0; h4 = (h4 + h1) | 0
  h1 = fmix32(h1); h2 = fmix32(h2); h3 = fmix32(h3); h4 = fmix32(h4)
  h1 = (h1 + h2) | 0; h1 = (h1 + h3) | 0; h1 = (h1 + h4) | 0
  h2 = (h2 + h1) | 0; h3 = (h3 + h1) | 0; h4 = (h4 + h1) | 0
  return hex8(h1) + hex8(h2) + hex8(h3) + hex8(h4)
}

/**
 * `key` itself when it has at most `max` UTF-16 code units, else a string of exactly `max` units:
 * the key's first `max - 34` units, `'#~'`, and {@link hash128} of the whole key. The readable
 * head keeps prefix invalidation working for prefixes that fit in it.
 * @param max the `maxKeyLength` option: an integer >= 64. @default 512
 */
export function boundKey(key: string, max: number = DEFAULT_MAX_KEY_LENGTH): string {
  if (max !== DEFAULT_MAX_KEY_LENGTH) checkMaxKeyLength(max)
  if (key.length <= max) return key
  return key.slice(0, max - 34) + '#~' + hash128(key)
}

/** Throws the option error for an invalid `maxKeyLength`; exported for option validation. */
export function checkMaxKeyLength(max: unknown): asserts max is number {
  if (typeof max === 'number' && Number.isInteger(max) && max >= 64) return
  const got = typeof max === 'number' ? String(max) : typeof max
  throw Object.assign(
    new TypeError(`[E_OPTION_INVALID] maxKeyLength must be an integer >= 64 (32 hex chars of hash plus a readable head); received ${got}.\n  Try: maxKeyLength: ${DEFAULT_MAX_KEY_LENGTH}`),
    { code: 'E_OPTION_INVALID' as const },
  )
}

function rotl(x: number, r: number): number {
  return (x << r) | (x >>> (32 - r))
}

function fmix32(h: number): number {
  h ^= h >>> 16
  h = Math.imul(h, 0x85ebca6b)
  h ^= h >>> 13
  h = Math.imul(h, 0xc2b2ae35)
  return h ^ (h >>> 16)
}

function hex8(h: number): string {
  const s = (h >>> 0).toString(16)
  return s.length === 8 ? s : '00000000'.slice(s.length) + s
}
