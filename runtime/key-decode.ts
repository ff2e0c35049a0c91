// The inverse of the encoder for what the memory store keys by value: a logical key's argument
// part back to the store key (one primitive, a path of primitives, or the encoded string). Tiered
// caches use it to drop exactly the L1 entry another process overwrote.

import { DIRECT, ENCODED, PATH, type KeyKind } from './backends/key-kind.js'

const NOT_PRIMITIVE = Symbol('not primitive')

function primitive(token: string): unknown {
  switch (token) {
    case 'true': return true
    case 'false': return false
    case 'null': return null
    case 'undefined': return undefined
    case 'NaN': return NaN
    case 'Infinity': return Infinity
    case '-Infinity': return -Infinity
  }
  if (token.endsWith('n') && /^-?\d+n$/.test(token)) return BigInt(token.slice(0, -1))
  if (/^-?(\d|\.\d)/.test(token)) {
    const n = Number(token)
    // -0 is not keyed by value (a Map folds it into 0): the whole key stays encoded.
    if (Number.isNaN(n) || Object.is(n, -0)) return NOT_PRIMITIVE
    return n
  }
  return NOT_PRIMITIVE
}

/**
 * Splits `encoded` (the output of encodeArgs) into the store key the memory backend uses for the
 * same call, or returns the encoded string itself as an ENCODED key when any value is not a
 * primitive kept by value.
 */
export function decodeStoreKey(encoded: string): { key: unknown; kind: KeyKind } {
  const values: unknown[] = []
  let i = 0
  while (i < encoded.length) {
    let end: number
    let value: unknown
    if (encoded[i] === '"') {
      end = i + 1
      while (end < encoded.length && encoded[end] !== '"') end += encoded[end] === '\\' ? 2 : 1
      end++
      try {
        value = JSON.parse(encoded.slice(i, end))
      } catch {
        return { key: encoded, kind: ENCODED }
      }
    } else {
      end = encoded.indexOf(',', i)
      if (end === -1) end = encoded.length
      value = primitive(encoded.slice(i, end))
      if (value === NOT_PRIMITIVE) return { key: encoded, kind: ENCODED }
    }
    values.push(value)
    if (end < encoded.length && encoded[end] !== ',') return { key: encoded, kind: ENCODED }
    i = end + 1
  }
  if (values.length === 1) return { key: values[0], kind: DIRECT }
  if (values.length >= 2) return { key: values, kind: PATH }
  return { key: encoded, kind: ENCODED }
}
