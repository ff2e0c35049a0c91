// Object keys by shape (the OBJECT key kind): a flat plain object of primitives, e.g. `{ id, page }`,
// is keyed in a memory store as `[shape, v1, v2, …]` — its shape (the sorted property names,
// interned once) followed by the values in that order — and found through a trie of Maps, so a hit
// builds no string. Value-equal copies, in any property order, give the same key, exactly as the
// encoded string `{"id":1,"page":2}` does; anything else (a nested value, -0, a symbol key, another
// prototype, too many properties) is left to the generic encoder.
//
// The exactness check without `Object.getOwnPropertySymbols` (a runtime call, most of a hit's
// cost): `for…in` compares the names with the last shape met (no array built), then
// `Object.assign` copies the object into the shape's *box*, a non-extensible object holding exactly
// the shape's names over a frozen, empty, null-rooted prototype. Assign copies every own
// enumerable property, string or symbol: one the box does not hold (an enumerable symbol key, which
// the encoder rejects, or any other extra name) cannot be added, so assign throws and the object
// goes to the encoder. Non-enumerable properties are not copied, and the encoder does not see them
// either. The values are then read from the box: each getter ran once, as the encoder runs it.

import { encodeEntries } from '../key.js'

/** The property names of a keyed object, sorted as the encoder sorts them. Interned: compare by identity. */
export interface Shape {
  readonly keys: readonly string[]
  /** For the frequency sketch (see key-hash.ts). */
  readonly hash: number
  /**
   * The box (see the top of this file): the values of the object last passed to {@link shapeFor}.
   * Made on first use (a shape interned by an older copy of the package has none).
   */
  box?: Record<string, unknown>
}

/** Objects with more properties go through the encoder (a deep trie buys nothing there). */
export const MAX_SHAPE_KEYS = 8
/**
 * Distinct shapes kept per process; past it, objects of new shapes use the encoder. Shapes come
 * from argument objects, which a caller may build with arbitrary property names (ids as keys): the
 * bound keeps that from growing memory without limit.
 */
export const MAX_SHAPES = 1024
/** The longest shape (property names joined) kept; longer ones use the encoder. */
const MAX_SHAPE_CHARS = 256

const OBJECT_PROTO = Object.prototype
/** The boxes' prototype: no properties and no setters, so assigning a name a box lacks throws. */
const BOX_PROTO: object = Object.freeze(Object.create(null))
/** A box is being filled: a getter of the object called a cached function (it then uses the encoder). */
let filling = false

interface Registry {
  /** Shapes by their property names in the order met (both orders of one set share a Shape). */
  byText: Map<string, Shape>
  /** Shapes by sorted names, for the decoder. */
  bySorted: Map<string, Shape>
}
// One registry per process, shared by every copy of the package (as MISS is, through Symbol.for):
// stores are shared through the GlobalCache, and a key made by one copy must find, and invalidate,
// an entry stored by another, which compares shapes by identity.
const REGISTRY = Symbol.for('fncache.macro/object-key-shapes')
const registry: Registry = ((globalThis as Record<symbol, Registry | undefined>)[REGISTRY] ??= { byText: new Map(), bySorted: new Map() })
const { byText, bySorted } = registry
/** The last shape met, with the names in the order met: most calls of a function repeat it. */
let lastNames: readonly string[] = []
let lastShape: Shape | undefined

function hashNames(names: readonly string[]): number {
  let h = 0x6b43a9b5 ^ names.length
  for (const n of names) {
    for (let i = 0; i < n.length; i++) h = Math.imul(h ^ n.charCodeAt(i), 0x01000193)
    h = Math.imul(h ^ 0x2c, 0x01000193)
  }
  return h
}

function intern(names: readonly string[]): Shape | undefined {
  // The separator cannot be confused: JSON-quoting each name keeps `a,b` (two names) apart from
  // `"a,b"` (one).
  const text = JSON.stringify(names)
  let shape = byText.get(text)
  if (shape !== undefined) return shape
  if (text.length > MAX_SHAPE_CHARS || byText.size >= MAX_SHAPES) return undefined
  const sorted = [...names].sort()
  const sortedText = JSON.stringify(sorted)
  shape = bySorted.get(sortedText)
  if (shape === undefined) {
    shape = { keys: sorted, hash: hashNames(sorted) }
    bySorted.set(sortedText, shape)
  }
  byText.set(text, shape)
  return shape
}

function shapeOf(names: string[]): Shape | undefined {
  const last = lastNames
  if (last.length === names.length) {
    let same = true
    for (let i = 0; i < names.length; i++) {
      if (names[i] !== last[i]) {
        same = false
        break
      }
    }
    if (same) return lastShape
  }
  const shape = intern(names)
  if (shape !== undefined) {
    lastNames = names
    lastShape = shape
  }
  return shape
}

/**
 * The store key `[shape, v1, …]` of `o`, or undefined when `o` is not a flat plain object of 1 to
 * {@link MAX_SHAPE_KEYS} primitives kept by value (the caller then encodes it). Enumerable
 * symbol-keyed properties send it to the encoder too, which rejects them.
 */
