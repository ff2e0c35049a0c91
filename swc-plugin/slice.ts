// What the SWC expansion parses. @swc/core's parseSync hands the AST over as JSON (about 25 bytes
// per source byte), and that, not the parse, is most of the expansion's cost. The analysis needs
// only the top-level statements a wrap can reach, so before parsing, the others are replaced by
// spaces: same length, same line breaks, so every span, index and Loc of the rest is unchanged.
// A syntax error in blanked code is then reported by the compile that follows, not by `expand`.
//
// The file is cut into runs, each starting where a statement surely starts (a depth-0 `export`,
// `import`, `const`, `let`, `var`, a `function`/`class`/`async function` or decorator after a
// statement's end). A run is kept when it names one of the macro's imports or mentions
// `fncache.macro` (the seeds, and the first run, which holds the program's start), and then,
// transitively, when it may declare a top-level name a kept run mentions, or may assign one
// (`x = `, `x++`, `for (x of`; a run with a destructuring or parenthesised assignment counts as
// assigning every name it mentions). That is what the analysis reads outside the wraps: the
// dependency walk of version 'deps' (core/deps.ts: helpers, constants and imports, transitively),
// whether a name is a module binding or a global, and whether it is reassigned (purity warnings).
// Each test over-approximates (a name after `,` at depth 0 may be declared; every word of an
// import, of a top-level destructuring pattern and of a run with a nested `var`), so a kept set
// is never too small; kept runs are kept whole.
//
// The scan is a tokenizer that is exact for the TypeScript it accepts and gives up (null: parse
// everything) on anything it cannot decide without a parser: JSX (.tsx/.js files are never
// sliced), a `/` after `)` or `}` (division or regular expression), `++ /`, identifiers with
// escapes, unterminated tokens. tests/swc/slice.test.ts checks that the sliced expansion equals
// the whole one on every fixture, in the 'deps' and 'function' version modes.
import { scan } from './slice-scan.js'

export interface Sliced {
  /** The code to parse: `code` with the unreachable runs blanked. */
  code: string
  /** `_`-prefixed words that were blanked: names the emitter must not give out (it only makes `_x` names). */
  hidden: string[]
}

/** Words of an import statement that are not the names it binds. */
const NOT_LOCAL = new Set(['import', 'export', 'from', 'as', 'type', 'typeof', 'const', 'let', 'var', 'require', 'default', 'await'])
/** Words that are never a binding's name, in any mode. */
const RESERVED = new Set(['break', 'case', 'catch', 'class', 'const', 'continue', 'debugger', 'default', 'delete', 'do', 'else', 'enum', 'export', 'extends', 'false', 'finally', 'for', 'function', 'if', 'import', 'in', 'instanceof', 'new', 'null', 'return', 'super', 'switch', 'this', 'throw', 'true', 'try', 'typeof', 'var', 'void', 'while', 'with'])
const MACRO_STRING = /(['"])fncache\.macro(?:\/[^'"\n]*)?\1/g

/** `text` as spaces, its line breaks kept (a split is several times faster than a replace here). */
function blank(text: string): string {
  const parts = text.split(/(\r\n?|[\n\u2028\u2029])/)
  let out = ''
  for (let i = 0; i < parts.length; i++) out += i & 1 ? parts[i] : ' '.repeat(parts[i]!.length)
  return out
}

/**
 * `code` with the top-level statements a wrap cannot reach blanked, or null when nothing can be
 * blanked or the scan cannot be sure (then the caller parses `code` itself).
 */
export function sliceForAnalysis(code: string, filename: string | undefined): Sliced | null {
  // Only TypeScript without JSX: `<` and text in JSX would need a parser to tell apart.
  if (!/\.[cm]?ts$/.test(filename ?? '') || /\.d\.[cm]?ts$/.test(filename ?? '')) return null
  const scanned = scan(code)
  if (!scanned) return null
  const { runs, statements } = scanned

  // The names a macro import binds: the words between the statement's first word and the string.
  const watched = new Set<string>()
  const seeds: number[] = [0]
  let r = 0
  for (const m of code.matchAll(MACRO_STRING)) {
    let from = -1
    for (const s of statements) { if (s < m.index!) from = s; else break }
    if (from < 0) return null
    for (const w of code.slice(from, m.index).matchAll(/[A-Za-z_$][\w$]*/g)) if (!NOT_LOCAL.has(w[0])) watched.add(w[0])
    while (r + 1 < runs.length && runs[r + 1]!.start <= m.index!) r++
    seeds.push(r)
  }
  if (watched.size === 0) return null
  runs.forEach((run, k) => { if (run.words.some((w) => watched.has(w))) seeds.push(k) })

  const declaredBy = new Map<string, number[]>()
  const assignedBy = new Map<string, number[]>()
  const patterns: Set<string>[] = []
  const patternRuns: number[] = []
  const index = (map: Map<string, number[]>, words: Iterable<string>, k: number) => {
    for (const w of words) {
      if (RESERVED.has(w)) continue
      const list = map.get(w)
      if (!list) map.set(w, [k])
      else if (list[list.length - 1] !== k) list.push(k)
    }
  }
  runs.forEach((run, k) => {
    index(declaredBy, run.all ? run.words : run.declared, k)
    index(assignedBy, run.assigned, k)
    if (run.pattern) { patternRuns.push(k); patterns.push(new Set(run.words)) }
  })

  // Kept: the seeds, then whatever declares or may assign a name a kept run mentions.
  const kept = new Uint8Array(runs.length)
  const queue: number[] = []
  const keep = (k: number) => { if (!kept[k]) { kept[k] = 1; queue.push(k) } }
  for (const k of seeds) keep(k)
  const relevant = new Set<string>()
  while (queue.length) {
    for (const w of runs[queue.pop()!]!.words) {
      if (relevant.has(w)) continue
      const declaring = declaredBy.get(w)
      if (!declaring) continue
      relevant.add(w)
      for (const k of declaring) keep(k)
      for (const k of assignedBy.get(w) ?? []) keep(k)
      patterns.forEach((words, p) => { if (words.has(w)) keep(patternRuns[p]!) })
    }
  }

  let out = ''
  let last = 0
  const hidden: string[] = []
  for (let k = 1; k < runs.length; k++) {
    if (kept[k]) continue
    const start = runs[k]!.start
    let end = runs[k + 1]?.start ?? code.length
    while (k + 1 < runs.length && !kept[k + 1]) end = runs[++k + 1]?.start ?? code.length
    const inner = code.slice(start, end)
    if (inner.includes('_')) for (const w of inner.matchAll(/(?<![\w$])_[\w$]*/g)) hidden.push(w[0])
    out += code.slice(last, start) + blank(inner)
    last = end
  }
  if (last === 0) return null
  return { code: out + code.slice(last), hidden }
}
