// The generic argument encoder: turns a call's arguments into the string that identifies it in the
// cache. Deterministic, injective across types, independent of plain-object key order, readable for
// primitives. Compiled key builders reproduce these strings byte for byte for primitives.
//
// The rule: two arguments share a key only when the function cannot tell them apart. So an array
// hole is not `undefined` (`[1,,3]` vs `[1,undefined,3]`: `1 in a` differs), a Buffer is not a
// Uint8Array with the same bytes (`Buffer.isBuffer`, `.toString()`), and a null-prototype object
// is not a plain object (`'toString' in o`). What keys do not see, on purpose: non-enumerable and
// symbol-keyed properties (an enumerable symbol key is an error instead), extra non-index
// properties of arrays and the state of other built-ins beyond their value (a RegExp's lastIndex),
// and object identity (value-equal copies share a key: that is the point).

/** The value types keys accept, for messages. */
const ACCEPTS = 'keys accept primitives, plain objects, arrays, Date, Map, Set, BigInt and typed arrays'
const KEY_HINT = "choose the key parameters with { key: ['id'] }, or pass key: (...args) => a plain value."
const TAG_HINT = "template a primitive inside the argument (e.g. 'user:{user.id}'), or pass tags: (result, ...args) => [...]."

const OBJECT_PROTO = Object.prototype
const ARRAY_BUFFER_PROTO = ArrayBuffer.prototype
const DATE_PROTO = Date.prototype
const MAP_PROTO = Map.prototype
const SET_PROTO = Set.prototype
const REGEXP_PROTO = RegExp.prototype
// Node's Buffer (its instances' prototype), when there is one: a Uint8Array subclass the function
// can tell apart from a plain Uint8Array, so it gets its own name.
const BUFFER_PROTO: object | undefined = (globalThis as { Buffer?: { prototype: object } }).Buffer?.prototype
const TYPED_ARRAY_PROTOS = new Set<object>([
  Int8Array, Uint8Array, Uint8ClampedArray, Int16Array, Uint16Array, Int32Array, Uint32Array,
  Float32Array, Float64Array, BigInt64Array, BigUint64Array, DataView,
].map((c) => c.prototype))
// The %TypedArray%.prototype[@@toStringTag] getter returns the standard name even for subclasses
// (a Node Buffer says 'Uint8Array') and cannot be shadowed by a subclass's own toStringTag.
const typedArrayName = Object.getOwnPropertyDescriptor(
  Object.getPrototypeOf(Uint8Array.prototype), Symbol.toStringTag,
)!.get as (this: ArrayBufferView) => string
const HEX: string[] = []
for (let i = 0; i < 256; i++) HEX.push((i < 16 ? '0' : '') + i.toString(16))

/** Thrown inside the encoder; turned into the public TypeError once the path is known. */
class Unencodable {
  /** Path segments from the failing value up to the root (reversed on the way out). */
  readonly segments: string[] = []
  constructor(readonly found: string) {}
}

/**
 * The cache key of a call: each argument through {@link encodeValue}, joined by `,`.
 * Zero arguments give `''`. `paramNames[i]` names argument `i` in error messages (`null` or
 * missing: `argument i+1`).
 */
export function encodeArgs(args: ArrayLike<unknown>, fnId: string, paramNames?: readonly (string | null)[]): string {
  const n = args.length
  if (n === 0) return ''
  // Primitives are inlined so the common 1-3 argument call allocates nothing but the result.
  let out = ''
  for (let i = 0; i < n; i++) {
    const v = args[i]
    let part: string
    switch (typeof v) {
      case 'number': part = v === 0 && 1 / v < 0 ? '-0' : '' + v; break
      case 'string': part = quote(v); break
      case 'boolean': part = v ? 'true' : 'false'; break
      case 'undefined': part = 'undefined'; break
      default: part = encodeTop(v, fnId, paramNames?.[i] ?? null, i)
    }
    out = i === 0 ? part : out + ',' + part
  }
  return out
}

/**
 * The encoding of one value (see DESIGN.md section 2). `path` names the value in error messages,
 * e.g. `'filter'` or `'argument 2'`. Throws a TypeError with `code: 'E_KEY_UNENCODABLE'` for
 * functions, symbols, class instances and cycles.
 */
export function encodeValue(value: unknown, fnId: string, path: string): string {
  try {
    return enc(value, null)
  } catch (e) {
    if (e instanceof Unencodable) throw keyError(fnId, null, path, e)
    throw e
  }
}

/**
 * A value as it appears inside a tag template like `'user:{id}'`: user-facing, so `42` and `'42'`
 * both give `42`. Dates give their ISO string; other objects give {@link encodeValue}'s encoding.
 * `fnId` and `path` only improve error messages.
 */
