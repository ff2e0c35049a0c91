// The tokenizer behind slice.ts: cuts a TypeScript file into runs of top-level statements and
// records, for each, the words it mentions, may declare at the top level and may assign. Exact
// for the TypeScript it accepts; null where it cannot decide without a parser (see slice.ts).

const enum C { Tab = 9, Lf = 10, Cr = 13, Space = 32, Quote = 34, Dollar = 36, Apos = 39, LParen = 40, RParen = 41, Star = 42, Plus = 43, Comma = 44, Minus = 45, Dot = 46, Slash = 47, Zero = 48, Nine = 57, Semicolon = 59, At = 64, LBracket = 91, Backslash = 92, RBracket = 93, Underscore = 95, Backtick = 96, LBrace = 123, RBrace = 125 }

/** Words after which `/` starts a regular expression (after any other word it divides). */
const REGEX_AFTER = new Set(['return', 'typeof', 'instanceof', 'in', 'of', 'new', 'delete', 'void', 'throw', 'case', 'do', 'else', 'yield', 'await', 'extends'])
/** Words whose `( )` is a statement head: a `/` after it starts a regular expression. */
const HEADS = new Set(['if', 'while', 'for', 'with'])
/** Depth-0 words that start the statement an import of the macro is written in. */
const STATEMENT = new Set(['import', 'export', 'const', 'let', 'var'])
/** Words that declare the binding pattern after them. */
const DECLARE = new Set(['const', 'let', 'var'])
/** Words after which a line break does not end the statement before a `function` or `class`. */
const CONTINUES = new Set([...REGEX_AFTER, 'export', 'default', 'declare', 'async', 'abstract', 'as', 'satisfies', 'import', 'from'])
/** What may follow a name assigned to (comments and `in`/`of` included, to stay on the safe side). */
const ASSIGNS = /\s*(?:=(?![=>])|[-+*/%&|^]=|\*\*=|<<=|>>>?=|&&=|\|\|=|\?\?=|\+\+|--|\/[/*]|(?:of|in)(?![\w$]))/y
/** Depth-0 words after which a word is the name of a top-level binding (`import x = ...` aside: an import declares all its words). */
const NAMES_NEXT = new Set(['const', 'let', 'var', 'using', 'function', 'class', 'enum', 'namespace', 'module'])

/** Whether an assignment may follow index `at` (most tokens are told apart by their first character). */
function assigns(code: string, at: number): boolean {
  let c = code.charCodeAt(at)
  while (c === C.Space || c === C.Tab) c = code.charCodeAt(++at)
  // = + - * / % & | ^ < > ? o(f) i(n), or a line break (then the regular expression decides).
  if (!(c === 61 || c === 43 || c === 45 || c === 42 || c === 47 || c === 37 || c === 38 || c === 124 || c === 94 || c === 60 || c === 62 || c === 63 || c === 111 || c === 105 || c === C.Lf || c === C.Cr)) return false
  ASSIGNS.lastIndex = at
  return ASSIGNS.test(code)
}

/** An import's keywords, told from the same words as local names by what follows them. */
const IMPORT_KEYWORD = /^(?:from\s*['"]|as\s+[A-Za-z_$\u0080-\uffff]|(?:type|typeof)\s*(?:[{*]|(?!from\s*['"])[A-Za-z_$\u0080-\uffff])|require\s*\()/

const isIdStart = (c: number) => (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === C.Underscore || c === C.Dollar || c >= 0x80
const isIdPart = (c: number) => isIdStart(c) || (c >= C.Zero && c <= C.Nine)
const isLineBreak = (c: number) => c === C.Lf || c === C.Cr || c === 0x2028 || c === 0x2029

/** A run of top-level statements and what it may declare, assign and mention. */
export interface Run {
  start: number
  /** Every word not after a `.` (repeats included). */
  words: string[]
  /** Words that may be a top-level name this run declares. */
  declared: string[]
  /** Words that may be assigned here. */
  assigned: string[]
  /** A `var` below the top level: every word may be declared. */
  all: boolean
  /** An import: every word but its keywords may be declared. */
  importing: boolean
  /** A destructuring or parenthesised assignment target: every word may be assigned. */
  pattern: boolean
}

const newRun = (start: number): Run => ({ start, words: [], declared: [], assigned: [], all: false, importing: false, pattern: false })

/** The runs of top-level statements and the depth-0 statement words, or null when unsure. */
export function scan(code: string): { runs: Run[]; statements: number[] } | null {
  const statements: number[] = []
  const runs: Run[] = [newRun(0)]
  let run = runs[0]!
  // Open brackets: '(' '[' '{' or '$' for a template's `${`, and what each was opened after (OPEN_*).
  const stack: number[] = []
  const opened: number[] = []
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
  // A line break since the last token; any token yet; inside a decorated statement (before its `class`).
  let lineBreak = false
  let started = false
  let decorating = false
  let i = code.startsWith('#!') ? code.indexOf('\n') : 0
  if (i < 0) return { runs, statements }
  const n = code.length

  /** Whether a statement surely ended before the current token (a `function`, `class` or `@` then starts one). */
  const ended = (): boolean => {
    if (!started) return true
    if (last === 'p') return lastChar === C.Semicolon || lastChar === C.RBrace || (lineBreak && (lastChar === C.RParen || lastChar === C.RBracket))
    if (last === 'w') return lineBreak && (lastWordDot || !CONTINUES.has(lastWord()))
    return lineBreak
  }
  const boundary = (at: number) => { if (started) runs.push((run = newRun(at))) }

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
    if (c === C.Space || c === C.Tab || c === 0xfeff || c === 0xa0 || c === 11 || c === 12) { i++; continue }
    if (isLineBreak(c)) { lineBreak = true; i++; continue }
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
      started = true
      lineBreak = false
      if (!regex) { i++; last = 'p'; lastChar = C.Slash; incDec = false; continue }
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
      started = true
      lineBreak = false
      continue
    }
    if (c === C.Backtick) {
      i++
      const open = template()
      if (open === null) return null
      if (open) { stack.push(C.Dollar); opened.push(0); last = 'p'; lastChar = C.LBrace } else last = 's'
      started = true
      lineBreak = false
      continue
    }
    if (c === C.Backslash) return null
    if (isIdStart(c)) {
      const start = i
      while (i < n && isIdPart(code.charCodeAt(i))) i++
      if (code.charCodeAt(i) === C.Backslash) return null
      const afterDot = last === 'p' && lastChar === C.Dot
      const word = code.slice(start, i)
      if (!afterDot) {
        const depth = stack.length
        if (depth === 0) {
          const after = last === 'w' && !lastWordDot ? lastWord() : ''
          let starts = false
          if (word === 'export') starts = !decorating
          else if (word === 'import') starts = !decorating && after !== 'export' && !/^\s*[(.]/.test(code.slice(i, i + 40))
          else if (word === 'const' || word === 'var' || (word === 'let' && /^\s+[A-Za-z_$[{]/.test(code.slice(i, i + 40)))) starts = after !== 'export' && after !== 'declare'
          else if (word === 'function' || word === 'class' || (word === 'async' && /^[ \t]+function(?![\w$])/.test(code.slice(i, i + 40)))) starts = !decorating && ended()
          if (word === 'class') decorating = false
          if (starts) boundary(start)
          if (STATEMENT.has(word)) statements.push(start)
          // A top-level name is declared after these words, or after `,` (`let a, b`) or `*` (`function*`).
          if (NAMES_NEXT.has(after) || (last === 'p' && (lastChar === C.Comma || lastChar === C.Star))) run.declared.push(word)
          if (word === 'import' && starts) run.importing = true
        } else {
          if (opened[0]! & OPEN_TOP_PATTERN) run.declared.push(word)
          if (word === 'var') run.all = true
        }
        if (run.importing && !IMPORT_KEYWORD.test(code.slice(start, i + 24))) run.declared.push(word)
        run.words.push(word)
        if ((incDec && last === 'p') || assigns(code, i)) run.assigned.push(word)
      }
      lastWordDot = afterDot
      wordStart = start
      wordEnd = i
      last = 'w'
      started = true
      lineBreak = false
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
      started = true
      lineBreak = false
      continue
    }
    // Punctuators.
    if (c === C.At && stack.length === 0) {
      if (!decorating && ended()) boundary(i)
      decorating = true
    }
    const wasIncDec = incDec && last === 'p'
    incDec = (c === C.Plus || c === C.Minus) && code.charCodeAt(i + 1) === c
    if (incDec) i++
    if (c === C.LParen) heads.push(last === 'w' && !lastWordDot && wordEnd - wordStart <= 5 && HEADS.has(lastWord()))
    if (c === C.LParen || c === C.LBracket || c === C.LBrace) {
      let how = 0
      const word = last === 'w' && !lastWordDot ? lastWord() : ''
      if (DECLARE.has(word)) how |= OPEN_DECLARATION
      if (stack.length === 0 && (how || (last === 'p' && lastChar === C.Comma))) how |= OPEN_TOP_PATTERN
      if (c === C.LBracket && (last === 'n' || last === 's' || (last === 'p' && (lastChar === C.RParen || lastChar === C.RBracket)) || (last === 'w' && !REGEX_AFTER.has(word) && !how))) how |= OPEN_MEMBER
      // `++(x)`: the parenthesised target is assigned.
      if (wasIncDec) run.pattern = true
      stack.push(c)
      opened.push(how)
    } else if (c === C.RParen || c === C.RBracket || c === C.RBrace) {
      const open = stack.pop()
      const how = opened.pop()!
      if (open === undefined) return null
      if (open === C.Dollar) {
        if (c !== C.RBrace) return null
        i++
        const more = template()
        if (more === null) return null
        if (more) { stack.push(C.Dollar); opened.push(0); last = 'p'; lastChar = C.LBrace } else last = 's'
        lineBreak = false
        continue
      }
      if ((open === C.LParen) !== (c === C.RParen) || (open === C.LBracket) !== (c === C.RBracket)) return null
      if (c === C.RParen) parenHead = heads.pop()!
      // `[a, b] = `, `({ a } = o)`, `(x)++`, `for ([k, v] of`: a pattern assigns the names in it.
      if (!(how & (OPEN_DECLARATION | OPEN_MEMBER)) && assigns(code, i + 1)) run.pattern = true
    }
    last = 'p'
    lastChar = c
    started = true
    lineBreak = false
    i++
  }
  if (stack.length) return null
  return { runs, statements }
}

/** What a bracket was opened after: `const`/`let`/`var` (a declaration's pattern). */
const OPEN_DECLARATION = 1
/** At depth 0 after `const`/`let`/`var` or `,`: a top-level declaration's pattern (its words may be declared names). */
const OPEN_TOP_PATTERN = 2
/** A `[` after an expression: a member access, not a pattern. */
const OPEN_MEMBER = 4
