import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import fc from 'fast-check'
import { hash128, boundKey, DEFAULT_MAX_KEY_LENGTH } from '../../runtime/hash.js'

// Reference MurmurHash3_x86_128 over bytes, transcribed from the C reference (SMHasher), with a
// seed; hash128(s) must equal it over the UTF-16LE bytes of s with seed 0.
function murmurBytes(data: Uint8Array, seed: number): [number, number, number, number] {
  const c1 = 0x239b961b, c2 = 0xab0e9789, c3 = 0x38b34ae5, c4 = 0xa1e38b93
  const rotl = (x: number, r: number) => (x << r) | (x >>> (32 - r))
  const fmix = (h: number) => {
    h ^= h >>> 16; h = Math.imul(h, 0x85ebca6b); h ^= h >>> 13; h = Math.imul(h, 0xc2b2ae35); return h ^ (h >>> 16)
  }
  const word = (o: number) => data[o]! | (data[o + 1]! << 8) | (data[o + 2]! << 16) | (data[o + 3]! << 24)
  const len = data.length
  let h1 = seed | 0, h2 = seed | 0, h3 = seed | 0, h4 = seed | 0
  const nblocks = len >>> 4
  for (let b = 0; b < nblocks; b++) {
    let k1 = word(b * 16), k2 = word(b * 16 + 4), k3 = word(b * 16 + 8), k4 = word(b * 16 + 12)
    k1 = Math.imul(k1, c1); k1 = rotl(k1, 15); k1 = Math.imul(k1, c2); h1 ^= k1
    h1 = rotl(h1, 19); h1 = (h1 + h2) | 0; h1 = (Math.imul(h1, 5) + 0x561ccd1b) | 0
    k2 = Math.imul(k2, c2); k2 = rotl(k2, 16); k2 = Math.imul(k2, c3); h2 ^= k2
    h2 = rotl(h2, 17); h2 = (h2 + h3) | 0; h2 = (Math.imul(h2, 5) + 0x0bcaa747) | 0
    k3 = Math.imul(k3, c3); k3 = rotl(k3, 17); k3 = Math.imul(k3, c4); h3 ^= k3
    h3 = rotl(h3, 15); h3 = (h3 + h4) | 0; h3 = (Math.imul(h3, 5) + 0x96cd1c35) | 0
    k4 = Math.imul(k4, c4); k4 = rotl(k4, 18); k4 = Math.imul(k4, c1); h4 ^= k4
    h4 = rotl(h4, 13); h4 = (h4 + h1) | 0; h4 = (Math.imul(h4, 5) + 0x32ac3b17) | 0
  }
  const t = nblocks * 16
  let k1 = 0, k2 = 0, k3 = 0, k4 = 0
  switch (len & 15) {
    case 15: k4 ^= data[t + 14]! << 16 // falls through
    case 14: k4 ^= data[t + 13]! << 8 // falls through
    case 13: k4 ^= data[t + 12]!
      k4 = Math.imul(k4, c4); k4 = rotl(k4, 18); k4 = Math.imul(k4, c1); h4 ^= k4 // falls through
    case 12: k3 ^= data[t + 11]! << 24 // falls through
    case 11: k3 ^= data[t + 10]! << 16 // falls through
    case 10: k3 ^= data[t + 9]! << 8 // falls through
    case 9: k3 ^= data[t + 8]!
      k3 = Math.imul(k3, c3); k3 = rotl(k3, 17); k3 = Math.imul(k3, c4); h3 ^= k3 // falls through
    case 8: k2 ^= data[t + 7]! << 24 // falls through
    case 7: k2 ^= data[t + 6]! << 16 // falls through
    case 6: k2 ^= data[t + 5]! << 8 // falls through
    case 5: k2 ^= data[t + 4]!
      k2 = Math.imul(k2, c2); k2 = rotl(k2, 16); k2 = Math.imul(k2, c3); h2 ^= k2 // falls through
    case 4: k1 ^= data[t + 3]! << 24 // falls through
    case 3: k1 ^= data[t + 2]! << 16 // falls through
    case 2: k1 ^= data[t + 1]! << 8 // falls through
    case 1: k1 ^= data[t]!
      k1 = Math.imul(k1, c1); k1 = rotl(k1, 15); k1 = Math.imul(k1, c2); h1 ^= k1
  }
  h1 ^= len; h2 ^= len; h3 ^= len; h4 ^= len
  h1 = (h1 + h2) | 0; h1 = (h1 + h3) | 0; h1 = (h1 + h4) | 0
  h2 = (h2 + h1) | 0; h3 = (h3 + h1) | 0; h4 = (h4 + h1) | 0
  h1 = fmix(h1); h2 = fmix(h2); h3 = fmix(h3); h4 = fmix(h4)
  h1 = (h1 + h2) | 0; h1 = (h1 + h3) | 0; h1 = (h1 + h4) | 0
  h2 = (h2 + h1) | 0; h3 = (h3 + h1) | 0; h4 = (h4 + h1) | 0
  return [h1 >>> 0, h2 >>> 0, h3 >>> 0, h4 >>> 0]
}

