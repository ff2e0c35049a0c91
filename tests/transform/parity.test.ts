// Babel and SWC side by side: every fixture gives the same CallSites, the same plans and the same
// error text (frame included) through both; the behaviour suites pass on SWC output; an entry
// written by an SWC-built module is read by a Babel-built one; spans survive BOMs, astral
// characters, CRLF and repeated parses.
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { existsSync, readFileSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { parseSync } from '@swc/core'
import { ROOT, compile, portable } from './compile.js'
import behaviourSuites, { loadWith, type Compiler } from './behaviour-suite.js'
import { babelSites, swcCompiler } from './swc-compile.js'
import { expand } from '../../swc-plugin/index.js'
import { analyzeModule } from '../../swc-plugin/analyze.js'
import { createSpans } from '../../swc-plugin/spans.js'

const FIXTURES = join(ROOT, 'tests/fixtures/transform')

function swcSites(code: string, moduleStartShift = 0) {
  const module = parseSync(code, { syntax: 'typescript', decorators: true, target: 'esnext' })
  // A shift pretends an older @swc/core: every span offset moved by a grown base.
  const ast = moduleStartShift ? shift(module, moduleStartShift) : module
  return analyzeModule(ast, code, createSpans(code, ast.span.start), 'fncache.macro')
}

function shift(node: any, by: number): any {
  if (Array.isArray(node)) return node.map((n) => shift(n, by))
  if (!node || typeof node !== 'object') return node
  const out: any = {}
  for (const k in node) out[k] = k === 'span' || k === 'spread' || k === 'rest' ? (node[k] && { start: node[k].start + by, end: node[k].end + by }) : shift(node[k], by)
  return out
}

function same(code: string, filename: string, shiftBy = 0) {
  const babel = babelSites(code, filename)
  const swc = swcSites(code, shiftBy)
  const sites = (swc?.calls ?? []).map((c) => c.site).sort((a, b) => a.loc.line - b.loc.line || a.loc.column - b.loc.column)
  assert.equal(sites, babel.sites)
  assert.equal(swc?.imports.flatMap((i) => i.named) ?? [], babel.named)
}

function outcome(fn: () => unknown): { ok: unknown } | { error: string } {
  try { return { ok: fn() } } catch (error) { return { error: portable((error as Error).message) } }
}

const fixtures = suite('every fixture: same CallSites, plans and errors from Babel and SWC')
for (const name of readdirSync(FIXTURES).sort()) {
  const dir = join(FIXTURES, name)
  const input = join(dir, 'input.ts')
  if (!existsSync(input)) continue
  fixtures(name, () => {
    const code = readFileSync(input, 'utf8')
    const configFile = join(dir, 'config.json')
    const config = existsSync(configFile) ? JSON.parse(readFileSync(configFile, 'utf8')) : undefined
    same(code, input)
    const babel = outcome(() => (compile(code, input, { config }).metadata as any).fncache ?? { plans: [], imports: [] })
    const swc = outcome(() => expand(code, { filename: input, ...config })?.fncache ?? { plans: [], imports: [] })
    assert.equal(JSON.parse(JSON.stringify(swc)), JSON.parse(JSON.stringify(babel)))
  })
}
fixtures.run()

// ---

const spans = suite('spans: byte offsets, bases, BOM, astral characters, CRLF')
const ASTRAL = `import cached from 'fncache.macro'
// 🚀 emoji in a comment, é and 中文 before the wrap
const banner = '👩‍👩‍👧 ${'\u{1F600}'}'
export const greet = cached(async (name: string, n: number) => '✨ ' + name + n, { tags: ['g:{name}'], ttl: '1m' })
export const bad = cached(() => '🙂', { ttl: '1 minute' })
`
spans('astral characters and multi-byte text before a wrap give Babel\'s Locs', () => same(ASTRAL, join(ROOT, 'src/astral.ts')))
spans('CRLF line endings', () => same(ASTRAL.replace(/\n/g, '\r\n'), join(ROOT, 'src/crlf.ts')))
spans('a BOM counts as a column, as in Babel', () => same('\uFEFF' + ASTRAL, join(ROOT, 'src/bom.ts')))
spans('leading comments and a shebang before the first token', () => {
  same('#!/usr/bin/env node\n/* é */\n' + ASTRAL, join(ROOT, 'src/shebang.ts'))
  same('// 🚀 first\n\n  /** doc */ ' + ASTRAL, join(ROOT, 'src/comment.ts'))
})
spans('a grown span base (older @swc/core) gives the same Locs', () => {
  same(ASTRAL, join(ROOT, 'src/astral.ts'), 12345)
  same('\uFEFF// x\n' + ASTRAL.replace(/\n/g, '\r\n'), join(ROOT, 'src/astral.ts'), 777)
})
spans('a file parsed twice in one process expands identically', () => {
  const file = join(ROOT, 'src/twice.ts')
  const first = expand(ASTRAL.replace("'1 minute'", "'1m'"), { filename: file })!
  parseSync('const other = "pad the span base" // 🚀', { syntax: 'typescript' })
  const second = expand(ASTRAL.replace("'1 minute'", "'1m'"), { filename: file })!
  assert.is(second.code, first.code)
  assert.equal(second.fncache, first.fncache)
})
spans('the error frame under a wrap after astral characters is Babel\'s', () => {
  for (const code of [ASTRAL, '\uFEFF' + ASTRAL.replace(/\n/g, '\r\n')]) {
    const file = join(ROOT, 'src/astral.ts')
    const babel = outcome(() => compile(code, file))
    const swc = outcome(() => expand(code, { filename: file }))
    assert.ok('error' in babel)
    assert.equal(swc, babel)
  }
})
spans.run()

// ---

const syntax = suite('more syntax: same CallSites from Babel and SWC')
const CASES: Record<string, string> = {
  'method options out of order': `export const g = cached(async (id: string) => id, {\n  cacheIf(r) { return !!r },\n  tags: (r, id) => ['x' + id],\n  key: (id) => id,\n})`,
  'self references: shorthand, rename, nested function': `export const count = cached(function down(n: number): number {\n  const o = { down }\n  return n ? o.down(n - 1) : [1].map(() => down(0))[0]!\n})`,
  'temporaries in function bodies': `export function make() {\n  return [cached(function walk(n: number): number { return n ? walk(n - 1) : 0 })]\n}`,
  'nested wraps': `export const outer = cached(async (id: string) => {\n  const inner = cached((n: number) => n)\n  return inner(1)\n})`,
  'parentheses and TS wrappers': `export const a = ((cached))(((x: number) => x) as any, ({ ttl: ('5m') }) satisfies object)\nexport const b = (cached((y: string) => y) as unknown)!\nexport const c = cached<(z: number) => number>((z) => z, { tags: ['t'] } as const)`,
  'shadowed macro names are not references': `function f(cached: (x: unknown) => unknown) { return cached(1) }\n{ const cached = 2; void cached }\ntry {} catch (cached) { void cached }\nexport const d = cached(() => f)`,
  'non-call usages': `export { cached }\nconst e = { cached }\nconst g = cached?.(() => 1)\nconst h = cached.x\nconst i = new cached(() => 1)\nconst j = cached\`t\`\nconst k = cached<number>`,
  'bindings: members, classes, defaults': `const api: any = {}\napi.users['byId'] = cached((id: string) => id)\nthis.x = cached(() => 1)\nclass K { static [\`q\`] = cached(() => 1); 'r-s' = cached(() => 2); 3 = cached(() => 3) }\nexport default { list: cached(() => []) }`,
  'params: defaults, optional, rest, patterns, this': `export const p = cached(function (this: unknown, a = 1, b?: string | null, { c }: { c: 1 } = { c: 1 }, [d]: number[] = [], ...e: bigint[]) { return 1 })`,
  'spread and extra arguments': `export const s = cached(...[() => 1])\nexport const t = cached(() => 1, {}, 3)\nexport const u = cached(() => 1, { ...{ ttl: 1 }, [1 + 1]: 2, get ttl() { return 1 }, tags: [, 'a', ...['b']], ttl: -5, key: \`k\${1}\` })`,
}
for (const [name, body] of Object.entries(CASES)) {
  syntax(name, () => same(`import cached from 'fncache.macro'\n${body}\n`, join(ROOT, 'src/syntax.ts')))
}
syntax.run()

// ---

behaviourSuites(swcCompiler)

// ---

const babelCompiler: Compiler = {
  name: 'babel',
  compile: (code, filename, sourceMaps) => compile(code, filename, { sourceMaps: sourceMaps ? 'inline' : false }).code!,
  plans: (code, filename) => (compile(code, filename).metadata as any).fncache.plans,
}

const shared = suite('an entry written by an SWC-built module is read by a Babel-built one')
const PRICES = (body: string) => `import cached from 'fncache.macro'
export const calls = { n: 0 }
export const price = cached(async (sku: string, qty: number) => {
  calls.n++
  return ${body}
}, { ttl: '5m', tags: ['sku:{sku}'] })
`
shared('same file -> same id and version -> the Babel-built module\'s first call is a hit', async () => {
  const file = 'src/shared/prices.ts'
  const code = PRICES("sku.length * qty")
  assert.equal(swcCompiler.plans(code, join(ROOT, file)), babelCompiler.plans(code, join(ROOT, file)))
  const bySwc = await loadWith(swcCompiler, file, code)
  const byBabel = await loadWith(babelCompiler, file, code)
  assert.is(await bySwc.price('abc', 2), 6)
  assert.is(bySwc.calls.n, 1)
  assert.is(await byBabel.price('abc', 2), 6)
  assert.is(byBabel.calls.n, 0, 'the Babel-built module must not run the function')
  assert.is(byBabel.price.stats().hits, 1)
})
shared('an edited function gets another version: the other build misses', async () => {
  const file = 'src/shared/edited.ts'
  const bySwc = await loadWith(swcCompiler, file, PRICES('sku.length * qty'))
  const byBabel = await loadWith(babelCompiler, file, PRICES('sku.length * qty + 0'))
  await bySwc.price('abc', 2)
  await byBabel.price('abc', 2)
  assert.is(byBabel.calls.n, 1)
})
shared.run()
