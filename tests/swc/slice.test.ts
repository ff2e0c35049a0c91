// The sliced parse (swc-plugin/slice.ts) must never change an expansion: on every transform
// fixture, on the benchmark's large file and on inputs written to trip the scanner (every import
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
    const r = expandModule(code, { ...config, filename, cwd: ROOT, configFile: false }, slice)
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

test('every transform fixture expands the same sliced and whole, as it is and with code to blank added', () => {
  let sliced = 0
  const dirs = readdirSync(FIXTURES)
  for (const name of dirs) {
    const input = join(FIXTURES, name, 'input.ts')
    const configFile = join(FIXTURES, name, 'config.json')
    const config = existsSync(configFile) ? JSON.parse(readFileSync(configFile, 'utf8')) : {}
    const code = readFileSync(input, 'utf8')
    same(code, input, config)
    // Most fixtures are all macro code; with an unrelated function after them, each is sliced.
    const padded = `${code}\n${FILLER}`
    same(padded, input, config)
    if (sliceForAnalysis(padded, input)) sliced++
  }
  assert.is(sliced, dirs.length)
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
