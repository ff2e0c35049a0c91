// Fast seeds of the source fuzzer (fuzz/transforms.ts; `npm run fuzz` runs the long one), and
// the inputs it found, kept as regressions.

import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { parse } from '@babel/parser'
import { parseSync } from '@swc/core'
import { fuzzTransforms, isUpstream } from '../../fuzz/transforms.js'
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
