// What the SWC expansion parses. @swc/core's parseSync hands the AST over as JSON (about 25 bytes
// per source byte), and that, not the parse, is most of the expansion's cost. The analysis reads
// only the statements that reach the macro, so before parsing, whole runs of statements from a
// depth-0 `export` to the next `export`/`import`, and else the inside of each top-level brace
// group ({ ... } of a function, class, block, object or type at depth 0), that cannot reach the
// macro are replaced by spaces: same length, same line breaks, so every span, index and Loc of
// the rest is unchanged, and `{ }` parses as the same construct it was. A syntax error in blanked
// code is then reported by the compile that follows, not by `expand`.
//
// A group is kept when its text names one of the macro's imports or mentions `fncache.macro`, and
// when it is a declaration's own list (`import { }`, `export { }`, `const { } =`, `import type { }`),
// so the imports and top-level names the emitter merges into stay whole. The scan is a tokenizer
// that is exact for the TypeScript it accepts and gives up (null: parse everything) on anything it
// cannot decide without a parser: JSX (.tsx/.js files are never sliced), a `/` after `)` or `}`
// (division or regular expression), `++ /`, identifiers with escapes, unterminated tokens.
// tests/swc/slice.test.ts checks that the sliced expansion equals the whole one on every fixture.

export interface Sliced {
  /** The code to parse: `code` with the unreachable groups blanked. */
  code: string
  /** `_`-prefixed words that were blanked: names the emitter must not give out (it only makes `_x` names). */
  hidden: string[]
}

const enum C { Tab = 9, Lf = 10, Cr = 13, Space = 32, Quote = 34, Dollar = 36, Apos = 39, LParen = 40, RParen = 41, Plus = 43, Comma = 44, Minus = 45, Dot = 46, Slash = 47, Zero = 48, Nine = 57, LBracket = 91, Backslash = 92, RBracket = 93, Underscore = 95, Backtick = 96, LBrace = 123, RBrace = 125, Star = 42 }

