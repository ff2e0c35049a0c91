// Fast seeds of the source fuzzer (fuzz/transforms.ts; `npm run fuzz` runs the long one), and
// the inputs it found, kept as regressions.

import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { parse } from '@babel/parser'
import { parseSync } from '@swc/core'
import { babelRejectsInput, checkSource, emptyReport, fuzzTransforms, isUpstream, swcRejectsInput } from '../../fuzz/transforms.js'
import { compile } from '../transform/compile.js'
import { expand } from '../../swc-plugin/index.js'

const FILE = '/work/fncache-fuzz/src/a.ts'

const seeds = suite('mutated fixtures')

seeds('600 mutated fixture inputs: each compiler gives parseable output or an E_ build error', () => {
  const r = fuzzTransforms({ cases: 600, seed: 1 })
  const text = r.failures.map((f) => `${f.compiler} case ${f.case}: ${f.problem}\n${f.input}\n${f.stack ?? ''}`).join('\n---\n')
  assert.is(r.failures.length, 0, text)
  assert.ok(r.babel.compiled > 60 && r.swc.compiled > 60, 'too few mutants compiled: the mutations no longer keep inputs valid')
  assert.ok(r.babel.errors > 40 && r.swc.errors > 40, 'too few build errors: the mutations no longer reach the checks')
})

seeds.run()

// ---

const upstream = suite('found: require() destructured with a pattern')

// Found by the fuzzer (seed 8): `const { __proto__: {}, metrics } = require('fncache.macro')`.
// babel-plugin-macros 3.1.0 reads `property.value.name` / `binding.referencePaths` without checking
// the pattern and throws a TypeError before our macro runs (dist/index.js:144 and :198); nothing
// in macro/ can catch it. SWC leaves such declarations alone (uncompiled runtime use).
const PATTERNS = [
  "const { metrics: {} } = require('fncache.macro')\nmetrics()\n",
  "const { __proto__: {}, metrics } = require('fncache.macro')\nexports.s = () => metrics()\n",
  "const { metrics = 1 } = require('fncache.macro')\nexports.s = () => metrics()\n",
  "const [a] = require('fncache.macro')\n",
  "const { ...all } = require('fncache.macro')\nexports.s = all\n",
]

upstream('Babel: babel-plugin-macros throws its own TypeError (upstream; pinned so a fix shows up)', () => {
  for (const code of PATTERNS) {
    try {
      compile(code, FILE)
      assert.unreachable(`compiled (babel-plugin-macros fixed upstream? update this test): ${code}`)
    } catch (e) {
      if ((e as Error).name === 'Assertion') throw e
      assert.ok(isUpstream(e), `${code}: ${(e as Error).stack}`)
    }
  }
})

upstream('SWC: the declaration is left as written and the output parses', () => {
  for (const code of PATTERNS) {
    const out = expand(code, { filename: FILE, configFile: false })
    const text = out?.code ?? code
    parseSync(text, { syntax: 'typescript', target: 'esnext' })
    parse(text, { sourceType: 'module', plugins: ['typescript'] })
  }
})

upstream.run()

// ---

const invalid = suite('found: inputs that only Babel itself rejects')

// Found by the fuzzer (seed 740163, case 378): a token edit renamed the exported function to one
// of its own imports. @babel/parser accepts it; @babel/traverse's scope crawl (File construction,
// before any plugin, ours included) throws `Duplicate declaration "invalidateTags"`: not a valid
// program, so counted as an invalid input, not a failure.
const DUPLICATE = "import { invalidateTags, invalidatePrefix, metrics } from 'fncache.macro'\n\nexport async function invalidateTags() {\n  await invalidateTags(['a'])\n  await invalidatePrefix(['b'])\n  return metrics()\n}\n"

invalid('a duplicate declaration in the input: Babel\'s own error, counted as invalid input', () => {
  const report = emptyReport(1)
  checkSource(DUPLICATE, FILE, undefined, report, (compiler, problem, e) => assert.unreachable(`${compiler}: ${problem}\n${(e as Error)?.stack ?? ''}`))
  assert.is(report.babel.parsed, 1)
  assert.is(report.babel.invalid, 1)
})

invalid('the same error from a valid input, or thrown from our code, is still a failure', () => {
  const dup = new TypeError('Duplicate declaration "invalidateTags"')
  // A valid input: plain Babel compiles it, so an error there is ours (e.g. a binding our output adds).
  assert.not.ok(babelRejectsInput(dup, "import { metrics } from 'fncache.macro'\nexport const m = () => metrics()\n", FILE))
  // An error with a frame in the macro's sources is ours even when the input is invalid.
  const ours = new TypeError('Duplicate declaration "invalidateTags"')
  ours.stack = `TypeError: Duplicate declaration "invalidateTags"\n    at plan (${new URL('../../macro/index.ts', import.meta.url).pathname}:10:5)`
  assert.not.ok(babelRejectsInput(ours, DUPLICATE, FILE))
  // Another message than plain Babel's on the same input: not Babel's own.
  assert.not.ok(babelRejectsInput(new TypeError('Cannot read properties of undefined'), DUPLICATE, FILE))
  assert.not.ok(swcRejectsInput(new TypeError('Cannot read properties of undefined'), DUPLICATE))
})

invalid.run()