const utf16le = (s: string) => {
  const out = new Uint8Array(s.length * 2)
  for (let i = 0; i < s.length; i++) { out[2 * i] = s.charCodeAt(i) & 0xff; out[2 * i + 1] = s.charCodeAt(i) >>> 8 }
  return out
}
const hexLanes = (h: number[]) => h.map((x) => x.toString(16).padStart(8, '0')).join('')
const bits = (hex: string) => {
  let n = 0
  for (let i = 0; i < hex.length; i++) { let x = parseInt(hex[i]!, 16); while (x) { n += x & 1; x >>= 1 } }
  return n
}
const xorHex = (a: string, b: string) => {
  let out = ''
  for (let i = 0; i < a.length; i++) out += (parseInt(a[i]!, 16) ^ parseInt(b[i]!, 16)).toString(16)
  return out
}

const api = suite('API')

api('the default maxKeyLength is 512 characters', () => {
  assert.is(DEFAULT_MAX_KEY_LENGTH, 512)
})

api.run()

// ---

const h = suite('hash128')

h('hash128() returns 32 lowercase hex chars', () => {
  for (const s of ['', 'a', 'src/users.ts#getUser:"42"', 'x'.repeat(1000)]) {
    const out = hash128(s)
    assert.is(out.length, 32)
    for (const c of out) assert.ok('0123456789abcdef'.includes(c), out)
  }
})

h('hash128() of the empty string is MurmurHash3 x86_128 of nothing (all zero)', () => {
  assert.is(hash128(''), '0'.repeat(32))
})

h('the reference passes the SMHasher verification value 0xB3ECE62A', () => {
  const key = new Uint8Array(256)
  const hashes = new Uint8Array(256 * 16)
  for (let i = 0; i < 256; i++) {
    key[i] = i
    const lanes = murmurBytes(key.subarray(0, i), 256 - i)
    const view = new DataView(hashes.buffer, i * 16, 16)
    lanes.forEach((lane, j) => view.setUint32(j * 4, lane, true))
  }
  const final = murmurBytes(hashes, 0)
  assert.is(final[0], 0xb3ece62a)
})

h('hash128() equals MurmurHash3 x86_128 of the UTF-16LE bytes, for every tail length', () => {
  for (let n = 0; n < 40; n++) {
    const s = Array.from({ length: n }, (_, i) => String.fromCharCode(0x41 + i * 977 % 60000)).join('')
    assert.is(hash128(s), hexLanes(murmurBytes(utf16le(s), 0)), `length ${n}`)
  }
  fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 80 }), (s) => {
    assert.is(hash128(s), hexLanes(murmurBytes(utf16le(s), 0)))
  }), { numRuns: 2000, seed: 42 })
})

h('hash128() is deterministic (pinned values, identical on every platform)', () => {
  // Pinned so a change of algorithm or output order cannot slip in: stored keys depend on it.
  const pinned = Object.fromEntries(['a', 'src/users.ts#getUser:"42"', '\ud800', '😀'].map((s) => [s, hash128(s)]))
  assert.equal(pinned, Object.fromEntries(Object.keys(pinned).map((s) => [s, hexLanes(murmurBytes(utf16le(s), 0))])))
  assert.is(hash128('a'), hash128('a'))
})

