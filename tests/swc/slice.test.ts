// The sliced parse (swc-plugin/slice.ts) must never change an expansion: on every transform
// fixture (in the default version mode 'deps' and in 'function'), on the benchmark's large file,
// on a module whose wraps reach helpers, constants, imports and reassigned bindings and on inputs written to trip the scanner (every import
// form of the macro, regular expressions, templates, braces in strings and comments, names
// hidden in blanked code), `expand` with slicing gives exactly what it gives parsing the whole
// file: the same code, the same plans, the same error text. It must also really slice (the
// speed-up is the point), and give up where it cannot be sure.
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { existsSync, readFileSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { expandModule } from '../../swc-plugin/expand.js'
import { transformSync } from '../../swc-plugin/index.js'
import { sliceForAnalysis } from '../../swc-plugin/slice.js'
import { generateLargeFile } from '../fixtures/bench/gen-large.js'
import { ROOT } from '../transform/compile.js'

const FIXTURES = join(ROOT, 'tests/fixtures/transform')

function outcome(code: string, filename: string, config: object, slice: boolean) {
  try {
    const r = expandModule(code, { onWarning: () => {}, ...config, filename, cwd: ROOT, configFile: false }, slice)
    return r && { code: r.code, plans: r.fncache }
  } catch (error) {
    return { error: String((error as Error).message) }
  }
}

function same(code: string, filename = join(ROOT, 'src/case.ts'), config: object = {}) {
  const whole = outcome(code, filename, config, false)
  const sliced = outcome(code, filename, config, true)
  assert.equal(sliced, whole, filename)
  return whole
}

// A body that never names the macro, so its group is blanked: where the scanner could go wrong.
const FILLER = `export function helper(input: { id: string }): string {
  const re = /[{}]+\\/{/g, t = \`a{\${input.id + '}'}\` + "}{" // } {
  /* { */ if (re.test(t)) /}/.exec(t)
  const half = (input.id.length + 1) / 2 / 3
  return input.id.replace(re, '{') + half
}
`
const test = suite('sliced parse')

test('every transform fixture expands the same sliced and whole, as it is and with code to blank added, in both version modes', () => {
  let sliced = 0
  let runs = 0
  const dirs = readdirSync(FIXTURES)
  for (const name of dirs) {
    const input = join(FIXTURES, name, 'input.ts')
    const configFile = join(FIXTURES, name, 'config.json')
    const config = existsSync(configFile) ? JSON.parse(readFileSync(configFile, 'utf8')) : {}
    const code = readFileSync(input, 'utf8')
    // The fixture's own mode ('deps' unless it says otherwise), and 'function'.
    for (const mode of config.version === undefined ? [config, { ...config, version: 'function' }] : [config]) {
      same(code, input, mode)
      // Most fixtures are all macro code; with an unrelated function after them, each is sliced.
      const padded = `${code}\n${FILLER}`
      same(padded, input, mode)
      runs++
    }
    if (sliceForAnalysis(`${code}\n${FILLER}`, input)) sliced++
  }
  assert.is(sliced, dirs.length)
  assert.ok(runs > dirs.length)
})

// What a wrap reaches outside itself: helpers (transitively), constants, imports, a destructured
// constant, a hoisted `var`, a default-exported helper; names reassigned elsewhere (purity
// warnings), a module binding named like a global; and code that reaches nothing, to blank.
const REACH = `import c from 'fncache.macro'
import { pad } from './format.js'
import * as dates from 'date-fns'
import { unrelatedImport } from 'left-pad'
const PREFIX = 'User '
let counter = 0
let a = 1, b = 2
let cur: number | undefined
export let hits = 0
if (PREFIX.length) { var hoisted = 3 }
export const { shape, nested: [depth] } = { shape: 1, nested: [2] }
const Date = { now: () => 0 }
@sealed
export class Repo { find(id: string) { return id } }
function sealed(target: unknown) { return target }
function label(id: string) { return PREFIX + pad(id) }
export default function fmt(u: { id: string }) { return { ...u, label: label(u.id), at: dates.format(0, 'y') } }
export function bump() { counter++ }
export function swap() { ;[a, b] = [b, a] }
export function walk(list: number[]) { for (cur of list) void cur }
export function count() { (hits) += 1 }
export function unrelated(input: { id: string }): string {
  const re = /[{}]+/g
  return unrelatedImport(input.id.replace(re, '')) + '-'.repeat(40)
}
export const getUser = c(async (id: string) => fmt({ id }))
export const reads = c((n: number) => counter + a + b + (cur ?? 0) + hits + n, { ttl: '1m' })
export const more = c((n: number) => hoisted + shape + depth + Date.now() + n)
export const repo = c((id: string) => new Repo().find(id))
`

test('deps and function modes: what a wrap reaches is kept, the rest blanked, and the expansion is the same', () => {
  const filename = join(ROOT, 'src/reach.ts')
  for (const version of ['deps', 'function']) {
    const out = same(REACH, filename, { version }) as { code: string; plans: { plans: { deps?: { on: { name: string }[] } }[]; warnings?: { text: string }[] } }
    assert.is(out.code.match(/compiled: true/g)?.length, 4)
    if (version === 'deps') {
      const on = out.plans.plans[0]!.deps!.on.map((d) => d.name)
      for (const name of ['fmt', 'label', 'PREFIX', 'date-fns']) assert.ok(on.includes(name), `${name} in ${on.join(', ')}`)
    }
    // counter, a, b, cur and hits are each reassigned somewhere else; Date is the module's own.
    const warned = (out.plans.warnings ?? []).map((w) => w.text).join('\n')
    for (const name of ['counter', 'reads a,', 'reads b,', 'cur', 'hits']) assert.match(warned, name)
    assert.not.match(warned, /Date/)
  }
  const sliced = sliceForAnalysis(REACH, filename)!.code
  assert.not.match(sliced, /unrelated/)
  assert.not.match(sliced, /left-pad/)
  for (const kept of ['function label', 'function fmt', 'counter++', 'for (cur of', '(hits) += 1', 'var hoisted', '@sealed', 'function sealed', "from './format.js'"]) assert.ok(sliced.includes(kept), kept)
})

test('the benchmark file: same expansion, and the slice keeps under half of the text', () => {
  const code = generateLargeFile(2000, 20)
  const out = same(code)
  assert.is((out as { code: string }).code.match(/compiled: true/g)?.length, 20)
  const sliced = sliceForAnalysis(code, 'large.ts')!
  assert.is(sliced.code.length, code.length)
  assert.is(sliced.code.split('\n').length, code.split('\n').length)
  assert.ok(sliced.code.replace(/\s+/g, ' ').length < code.length / 2)
})

const USE = "export const load = c(async (id: string) => ({ id }), { ttl: '5m', tags: ['user:{id}'] })\n"

const IMPORT_FORMS: [string, string][] = [
  ['default', "import c from 'fncache.macro'\n"],
  ['default, double quotes', 'import c from "fncache.macro"\n'],
  ['named cached', "import { cached as c } from 'fncache.macro'\n"],
  ['default and named', "import c, { invalidateTags } from 'fncache.macro'\nexport const clear = () => { invalidateTags(['x']) }\n"],
  ['default as named', "import { default as c } from 'fncache.macro'\n"],
  ['multi-line named', "import {\n  cached as c,\n  metrics,\n} from 'fncache.macro'\nexport function stats() { return metrics() }\n"],
  ['require', "const c = require('fncache.macro')\n"],
  ['require, destructured', "const { default: c } = require('fncache.macro')\n"],
  ['two imports', "import c from 'fncache.macro'\nimport { invalidatePrefix } from 'fncache.macro'\nexport function drop() { return invalidatePrefix('x') }\n"],
  ['after a header comment naming it', "// this file uses 'fncache.macro' { }\nimport c from 'fncache.macro'\n"],
]

test('every import form: the same expansion sliced and whole, and the wrap compiled', () => {
  for (const [name, imports] of IMPORT_FORMS) {
    const code = `${imports}${FILLER}${USE}`
    const out = same(code, join(ROOT, `src/${name.replace(/\W+/g, '-')}.ts`)) as { code: string } | null
    assert.ok(out && /compiled: true/.test(out.code), `${name}: not compiled\n${JSON.stringify(out)}`)
  }
})

test('wraps inside blocks, classes, objects, functions and namespaces are kept', () => {
  const code = `import c from 'fncache.macro'
${FILLER}
export class Repo {
  load = c(async (id: string) => id)
}
export const api = { get: c((id: string) => id, { ttl: '1m' }) }
export function make() { return c(function inner(n: number): number { return n < 2 ? n : inner(n - 1) }) }
export namespace N { export const f = c((x: number) => x * 2) }
{ const local = c((k: string) => k); void local }
`
  const out = same(code) as { code: string }
  assert.is(out.code.match(/compiled: true/g)?.length, 5)
})

test('names hidden in blanked code are not given out (a global _wrapCompiled read in a blanked body)', () => {
  const code = `import c from 'fncache.macro'
export function useGlobal(): unknown {
  return (globalThis as any)._wrapCompiled ?? _wrapCompiled
}
declare const _wrapCompiled: unknown
export const f = c((id: string) => id)
`
  const out = same(code) as { code: string }
  assert.match(out.code, /wrapCompiled as _wrapCompiled2[ ,}]/)
  assert.not.match(out.code, /as _wrapCompiled[ ,}]/)
})

