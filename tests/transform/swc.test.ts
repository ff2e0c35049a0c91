// Walks tests/fixtures/transform/<case>/ through the SWC transform (swc-plugin/): plan.json and
// error.txt are the goldens shared with the Babel side (never rewritten here), output.swc.js is
// this side's own (expand, then @swc/core's transformSync). UPDATE=1 rewrites output.swc.js.
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { ROOT, portable } from './compile.js'
import { expand, mentionsMacro, transformSync, TransformError } from '../../swc-plugin/index.js'

const FIXTURES = join(ROOT, 'tests/fixtures/transform')
const UPDATE = process.env.UPDATE === '1'
const SWC = { jsc: { target: 'es2022' as const, parser: { syntax: 'typescript' as const, decorators: true } } }

function golden(file: string, actual: string, update = UPDATE) {
  if (update) { writeFileSync(file, actual); return }
  if (!existsSync(file)) assert.unreachable(`missing golden ${portable(file)} (run with UPDATE=1)`)
  assert.fixture(actual, readFileSync(file, 'utf8'))
}

const api = suite('API')
api('mentionsMacro() is true only for a quoted "fncache.macro" specifier (subpaths are not the macro)', () => {
  assert.is(mentionsMacro("import cached from 'fncache.macro'"), true)
  assert.is(mentionsMacro('const { cached } = require("fncache.macro")'), true)
  assert.is(mentionsMacro("import { wrap } from 'fncache.macro/runtime'"), false)
  assert.is(mentionsMacro('// fncache.macro in a comment'), false)
})
api('expand() returns null for a file that does not import the macro, without parsing', () => {
  // Not even valid syntax: proof that nothing was parsed.
  assert.is(expand('import { wrap } from "fncache.macro/runtime"\nconst = = =', { filename: 'a.ts' }), null)
  assert.is(expand('const x = "fncache.macro"; export {}', { filename: 'a.ts' }), null)
})
api('a build error is a TransformError with the code and the Babel-format message', () => {
  try {
    expand("import cached from 'fncache.macro'\nexport const x = cached(42)\n", { filename: '/app/src/x.ts' })
    assert.unreachable('should have thrown')
  } catch (error) {
    assert.instance(error, TransformError)
    assert.is((error as TransformError).code, 'E_MACRO_NOT_A_FUNCTION')
    assert.match((error as Error).message, /^\/app\/src\/x\.ts: \[E_MACRO_NOT_A_FUNCTION\]/)
    assert.ok((error as Error).message.endsWith('> 2 | export const x = cached(42)\n    |                         ^^\n  3 |'), (error as Error).message)
  }
})
api('options override the config file; unknown keys are rejected like the macro config', () => {
  const r = expand("import cached from 'fncache.macro'\nexport const f = cached(() => 1)\n", { filename: join(ROOT, 'src/f.ts'), namespace: 'ns', ttl: '1m' })!
  assert.is(r.fncache.plans[0]!.namespace, 'ns')
  assert.is(r.fncache.plans[0]!.ttl, 60000)
  assert.throws(() => expand("import cached from 'fncache.macro'\n", { filename: 'a.ts', namespce: 'x' } as never), /E_CONFIG.*namespce/)
})
api.run()

// ---

const fixtures = suite('swc fixtures')
for (const name of readdirSync(FIXTURES).sort()) {
  const dir = join(FIXTURES, name)
  const input = join(dir, 'input.ts')
  if (!existsSync(input)) continue
  fixtures(name, () => {
    const configFile = join(dir, 'config.json')
    const config = existsSync(configFile) ? JSON.parse(readFileSync(configFile, 'utf8')) : {}
    const code = readFileSync(input, 'utf8')
    let result
    try {
      result = expand(code, { filename: input, ...config })
    } catch (error) {
      if (!name.startsWith('error-')) throw error
      golden(join(dir, 'error.txt'), portable((error as Error).message) + '\n', false)
      return
    }
    assert.not.ok(name.startsWith('error-'), 'expected a build error, but it expanded')
    golden(join(dir, 'plan.json'), JSON.stringify(result?.fncache ?? { plans: [], imports: [] }, null, 2) + '\n', false)
    const out = transformSync(code, { ...SWC, filename: input, fncache: config })
    golden(join(dir, 'output.swc.js'), portable(out.code))
  })
}
fixtures.run()
