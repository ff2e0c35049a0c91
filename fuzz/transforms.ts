// Source fuzzing of both transforms: the fixtures' inputs mutated at the token level (delete,
// duplicate, swap, replace, inject options, unicode). For an input its own compiler can parse,
// each transform must give output that parses again, or a build error with an E_ code; never
// another exception, never a hang.

import { readdirSync, readFileSync, existsSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { createRequire } from 'node:module'
import { parse as babelParse } from '@babel/parser'
import { transformSync as babelTransform } from '@babel/core'
import { parseSync } from '@swc/core'
import { compile } from '../tests/transform/compile.js'
import { expand } from '../swc-plugin/index.js'
import { prng, type Rng } from './bytes.js'

const ROOT = fileURLToPath(new URL('..', import.meta.url)).replace(/\/$/, '')
const require = createRequire(import.meta.url)
const FIXTURES = join(ROOT, 'tests', 'fixtures', 'transform')

export interface SourceFailure {
  compiler: 'babel' | 'swc'
  seed: number
  case: number
  problem: string
  input: string
  stack?: string
}

export interface SourceReport {
  cases: number
  ms: number
  /** Per compiler: inputs it could parse, outputs produced, build errors (E_ codes) given. */
  babel: { parsed: number; compiled: number; errors: number; upstream: number; foreignMacro: number; invalid: number }
  swc: { parsed: number; compiled: number; errors: number; invalid: number }
  slowestMs: number
  failures: SourceFailure[]
}

export function fixtureInputs(): { name: string; code: string; config?: unknown }[] {
  return readdirSync(FIXTURES).sort().filter((n) => existsSync(join(FIXTURES, n, 'input.ts'))).map((name) => {
    const cfg = join(FIXTURES, name, 'config.json')
    return { name, code: readFileSync(join(FIXTURES, name, 'input.ts'), 'utf8'), ...(existsSync(cfg) ? { config: JSON.parse(readFileSync(cfg, 'utf8')) } : {}) }
  })
}

const TOKEN = /\s+|\/\/[^\n]*|\/\*[\s\S]*?\*\/|'(?:\\.|[^'\\\n])*'|"(?:\\.|[^"\\\n])*"|`(?:\\.|[^`\\])*`|[A-Za-z_$\u00a0-\uffff][\w$\u00a0-\uffff]*|\d[\d_.eExXn]*|\.\.\.|=>|[^\s]/gu

export function tokens(code: string): string[] {
  return code.match(TOKEN) ?? []
}

// Pieces a user (or a typo) could put where a token was: syntax, options and their values, unicode.
const PIECES = [
  'cached', 'cached(', 'cached.wrap', 'async', 'await', 'function', 'function*', '=>', '(', ')', '{', '}', '[', ']', ',', ';', ':',
  '...', '...args', 'this', 'new', 'yield', 'return', 'export', 'default', 'import', 'from', "'fncache.macro'", 'const', 'let', 'class',
  'ttl: 5', "ttl: '5m'", "ttl: '-1s'", 'ttl: -1', 'ttl: 1e400', 'ttl: NaN', "ttl: '1.5.5m'", 'ttl: x', 'ttl: `5m`', 'ttl: 0x10',
  "staleWhileRevalidate: '30s'", "staleIfError: '1h'", "tags: ['{id}']", "tags: ['{id.x.y}', '{nope}']", "tags: ['{']", "tags: ['}{']",
  'tags: (r) => [r]', "key: ['id']", "key: ['nope']", 'key: (a) => a', "prefix: ''", "prefix: 'p:'", "backend: 'x'", 'dedupe: 1',
  'cacheIf: () => true', "version: ''", "version: 'v2'", 'id: 1', 'ttls: 1', '__proto__: {}', "'ttl': 1", '["ttl"]: 1', '...opts',
  'as const', 'satisfies object', '<T,>', ': string', '?', '!', '@dec', '#priv', 'ü', 'ʻokina', '\u{1F600}', "'\u{1F600}'", "'\\u{D800}'",
  "'\u2028'", '日本', '𝒳', "'{𝒳}'", '0n', '1_000', '`${x}`', 'null', 'undefined', 'void 0', 'typeof cached', 'delete x',
]

const STRING_VALUES = ["'5m'", "'0s'", "'-1m'", "'1.5h'", "'1w'", "'ms'", "''", "'{id}'", "'{id.a}'", "'{x}'", "'{}'", "'{id'", "'user:{id}:{id}'",
  "'fncache.macro'", "'fncache.macro/runtime'", "'./macro'", "'default'", "'\\u{D800}'", "'\u{1F600}'", "'{𝒳}'", '`5m`', '`${a}`', "'__proto__'"]
