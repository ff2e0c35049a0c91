// Found by the hardening work: `const { default: c } = require('fncache.macro')` was expanded by
// Babel but not by the SWC side. Both must now compile it, to the same plan.

import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { compile } from './compile.js'
import { expand } from '../../swc-plugin/index.js'

const FILE = '/work/fncache-require/src/users.ts'
const CODE = `const { default: cached, metrics } = require('fncache.macro')
exports.getUser = cached(async (id: string) => ({ id }), { ttl: '5m', tags: ['user:{id}'] })
exports.report = () => metrics()
`

const req = suite("const { default: cached } = require('fncache.macro')")

req('both compilers expand the wrap, with the same plan', () => {
  const babel = compile(CODE, FILE)
  const swc = expand(CODE, { filename: FILE, configFile: false })
  assert.ok(swc, 'the SWC side found the macro')
  const babelPlans = (babel.metadata as { fncache?: { plans: unknown[] } }).fncache?.plans
  assert.ok(babelPlans && babelPlans.length === 1, 'Babel planned one call')
  assert.equal(swc!.fncache.plans, babelPlans)
  assert.match(swc!.code, 'compiled: true')
  assert.match(babel.code!, 'compiled: true')
})

req.run()
