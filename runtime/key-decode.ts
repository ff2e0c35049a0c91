// The inverse of the encoder for what the memory store keys by value: a logical key's argument
// part back to the store key (one primitive, a path of primitives, an object key by shape, or the
// encoded string). Tiered caches use it to drop exactly the L1 entry another process overwrote.

import { DIRECT, ENCODED, OBJECT, PATH, type KeyKind } from './backends/key-kind.js'
import { MAX_SHAPE_KEYS, knownShape } from './backends/object-key.js'

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
  if (encoded.startsWith('{"') && encoded.endsWith('}')) return decodeObject(encoded)
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

/** A JSON string token starting at `i` (a `"`): its end (one past the closing quote), or -1. */
function stringEnd(text: string, i: number): number {
  let end = i + 1
  while (end < text.length && text[end] !== '"') end += text[end] === '\\' ? 2 : 1
  return end < text.length ? end + 1 : -1
}

/**
 * `{"id":1,"page":2}` (one plain object argument, keys sorted by the encoder) back to the object key
 * `[shape, 1, 2]`, when the memory store can hold it by shape: every value a primitive kept by value
 * and the shape already interned (no entry can have a shape that was never interned). Otherwise the
 * encoded string itself.
 */
function decodeObject(encoded: string): { key: unknown; kind: KeyKind } {
  const asEncoded = { key: encoded, kind: ENCODED as KeyKind }
  const names: string[] = []
  const values: unknown[] = []
  let i = 1
  const last = encoded.length - 1
  while (i < last) {
    if (names.length === MAX_SHAPE_KEYS || encoded[i] !== '"') return asEncoded
    const nameEnd = stringEnd(encoded, i)
    if (nameEnd === -1 || encoded[nameEnd] !== ':') return asEncoded
    let value: unknown
    let end: number
    try {
      names.push(JSON.parse(encoded.slice(i, nameEnd)) as string)
      if (encoded[nameEnd + 1] === '"') {
        end = stringEnd(encoded, nameEnd + 1)
        if (end === -1) return asEncoded
        value = JSON.parse(encoded.slice(nameEnd + 1, end))
      } else {
        end = encoded.indexOf(',', nameEnd + 1)
        if (end === -1 || end > last) end = last
        value = primitive(encoded.slice(nameEnd + 1, end))
        if (value === NOT_PRIMITIVE) return asEncoded
      }
    } catch {
      return asEncoded
    }
    values.push(value)
    if (end !== last && encoded[end] !== ',') return asEncoded
    i = end + 1
  }
  if (names.length === 0) return asEncoded
  const shape = knownShape(names)
  // The encoder sorts names, so the values are already in the shape's order.
  if (shape === undefined || shape.keys.some((k, j) => k !== names[j])) return asEncoded
  return { key: [shape, ...values], kind: OBJECT }
}