const NAMES = ['cached', 'id', 'x', 'n', 'args', 'ttl', 'tags', 'key', 'prefix', 'backend', 'dedupe', 'cacheIf', 'version',
  'staleWhileRevalidate', 'staleIfError', 'async', 'await', 'this', 'arguments', 'constructor', '__proto__', 'default', 'undefined',
  'invalidateTags', 'configure', 'metrics', 'wrap', 'require', 'module', 'exports', 'ü', '𝒳', 'fib', 'getUser', 'Promise']
const OPTION_SNIPPETS = PIECES.filter((p) => /^[\w'"[_]+.*:/.test(p))

/** One to three token edits of `code`, or an option injected into the first options object. */
export function mutateSource(r: Rng, code: string): string {
  let t = tokens(code)
  const edits = 1 + r.int(3)
  for (let e = 0; e < edits; e++) {
    const at = r.int(t.length + 1)
    switch (r.int(10)) {
      case 7: case 8: case 9: {
        // Same-class replacement (string for string, number for number, name for name): keeps most inputs parseable.
        const i = r.int(t.length)
        const w = t[i] ?? ''
        if (/^['"`]/.test(w)) t[i] = r.pick(STRING_VALUES)
        else if (/^\d/.test(w)) t[i] = r.pick(['0', '-1', '1e400', '0.5', '1_000', '0x10', '9007199254740993', '1n', 'NaN', 'Infinity'])
        else if (/^[A-Za-z_$]/.test(w)) t[i] = r.pick(NAMES)
        break
      }
      case 0: t.splice(at, 1); break
      case 1: if (at < t.length) t.splice(at, 0, t[at]!); break
      case 2: { const b = r.int(t.length); if (at < t.length && b < t.length) [t[at], t[b]] = [t[b]!, t[at]!]; break }
      case 3: t.splice(at, 1, r.pick(PIECES)); break
      case 4: t.splice(at, 0, r.pick(PIECES), ' '); break
      case 5: {
        // Inject an option right after an opening brace (the options object, most of the time).
        const braces = t.map((x, i) => (x === '{' ? i : -1)).filter((i) => i >= 0)
        if (braces.length) t.splice(r.pick(braces) + 1, 0, ' ', r.pick(OPTION_SNIPPETS), ', ')
        break
      }
      default: {
        // Unicode inside an identifier or a string.
        const i = r.int(t.length)
        const w = t[i]
        if (w !== undefined && /^[\w'"]/.test(w)) t[i] = w.slice(0, 1 + r.int(w.length)) + r.pick(['é', 'ß', '\u200d', '\u{1F600}', '𝒳', '\u2028', 'ﬁ']) + w.slice(1 + r.int(w.length))
      }
    }
  }
  return t.join('')
}

function babelParses(code: string): boolean {
  try {
    babelParse(code, { sourceType: 'module', plugins: ['typescript', 'decorators-legacy'], errorRecovery: false })
    return true
  } catch {
    return false
  }
}

function swcParses(code: string, syntax: 'typescript' | 'ecmascript' = 'typescript'): boolean {
  try {
    parseSync(code, syntax === 'typescript' ? { syntax, decorators: true, target: 'esnext' } : { syntax, target: 'esnext' })
    return true
  } catch {
    return false
  }
}

const isBuildError = (e: unknown) => {
  const err = e as { code?: unknown; message?: unknown }
  // Babel wraps the macro's error (MacroError) in its own; the E_ code is in the message's first bracket.
  return (typeof err?.code === 'string' && err.code.startsWith('E_')) || (typeof err?.message === 'string' && /\[E_[A-Z_]+\]/.test(err.message))
}

/**
 * babel-plugin-macros 3.1.0 itself throws a TypeError (before calling the macro) on a `require()`
 * of the macro destructured with a pattern, default or rest: `const { metrics: {} } =
 * require('fncache.macro')`, `const { metrics = 1 } = ...`, `const [a] = ...`, `const { ...all } = ...`.
 * Counted apart (see tests/hardening/transform-regressions.test.ts), not a failure of ours.
 */
export const isUpstream = (e: unknown): boolean => {
  const frame = String((e as Error)?.stack ?? '').split('\n').find((l) => l.trimStart().startsWith('at '))
  return frame !== undefined && frame.includes('node_modules/babel-plugin-macros/') && e instanceof TypeError
}

/** A mutated import source that still ends in `.macro` names another (missing) macro package. */
const isForeignMacro = (e: unknown): boolean => /Cannot find module '(?!fncache\.macro')[^']*macro'/.test(String((e as Error)?.message))

const firstLine = (e: unknown) => String((e as Error)?.message ?? e).split('\n')[0]!
/** A stack frame in our own transform code (the macro, the SWC plugin), not in a dependency. */
const ourFrame = (e: unknown) => String((e as Error)?.stack ?? '').split('\n')
  .some((l) => l.trimStart().startsWith('at ') && !l.includes('/node_modules/') && (l.includes(`${ROOT}/macro/`) || l.includes(`${ROOT}/swc-plugin/`)))

/**
 * The input is not a valid program, which @babel/parser alone accepts but Babel itself rejects: a
 * duplicate declaration (`import { x } ...` then `function x() {}`) is only found by
 * @babel/traverse's scope crawl, before any plugin runs. True when the error has no frame in our
 * code and plain Babel (the same preset, without babel-plugin-macros) rejects the original input
 * with the same message: a crash of ours on a valid input (or a collision our output creates)
 * still fails.
 */
export function babelRejectsInput(e: unknown, code: string, filename: string): boolean {
  if (ourFrame(e)) return false
  try {
    babelTransform(code, {
      filename, configFile: false, babelrc: false, highlightCode: false, sourceMaps: false,
      presets: [[require.resolve('@babel/preset-typescript'), { onlyRemoveTypeImports: false }]],
    })
    return false
  } catch (plain) {
    return firstLine(plain) === firstLine(e)
  }
}

/**
 * The same for SWC: its only own step in expand() is parseSync (comments off); an error that has
 * no frame in our code and that SWC gives on the original input by itself.
 */
export function swcRejectsInput(e: unknown, code: string): boolean {
  if (ourFrame(e)) return false
  try {
    parseSync(code, { syntax: 'typescript', tsx: false, decorators: true, target: 'esnext', comments: false })
    return false
  } catch (plain) {
    return firstLine(plain) === firstLine(e)
  }
}

/** One input through both compilers, counted into `report`; `fail` records a failure. */
export function checkSource(code: string, filename: string, config: unknown, report: SourceReport, fail: (compiler: 'babel' | 'swc', problem: string, e?: unknown) => void, slowMs = 5000): void {
  const timed = <T>(compiler: 'babel' | 'swc', f: () => T): T => {
    const t0 = performance.now()
    try {
      return f()
    } finally {
      const ms = performance.now() - t0
      report.slowestMs = Math.max(report.slowestMs, Math.round(ms))
      if (ms > slowMs) fail(compiler, `took ${Math.round(ms)} ms`)
    }
  }
  if (babelParses(code)) {
    report.babel.parsed++
    try {
      const out = timed('babel', () => compile(code, filename, { config })).code ?? ''
      report.babel.compiled++
      if (!babelParses(out)) fail('babel', 'the output does not parse')
    } catch (e) {
      if (isBuildError(e)) report.babel.errors++
      else if (isUpstream(e)) report.babel.upstream++
      else if (isForeignMacro(e)) report.babel.foreignMacro++
      else if (babelRejectsInput(e, code, filename)) report.babel.invalid++
      else fail('babel', `threw ${firstLine(e)}`, e)
    }
  }
  if (swcParses(code)) {
    report.swc.parsed++
    try {
      const out = timed('swc', () => expand(code, { filename, configFile: false, ...(config as object ?? {}) }))
      report.swc.compiled++
      if (out !== null && !swcParses(out.code)) fail('swc', 'the output does not parse')
    } catch (e) {
      if (isBuildError(e)) report.swc.errors++
      else if (swcRejectsInput(e, code)) report.swc.invalid++
      else fail('swc', `threw ${firstLine(e)}`, e)
    }
  }
}

export const emptyReport = (cases: number): SourceReport => ({ cases, ms: 0, babel: { parsed: 0, compiled: 0, errors: 0, upstream: 0, foreignMacro: 0, invalid: 0 }, swc: { parsed: 0, compiled: 0, errors: 0, invalid: 0 }, slowestMs: 0, failures: [] })

export interface SourceOptions {
  cases: number
  seed: number
  slowMs?: number
  onProgress?: (done: number) => void
}

/** Runs `cases` mutated fixtures through both transforms. */
export function fuzzTransforms(options: SourceOptions): SourceReport {
  const r = prng(options.seed)
  const inputs = fixtureInputs()
  const slowMs = options.slowMs ?? 5000
  const report = emptyReport(options.cases)
  const failures = report.failures
  const started = Date.now()
  for (let i = 0; i < options.cases && failures.length < 20; i++) {
    const fixture = r.pick(inputs)
    let code = mutateSource(r, fixture.code)
    if (r.chance(0.1)) code = mutateSource(r, code)
    const filename = join(FIXTURES, fixture.name, 'input.ts')
    checkSource(code, filename, fixture.config, report, (compiler, problem, e) =>
      failures.push({ compiler, seed: options.seed, case: i, problem, input: code, ...(e instanceof Error ? { stack: e.stack } : {}) }), slowMs)
    if ((i + 1) % 500 === 0) options.onProgress?.(i + 1)
  }
  report.ms = Date.now() - started
  return report
}
