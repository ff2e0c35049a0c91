// The one module that knows what an @swc/core span is: UTF-8 byte offsets (swc#2128), from a base
// that grew across parseSync calls up to @swc/core 1.15.40 and is reset from 1.15.41 (swc#1366,
// swc#8120), counted after a stripped BOM. Everything else sees UTF-16 indexes into the original
// string and Babel-style Locs (line 1-based, column 0-based in UTF-16 code units, BOM included).
import type { Loc, Pos } from '../core/index.js'

export interface Span { start: number; end: number }

export interface Spans {
  /** The UTF-16 index in the original code of a span offset. */
  index(offset: number): number
  /** Start and end indexes of a span. */
  range(span: Span): [number, number]
  /** The Loc of an index range. */
  loc(start: number, end: number): Loc
  /** The Loc of a span. */
  locOf(span: Span): Loc
}

const BOM = 0xfeff
const WHITESPACE = /[\t\v\f \u00a0\u1680\u2000-\u200a\u202f\u205f\u3000\ufeff\n\r\u2028\u2029]/

/** The UTF-16 index of the first token (a shebang counts as one), skipping whitespace and comments. */
export function firstTokenIndex(code: string, from = 0): number {
  let i = from
  if (code.startsWith('#!', i)) return i
  for (;;) {
    const c = code[i]
    if (c === undefined) return i
    if (WHITESPACE.test(c)) { i++; continue }
    if (c === '/' && code[i + 1] === '/') {
      i += 2
      while (i < code.length && !/[\n\r\u2028\u2029]/.test(code[i]!)) i++
      continue
    }
    if (c === '/' && code[i + 1] === '*') {
      const close = code.indexOf('*/', i + 2)
      i = close < 0 ? code.length : close + 2
      continue
    }
    return i
  }
}

/** UTF-8 length of code units [from, to). */
function utf8Length(code: string, from: number, to: number): number {
  let n = 0
  for (let i = from; i < to; i++) {
    const c = code.charCodeAt(i)
    if (c < 0x80) n += 1
    else if (c < 0x800) n += 2
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < to) { n += 4; i++ }
    else n += 3
  }
  return n
}

/**
 * Builds the converter for one parse of `code`. `moduleStart` is the parsed Module's `span.start`,
 * which sits on the first token: subtracting that token's byte offset gives the base, whatever
 * the @swc/core version (no global counter is assumed).
 */
export function createSpans(code: string, moduleStart: number): Spans {
  const bom = code.charCodeAt(0) === BOM ? 1 : 0
  const first = firstTokenIndex(code, bom)
  const ascii = !/[^\x00-\x7f]/.test(code)
  const base = moduleStart - (ascii ? first - bom : utf8Length(code, bom, first))

  // Byte offset (from the base) -> UTF-16 index: identity for ASCII, else a table built once.
  let table: Uint32Array | null = null
  if (!ascii) {
    table = new Uint32Array(utf8Length(code, bom, code.length) + 1)
    let byte = 0
    for (let i = bom; i < code.length; i++) {
      const c = code.charCodeAt(i)
      const units = c >= 0xd800 && c <= 0xdbff && i + 1 < code.length ? 2 : 1
      const width = c < 0x80 ? 1 : c < 0x800 ? 2 : units === 2 ? 4 : 3
      for (let k = 0; k < width; k++) table[byte + k] = i
      byte += width
      i += units - 1
    }
    table[byte] = code.length
  }

  // Line starts (UTF-16 indexes), with Babel's line terminators: \r\n, \n, \r, \u2028, \u2029.
  const starts = [0]
  const re = /\r\n?|[\n\u2028\u2029]/g
  for (let m = re.exec(code); m; m = re.exec(code)) starts.push(m.index + m[0].length)

  const index = (offset: number): number => {
    const byte = offset - base
    if (byte < 0) throw new RangeError(`span offset ${offset} is before the file's base ${base}`)
    if (!table) return Math.min(byte + bom, code.length)
    return table[Math.min(byte, table.length - 1)]!
  }
  const pos = (i: number): Pos => {
    let lo = 0
    let hi = starts.length - 1
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1
      if (starts[mid]! <= i) lo = mid
      else hi = mid - 1
    }
    return { line: lo + 1, column: i - starts[lo]! }
  }
  const loc = (start: number, end: number): Loc => ({ ...pos(start), end: pos(end) })
  return {
    index,
    range: (span) => [index(span.start), index(span.end)],
    loc,
    locOf: (span) => loc(index(span.start), index(span.end)),
  }
}