export function tagPart(value: unknown, fnId = '', path = 'tag'): string {
  switch (typeof value) {
    case 'string': return value
    case 'number': case 'bigint': case 'boolean': return String(value)
    case 'undefined': return 'undefined'
  }
  if (value === null) return 'null'
  if (typeof value === 'object' && Object.getPrototypeOf(value) === DATE_PROTO) {
    const d = value as Date
    return Number.isNaN(d.getTime()) ? 'Invalid Date' : d.toISOString()
  }
  try {
    return enc(value, null)
  } catch (e) {
    if (e instanceof Unencodable) throw keyError(fnId, 'tag', path, e)
    throw e
  }
}

function encodeTop(v: unknown, fnId: string, name: string | null, index: number): string {
  try {
    return enc(v, null)
  } catch (e) {
    if (!(e instanceof Unencodable)) throw e
    throw keyError(fnId, 'param', name ?? `argument ${index + 1}`, e, name !== null)
  }
}

function enc(v: unknown, stack: object[] | null): string {
  switch (typeof v) {
    case 'number': return v === 0 && 1 / v < 0 ? '-0' : '' + v
    case 'string': return quote(v)
    case 'boolean': return v ? 'true' : 'false'
    case 'undefined': return 'undefined'
    case 'bigint': return v + 'n'
    case 'object': return v === null ? 'null' : encObject(v, stack)
    case 'function': throw new Unencodable('a function')
    default: throw new Unencodable('a symbol')
  }
}

function encObject(v: object, stack: object[] | null): string {
  // Only the current ancestry is tracked: a shared, non-cyclic reference encodes twice, fine.
  if (stack === null) stack = []
  else if (stack.includes(v)) throw new Unencodable('a circular reference')
  if (Array.isArray(v)) return encArray(v, stack)
  const proto = Object.getPrototypeOf(v)
  if (proto === OBJECT_PROTO) return encPlain(v as Record<string, unknown>, stack, '{')
  // `{__proto__:null,` is what the literal would say; a real "__proto__" key is quoted.
  if (proto === null) return encPlain(v as Record<string, unknown>, stack, '{__proto__:null')
  if (proto === DATE_PROTO) return 'Date(' + (v as Date).getTime() + ')'
  if (proto === MAP_PROTO) return encMap(v as Map<unknown, unknown>, stack)
  if (proto === SET_PROTO) return encSet(v as Set<unknown>, stack)
  // Standard views only (and Buffer): another subclass is a class instance like any other.
  if (ArrayBuffer.isView(v) && (TYPED_ARRAY_PROTOS.has(proto) || (proto === BUFFER_PROTO && proto !== undefined))) {
    const name = proto === BUFFER_PROTO ? 'Buffer' : v instanceof DataView ? 'DataView' : typedArrayName.call(v)
    return name + '(' + hex(new Uint8Array(v.buffer, v.byteOffset, v.byteLength)) + ')'
  }
  if (proto === ARRAY_BUFFER_PROTO) return 'ArrayBuffer(' + hex(new Uint8Array(v as ArrayBuffer)) + ')'
  if (proto === REGEXP_PROTO) return 'RegExp(' + JSON.stringify(String(v)) + ')'
  throw new Unencodable(describeInstance(proto))
}

function encArray(v: readonly unknown[], stack: object[]): string {
  stack.push(v)
  let out = '['
  let i = 0
  let hole = false
  try {
    // A hole is written as nothing, as in a literal: `[1,,3]`; a trailing one takes the literal's
    // extra comma (`[1,,]` has length 2), so `[,]` (one hole) and `[]` stay apart.
    for (; i < v.length; i++) {
      const x = v[i]
      hole = x === undefined && !(i in v)
      out += (i === 0 ? '' : ',') + (hole ? '' : enc(x, stack))
    }
  } catch (e) {
    if (e instanceof Unencodable) e.segments.push('[' + i + ']')
    throw e
  }
  stack.pop()
  return out + (hole ? ',]' : ']')
}

function encPlain(v: Record<string, unknown>, stack: object[], open: string): string {
  const symbols = Object.getOwnPropertySymbols(v)
  for (const s of symbols) {
    if (Object.prototype.propertyIsEnumerable.call(v, s)) throw new Unencodable(`a symbol key (${String(s)})`)
  }
  stack.push(v)
  const keys = Object.keys(v)
  // Most objects are written with their keys in one order: skip the sort when already sorted.
  for (let i = 1; i < keys.length; i++) {
    if (keys[i - 1]! > keys[i]!) {
      keys.sort()
      break
    }
  }
  let out = open
  let i = 0
  try {
    for (; i < keys.length; i++) {
      const k = keys[i]!
      out += (i === 0 && open === '{' ? '' : ',') + quote(k) + ':' + enc(v[k], stack)
    }
  } catch (e) {
    if (e instanceof Unencodable) e.segments.push(propertySegment(keys[i]!))
    throw e
  }
  stack.pop()
  return out + '}'
}