export function objectKey(o: object): unknown[] | undefined {
  const shape = shapeFor(o)
  if (shape === undefined) return undefined
  const keys = shape.keys
  const box = shape.box!
  const key: unknown[] = new Array(keys.length + 1)
  key[0] = shape
  for (let i = 0; i < keys.length; i++) {
    const v = box[keys[i]!]
    if (!isKeptByValue(v)) return emptyBox(shape)
    key[i + 1] = v
  }
  return key
}

/**
 * The shape of `o` when it may be keyed by shape (a plain object of 1 to {@link MAX_SHAPE_KEYS}
 * own enumerable string-keyed properties and no enumerable symbol key, shape interned), with
 * `o`'s values copied into `shape.box`: read them from there at once (the next call refills it);
 * they still need {@link isKeptByValue}.
 */
export function shapeFor(o: object): Shape | undefined {
  if (Object.getPrototypeOf(o) !== OBJECT_PROTO) return undefined
  let shape = sameAsLast(o)
  if (shape === undefined) {
    const names = Object.keys(o)
    const n = names.length
    if (n === 0 || n > MAX_SHAPE_KEYS) return undefined
    shape = shapeOf(names)
    if (shape === undefined) return undefined
  }
  if (filling) return undefined
  const box = shape.box ?? makeBox(shape)
  filling = true
  try {
    Object.assign(box, o)
  } catch {
    return undefined
  } finally {
    filling = false
  }
  return shape
}

// The last shape's names, checked without building an array: `for…in` lists the own enumerable
// string keys in Object.keys' order, then inherited enumerable ones (a polluted Object.prototype).
// Those come last, so when the last name listed is own, every name listed is.
function sameAsLast(o: object): Shape | undefined {
  const last = lastNames
  const n = last.length
  let i = 0
  for (const k in o) {
    if (i === n || k !== last[i]) return undefined
    i++
  }
  return i === n && n !== 0 && Object.hasOwn(o, last[n - 1]!) ? lastShape : undefined
}

/** The shape of these property names as the transform read them from a type (interned), or undefined. */
export function declaredShape(names: readonly string[]): Shape | undefined {
  return names.length === 0 || names.length > MAX_SHAPE_KEYS ? undefined : intern([...names].sort())
}

/** Marks a box's names before a fill: one the object lacks keeps it, which no key accepts. */
const ABSENT = Symbol('absent')

/**
 * Fills `shape.box` from `o` when `o` holds exactly `shape`'s names (the compiled path: the shape
 * comes from the parameter's type, so no lookup; the object is still checked, as a type cannot
 * rule out extra, missing or symbol keys). False: use {@link shapeFor}. A name `o` lacks is left
 * holding a symbol, which {@link isKeptByValue} rejects.
 */
export function fillDeclared(o: object, shape: Shape): boolean {
  if (Object.getPrototypeOf(o) !== OBJECT_PROTO || filling) return false
  const keys = shape.keys
  // Counted first so that another shape is turned away without a throw (Object.assign's).
  let n = 0
  for (const _ in o) n++
  if (n !== keys.length) return false
  const box = shape.box ?? makeBox(shape)
  for (let i = 0; i < keys.length; i++) box[keys[i]!] = ABSENT
  filling = true
  try {
    Object.assign(box, o)
  } catch {
    return false
  } finally {
    filling = false
  }
  return true
}

/** Drops the box's values (a nested object must not stay reachable from it); returns undefined. */
export function emptyBox(shape: Shape): undefined {
  const box = shape.box!
  for (const k of shape.keys) box[k] = undefined
  return undefined
}

function makeBox(shape: Shape): Record<string, unknown> {
  const box = Object.create(BOX_PROTO) as Record<string, unknown>
  // defineProperty, not `box[k] = …`: a name like "__proto__" must be an own data property.
  for (const k of shape.keys) Object.defineProperty(box, k, { value: undefined, writable: true, enumerable: true })
  Object.preventExtensions(box)
  // Not enumerable: printing a key must not show the last object's values.
  Object.defineProperty(shape, 'box', { value: box })
  return box
}

/** isDirect (call/context.ts), inlined: primitives but -0, which a Map folds into 0. */
export function isKeptByValue(v: unknown): boolean {
  const t = typeof v
  return t === 'number' ? v !== 0 || 1 / (v as number) > 0 : t === 'string' || t === 'boolean' || v == null || t === 'bigint'
}

/** The shape of these property names (any order) if one was interned, else undefined (for the decoder). */
export function knownShape(names: readonly string[]): Shape | undefined {
  return bySorted.get(JSON.stringify([...names].sort()))
}

/** The encoded form of an object key: exactly what the encoder gives for the object it came from. */
export function objectKeyText(key: readonly unknown[]): string {
  return encodeEntries((key[0] as Shape).keys, key, 1)
}