/** Words after which `/` starts a regular expression (after any other word it divides). */
const REGEX_AFTER = new Set(['return', 'typeof', 'instanceof', 'in', 'of', 'new', 'delete', 'void', 'throw', 'case', 'do', 'else', 'yield', 'await', 'extends'])
/** Depth-0 words whose following `{ }` declares names: never blanked. */
const LIST_AFTER = new Set(['import', 'export', 'type', 'const', 'let', 'var'])
/** Words whose `( )` is a statement head: a `/` after it starts a regular expression. */
const HEADS = new Set(['if', 'while', 'for', 'with'])
/** Depth-0 words that start the statement an import of the macro is written in. */
const STATEMENT = new Set(['import', 'export', 'const', 'let', 'var'])
/** Words of an import statement that are not the names it binds. */
const NOT_LOCAL = new Set(['import', 'export', 'from', 'as', 'type', 'typeof', 'const', 'let', 'var', 'require', 'default', 'await'])
const MACRO_STRING = /(['"])fncache\.macro(?:\/[^'"\n]*)?\1/g

const isIdStart = (c: number) => (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === C.Underscore || c === C.Dollar || c >= 0x80
const isIdPart = (c: number) => isIdStart(c) || (c >= C.Zero && c <= C.Nine)
const isLineBreak = (c: number) => c === C.Lf || c === C.Cr || c === 0x2028 || c === 0x2029

interface Group { start: number; end: number; list: boolean }

const blank = (run: string) => ' '.repeat(run.length)

/**
 * `code` with the brace groups that cannot reach the macro blanked, or null when nothing can be
 * blanked or the scan cannot be sure (then the caller parses `code` itself).
 */
export function sliceForAnalysis(code: string, filename: string | undefined): Sliced | null {
  // Only TypeScript without JSX: `<` and text in JSX would need a parser to tell apart.
  if (!/\.[cm]?ts$/.test(filename ?? '') || /\.d\.[cm]?ts$/.test(filename ?? '')) return null
  const scanned = scan(code)
  if (!scanned) return null
  const { groups, statements, exports } = scanned

  // The names a macro import binds: the words between the statement's first word and the string.
  const watched = new Set<string>()
  for (const m of code.matchAll(MACRO_STRING)) {
    let from = -1
    for (const s of statements) { if (s < m.index!) from = s; else break }
    if (from < 0) return null
    for (const w of code.slice(from, m.index).matchAll(/[A-Za-z_$][\w$]*/g)) if (!NOT_LOCAL.has(w[0])) watched.add(w[0])
  }
  if (watched.size === 0) return null
  const reaches = new RegExp(`fncache\\.macro|(?<![\\w$])(?:${[...watched].map((w) => w.replace(/\$/g, '\\$')).join('|')})(?![\\w$])`)

  // What to blank: whole runs of statements from a depth-0 `export` to the next `export`/`import`
  // (not the first: it holds the program's start), else the groups inside them.
  const spans: [number, number][] = []
  let g = 0
  for (let k = 0; k < exports.length; k++) {
    const start = exports[k]!
    const end = exports[k + 1] ?? code.length
    const whole = k > 0 && code.charCodeAt(start) === 101 /* e: export */ && !reaches.test(code.slice(start, end))
    if (whole) spans.push([start, end])
    for (; g < groups.length && groups[g]!.start < end; g++) {
      const group = groups[g]!
      if (whole || group.start < start || group.list || group.end - group.start < 16) continue
      if (!reaches.test(code.slice(group.start, group.end))) spans.push([group.start, group.end])
    }
  }
  let out = ''
  let last = 0
  const hidden: string[] = []
  for (const [start, end] of spans) {
    const inner = code.slice(start, end)
    if (inner.includes('_')) for (const w of inner.matchAll(/(?<![\w$])_[\w$]*/g)) hidden.push(w[0])
    out += code.slice(last, start) + inner.replace(/[^\n\r\u2028\u2029]+/g, blank)
    last = end
  }
  if (last === 0) return null
  return { code: out + code.slice(last), hidden }
}

/** Depth-0 brace groups (inside of the braces) and depth-0 statement words, or null when unsure. */
function scan(code: string): { groups: Group[]; statements: number[]; exports: number[] } | null {
  const groups: Group[] = []
  const statements: number[] = []
  // Where a statement surely starts: 0, and each depth-0 `export`, or `import` not followed by `(` or `.`
  // (reserved words: neither can continue the statement before them).
  const exports: number[] = [0]
  // Open brackets: '(' '[' '{' or '$' for a template's `${`.
  const stack: number[] = []
  let groupStart = -1
  let groupList = false
  // The last significant token: 'w' word, 'n' number, 's' string/regex/template, 'p' punctuator (its char in lastChar).
  let last: 'w' | 'n' | 's' | 'p' = 'p'
  let lastChar = 0
  // The last word's bounds (sliced only when a decision needs it).
  let wordStart = 0
  let wordEnd = 0
  const lastWord = () => code.slice(wordStart, wordEnd)
  let lastWordDot = false
  // Whether the last `)` closed the head of `if`/`while`/`for`/`with` (then `/` starts a regex), and whether the last punctuator was `++`/`--`.
  const heads: boolean[] = []
  let parenHead = false
  let incDec = false
  let i = code.startsWith('#!') ? code.indexOf('\n') : 0
  if (i < 0) return { groups, statements, exports }
  const n = code.length

  /** Scans a template's text from i (after '`' or '}'), leaving i after '`' or after '${'. */
  const template = (): boolean | null => {
    while (i < n) {
      const c = code.charCodeAt(i)
      if (c === C.Backslash) { i += 2; continue }
      if (c === C.Backtick) { i++; return false }
      if (c === C.Dollar && code.charCodeAt(i + 1) === C.LBrace) { i += 2; return true }
      i++
    }
    return null
  }

  while (i < n) {
    const c = code.charCodeAt(i)
    if (c === C.Space || c === C.Tab || isLineBreak(c) || c === 0xfeff || c === 0xa0 || c === 11 || c === 12) { i++; continue }
    if (c === C.Slash) {
      const d = code.charCodeAt(i + 1)
      if (d === C.Slash) { while (i < n && !isLineBreak(code.charCodeAt(i))) i++; continue }
      if (d === C.Star) { const close = code.indexOf('*/', i + 2); if (close < 0) return null; i = close + 2; continue }
      let regex: boolean
      if (last === 'w') regex = !lastWordDot && REGEX_AFTER.has(lastWord())
      else if (last === 'n' || last === 's') regex = false
      else if (lastChar === C.RParen) regex = parenHead
      else if (lastChar === C.RBrace || incDec) return null
      else regex = lastChar !== C.RBracket
      if (!regex) { i++; last = 'p'; lastChar = C.Slash; continue }
      i++
      let klass = false
      for (;;) {
        if (i >= n) return null
        const r = code.charCodeAt(i)
        if (isLineBreak(r)) return null
        if (r === C.Backslash) { i += 2; continue }
        if (r === C.LBracket) klass = true
        else if (r === C.RBracket) klass = false
        else if (r === C.Slash && !klass) { i++; break }
        i++
      }
      while (i < n && isIdPart(code.charCodeAt(i))) i++
      last = 's'
      continue
    }
    if (c === C.Quote || c === C.Apos) {
      i++
      for (;;) {
        if (i >= n) return null
        const q = code.charCodeAt(i)
        if (q === C.Backslash) { i += 2; continue }
        if (q === c) { i++; break }
        if (q === C.Lf || q === C.Cr) return null
        i++
      }
      last = 's'
      continue
    }
    if (c === C.Backtick) {
      i++
      const open = template()
      if (open === null) return null
      if (open) { stack.push(C.Dollar); last = 'p'; lastChar = C.LBrace } else last = 's'
      continue
    }
    if (c === C.Backslash) return null
    if (isIdStart(c)) {
      const start = i
      while (i < n && isIdPart(code.charCodeAt(i))) i++
      if (code.charCodeAt(i) === C.Backslash) return null
      lastWordDot = last === 'p' && lastChar === C.Dot
      wordStart = start
      wordEnd = i
      last = 'w'
      if (stack.length === 0 && !lastWordDot && STATEMENT.has(lastWord())) {
        statements.push(start)
        const word = lastWord()
        if (word === 'export' || (word === 'import' && !/^\s*[(.]/.test(code.slice(i, i + 40)))) {
          if (exports[exports.length - 1] === 0 && start > 0 && firstStatement(code) === start) exports[exports.length - 1] = start
          else exports.push(start)
        }
      }
      continue
    }
    if ((c >= C.Zero && c <= C.Nine) || (c === C.Dot && code.charCodeAt(i + 1) >= C.Zero && code.charCodeAt(i + 1) <= C.Nine)) {
      const hex = c === C.Zero && (code.charCodeAt(i + 1) | 32) === 120
      i++
      while (i < n) {
        const d = code.charCodeAt(i)
        if (isIdPart(d) || d === C.Dot) i++
        else if ((d === C.Plus || d === C.Minus) && !hex && (code.charCodeAt(i - 1) | 32) === 101) i++
        else break
      }
      last = 'n'
      continue
    }
    // Punctuators.
    incDec = (c === C.Plus || c === C.Minus) && code.charCodeAt(i + 1) === c
    if (incDec) i++
    if (c === C.LParen) heads.push(last === 'w' && !lastWordDot && wordEnd - wordStart <= 5 && HEADS.has(lastWord()))
    if (c === C.LParen || c === C.LBracket || c === C.LBrace) {
      if (c === C.LBrace && stack.length === 0) {
        groupStart = i + 1
        groupList = (last === 'w' && !lastWordDot && LIST_AFTER.has(lastWord())) || (last === 'p' && lastChar === C.Comma)
      }
      stack.push(c)
    } else if (c === C.RParen || c === C.RBracket || c === C.RBrace) {
      const open = stack.pop()
      if (open === undefined) return null
      if (open === C.Dollar) {
        if (c !== C.RBrace) return null
        i++
        const more = template()
        if (more === null) return null
        if (more) { stack.push(C.Dollar); last = 'p'; lastChar = C.LBrace } else last = 's'
        continue
      }
      if ((open === C.LParen) !== (c === C.RParen) || (open === C.LBracket) !== (c === C.RBracket)) return null
      if (c === C.RParen) parenHead = heads.pop()!
      if (c === C.RBrace && stack.length === 0) groups.push({ start: groupStart, end: i, list: groupList })
    }
    last = 'p'
    lastChar = c
    i++
  }
  if (stack.length) return null
  return { groups, statements, exports }
}

/** Index of the first token (comments and whitespace skipped). */
function firstStatement(code: string): number {
  const m = /^(?:#![^\n]*)?(?:\s|\/\/[^\n\r]*|\/\*[\s\S]*?\*\/)*/.exec(code)
  return m ? m[0].length : 0
}