test('macro errors read the same sliced and whole; a syntax error in blanked code is still reported by the compile', () => {
  // Blanked code is not parsed by expand: the error comes from the compiler that follows (swc here).
  const broken = `import c from 'fncache.macro'\nexport const f = c((id: string) => id)\nexport function broken() { return 1 + }\n`
  assert.throws(() => transformSync(broken, { filename: join(ROOT, 'src/broken.ts'), jsc: { parser: { syntax: 'typescript' } } }), /Expression expected|Unexpected/)
  same(`import c from 'fncache.macro'\n${FILLER}export const f = c((id: string) => id, { ttl: -1 })\n`)
  same(`import c from 'fncache.macro'\n${FILLER}export const f = c(42)\n`)
})

test('gives up where a parser is needed: JSX files, `) /` after a call, `} /`, `++ /`, escaped identifiers, unterminated tokens', () => {
  const head = "import c from 'fncache.macro'\nexport function g() { return 'a long enough body' }\n"
  assert.is(sliceForAnalysis(head + 'export const x = 1', 'a.tsx'), null)
  assert.is(sliceForAnalysis(head + 'export const x = 1', 'a.js'), null)
  assert.ok(sliceForAnalysis(head + 'export const x = 1', 'a.ts'))
  assert.is(sliceForAnalysis(head + 'let a = {}\n/x/.test("")', 'a.ts'), null)
  assert.is(sliceForAnalysis(head + 'let i = 0; i++ / 2', 'a.ts'), null)
  assert.is(sliceForAnalysis(head + 'const \\u0063 = 1', 'a.ts'), null)
  assert.is(sliceForAnalysis(head + "const s = 'open", 'a.ts'), null)
  assert.is(sliceForAnalysis(head + 'const s = `open ${1}', 'a.ts'), null)
  assert.is(sliceForAnalysis(head + 'const s = /open', 'a.ts'), null)
  assert.is(sliceForAnalysis(head + 'function h() { ', 'a.ts'), null)
  // Division after a call's parenthesis is division; after `if (...)` a regular expression: both sliced.
  assert.ok(sliceForAnalysis(head + 'export const q = g() / 2 / 1', 'a.ts'))
  assert.ok(sliceForAnalysis(head + 'if (g()) /}/.test("}")', 'a.ts'))
})

test.run()