function encMap(v: Map<unknown, unknown>, stack: object[]): string {
  stack.push(v)
  const pairs: string[] = []
  v.forEach((val, k) => {
    const ek = encChild(k, stack, '[Map key]')
    pairs.push(ek + '=>' + encChild(val, stack, '.get(' + ek + ')'))
  })
  stack.pop()
  return 'Map{' + pairs.sort().join(',') + '}'
}

function encSet(v: Set<unknown>, stack: object[]): string {
  stack.push(v)
  const items: string[] = []
  v.forEach((item) => { items.push(encChild(item, stack, '[Set item]')) })
  stack.pop()
  return 'Set[' + items.sort().join(',') + ']'
}

function encChild(v: unknown, stack: object[], segment: string): string {
  try {
    return enc(v, stack)
  } catch (e) {
    if (e instanceof Unencodable) e.segments.push(segment)
    throw e
  }
}

/**
 * The encoding of a plain object given as sorted property names and their values (the memory
 * store's object keys): exactly {@link encodeValue} of that object, without building it.
 */
export function encodeEntries(names: readonly string[], values: ArrayLike<unknown>, offset: number): string {
  let out = '{'
  for (let i = 0; i < names.length; i++) out += (i === 0 ? '' : ',') + quote(names[i]!) + ':' + enc(values[offset + i], null)
  return out + '}'
}

/**
 * Exactly `JSON.stringify(s)`, about 2-5x faster for short strings that need no escaping (the
 * common key: an id, a slug, an email).
 */
function quote(s: string): string {
  if (s.length > 64) return JSON.stringify(s)
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i)
    // Controls, '"', '\' and surrogates (JSON.stringify escapes lone ones) take the slow path.
    if (c < 32 || c === 34 || c === 92 || (c >= 0xd800 && c <= 0xdfff)) return JSON.stringify(s)
  }
  return '"' + s + '"'
}

function hex(bytes: Uint8Array): string {
  let out = ''
  for (let i = 0; i < bytes.length; i++) out += HEX[bytes[i]!]
  return out
}

/** `.name` for identifier-like keys, `["a b"]` otherwise. */
function propertySegment(k: string): string {
  if (k.length === 0) return '[""]'
  for (let i = 0; i < k.length; i++) {
    const c = k.charCodeAt(i)
    const ok = c === 36 || c === 95 || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || (i > 0 && c >= 48 && c <= 57)
    if (!ok) return '[' + JSON.stringify(k) + ']'
  }
  return '.' + k
}

function describeInstance(proto: object): string {
  const ctor = (proto as { constructor?: unknown }).constructor
  const name = typeof ctor === 'function' ? ctor.name : ''
  // Object.create(proto) inherits `constructor: Object`; only a real class gives a useful name.
  if (name === '' || ctor === Object) return 'an object with a custom prototype'
  switch (name) {
    case 'Number': case 'String': case 'Boolean': case 'BigInt': case 'Symbol':
      return `a boxed ${name} (pass the primitive value)`
    case 'Promise': return 'a Promise (await it first)'
  }
  return ('AEIOU'.includes(name[0]!) ? 'an ' : 'a ') + name + ' instance'
}

function keyError(fnId: string, kind: 'param' | 'tag' | null, root: string, e: Unencodable, named = false): TypeError {
  const path = root + e.segments.reverse().join('')
  const where = path === root ? '' : ` at ${path}`
  let message: string
  if (kind === 'param') {
    const subject = named ? `parameter "${root}"` : root
    message = `cannot build a cache key for ${fnId}: ${subject} holds ${e.found}${where}; ${ACCEPTS}.\n  Try: ${KEY_HINT}`
  } else if (kind === 'tag') {
    const of = fnId ? ` for ${fnId}` : ''
    message = `cannot fill the tag ${root}${of}: found ${e.found}${where || ` at ${root}`}; tags accept the same values as keys.\n  Try: ${TAG_HINT}`
  } else {
    message = `cannot build a cache key for ${fnId}: found ${e.found} at ${path}; ${ACCEPTS}.\n  Try: ${KEY_HINT}`
  }
  return Object.assign(new TypeError(`[E_KEY_UNENCODABLE] ${message}`), { code: 'E_KEY_UNENCODABLE' as const })
}