h('hash128() hashes astral characters and lone surrogates by code unit', () => {
  const samples = ['😀', '\ud83d', '\ude00', '\ude00\ud83d', 'a\ud800b', '\ud800', '\udfff', '\ufffd', '?']
  const seen = new Set(samples.map(hash128))
  assert.is(seen.size, samples.length)
  // A lone surrogate must not collapse to U+FFFD as a TextEncoder round trip would.
  assert.is.not(hash128('\ud800'), hash128('\ufffd'))
})

h('hash128() has no collisions over 200k distinct short keys', () => {
  const seen = new Set<string>()
  for (let i = 0; i < 100_000; i++) seen.add(hash128('user:' + i))
  for (let i = 0; i < 100_000; i++) seen.add(hash128('src/a.ts#f:[' + i + ',"' + (i * 7919).toString(36) + '"]'))
  assert.is(seen.size, 200_000)
  // Even the first 32 bits alone should not collide much: ~4.7 expected for 200k values.
  const low = new Set([...seen].map((x) => x.slice(0, 8)))
  assert.ok(200_000 - low.size < 40, `${200_000 - low.size} 32-bit collisions`)
})

h('hash128() avalanches: one flipped input bit flips about half the output bits', () => {
  let total = 0
  let n = 0
  let worst = 128
  for (let i = 0; i < 300; i++) {
    const s = 'key:' + i + ':' + (i * 2654435761 >>> 0).toString(36)
    const base = hash128(s)
    for (let pos = 0; pos < s.length; pos++) {
      for (const bit of [0, 3, 6]) {
        const t = s.slice(0, pos) + String.fromCharCode(s.charCodeAt(pos) ^ (1 << bit)) + s.slice(pos + 1)
        const d = bits(xorHex(base, hash128(t)))
        total += d; n++; worst = Math.min(worst, d)
      }
    }
  }
  const mean = total / n
  assert.ok(mean > 62 && mean < 66, `mean flipped bits ${mean}`)
  assert.ok(worst > 30, `worst ${worst}`)
})

h.run()

// ---

const bound = suite('boundKey')

bound('boundKey() returns short keys unchanged', () => {
  assert.is(boundKey(''), '')
  assert.is(boundKey('user:42'), 'user:42')
  const exact = 'k'.repeat(512)
  assert.is(boundKey(exact), exact)
  assert.is(boundKey('k'.repeat(64), 64), 'k'.repeat(64))
})

bound('boundKey() cuts long keys to exactly max chars: head, #~, hash of the whole key', () => {
  const key = 'src/users.ts#getUser:' + JSON.stringify('x'.repeat(2000))
  const out = boundKey(key)
  assert.is(out.length, 512)
  assert.is(out, key.slice(0, 478) + '#~' + hash128(key))
  assert.ok(out.startsWith('src/users.ts#getUser:'), 'prefix survives in the head')
  for (const max of [64, 65, 100, 513, 4096]) {
    const long = 'z'.repeat(max + 1)
    assert.is(boundKey(long, max).length, max)
  }
})

bound('boundKey() is deterministic and keeps distinct long keys distinct', () => {
  const a = 'p:' + 'a'.repeat(600) + '1'
  const b = 'p:' + 'a'.repeat(600) + '2'
  assert.is(boundKey(a), boundKey(a))
  assert.is.not(boundKey(a), boundKey(b))
  fc.assert(fc.property(fc.string({ minLength: 65, maxLength: 300, unit: 'binary' }), (s) => {
    const out = boundKey(s, 64)
    assert.is(out.length, 64)
    assert.is(out, boundKey(s, 64))
    assert.ok(out.startsWith(s.slice(0, 30)))
  }), { numRuns: 500, seed: 7 })
})

bound('boundKey() counts UTF-16 code units for astral characters', () => {
  const key = '😀'.repeat(300) // 600 code units
  const out = boundKey(key)
  assert.is(out.length, 512)
  assert.is(out.slice(-32), hash128(key))
})

bound('boundKey() rejects a maxKeyLength that is not an integer >= 64', () => {
  for (const bad of [63, 0, -1, 100.5, NaN, Infinity, '512' as unknown as number]) {
    try {
      boundKey('k', bad)
      assert.unreachable(`accepted ${String(bad)}`)
    } catch (e) {
      assert.instance(e, TypeError)
      assert.is((e as { code?: string }).code, 'E_OPTION_INVALID')
      assert.match((e as Error).message, 'maxKeyLength')
    }
  }
})

bound.run()
