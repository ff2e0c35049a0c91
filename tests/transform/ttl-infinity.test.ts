// `ttl: Infinity`, which the README's options table documents, compiles in both compilers (to
// "no expiry", the same plan) and runs uncompiled; an infinite stale window is a build error.

import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { compile } from './compile.js'
import { expand } from '../../swc-plugin/index.js'
import { cached } from '../../runtime/index.js'
import { fresh } from '../helpers/runtime.js'

const FILE = '/work/fncache-ttl/src/users.ts'
const src = (opts: string) => `import cached from 'fncache.macro'
export const getUser = cached(async (id: string) => ({ id }), ${opts})
`

const test = suite('ttl: Infinity')

test('both compilers accept ttl: Infinity, with the same plan (no expiry)', () => {
  const babel = compile(src('{ ttl: Infinity, tags: [\'users\'] }'), FILE)
  const swc = expand(src('{ ttl: Infinity, tags: [\'users\'] }'), { filename: FILE, configFile: false })
  const plans = (babel.metadata as { fncache?: { plans: { ttl?: number }[] } }).fncache!.plans
  assert.is(plans[0]!.ttl, 0)
  assert.equal(swc!.fncache.plans, plans)
  assert.match(babel.code!, /ttl: 0\b/)
  assert.match(swc!.code, /ttl: 0\b/)
})

test('ttl: Infinity overrides a config default ttl (no expiry)', () => {
  const babel = compile(src('{ ttl: Infinity }'), FILE, { config: { ttl: '10m' } })
  const plans = (babel.metadata as { fncache?: { plans: { ttl?: number }[] } }).fncache!.plans
  assert.is(plans[0]!.ttl, 0)
})

for (const option of ['staleWhileRevalidate', 'staleIfError']) {
  test(`${option}: Infinity is a build error in both compilers, in the same words`, () => {
    let babelError = ''
    let swcError = ''
    try { compile(src(`{ ttl: '1m', ${option}: Infinity }`), FILE) } catch (e) { babelError = (e as Error).message }
    try { expand(src(`{ ttl: '1m', ${option}: Infinity }`), { filename: FILE, configFile: false }) } catch (e) { swcError = (e as Error).message }
    assert.match(babelError, new RegExp(`${option} expects milliseconds`))
    assert.match(swcError, new RegExp(`${option} expects milliseconds`))
  })
}

test('uncompiled: ttl: Infinity never expires', async () => {
  const clock = fresh()
  let n = 0
  const f = cached(async (id: string) => { n++; return id }, { id: 'inf', ttl: Infinity })
  await f('1')
  clock.advance(10 * 365 * 24 * 3600 * 1000)
  await f('1')
  assert.is(n, 1)
})

test.run()
