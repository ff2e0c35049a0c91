import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { pathToFileURL } from 'node:url'
import { resolve } from 'node:path'
import { cpSync, mkdirSync, rmSync } from 'node:fs'
import { configure, memory, metrics } from '../../runtime/index.js'
import { wrap } from '../../runtime/internal.js'
import { fresh } from '../helpers/runtime.js'

// A second copy of the runtime, as when ESM and CJS builds, or two versions, are both loaded: the
// same files at another path are another module instance.
const copyDir = resolve(`.cache/runtime-copy-${process.pid}`)
mkdirSync(copyDir, { recursive: true })
cpSync(resolve('runtime'), `${copyDir}/runtime`, { recursive: true })
// The runtime reads the parsers of shared/ (durations, tag templates, parameter lists, the option table).
cpSync(resolve('shared'), `${copyDir}/shared`, { recursive: true })
process.on('exit', () => rmSync(copyDir, { recursive: true, force: true }))
const copyUrl = pathToFileURL(`${copyDir}/runtime/index.ts`).href
const copyInternalUrl = pathToFileURL(`${copyDir}/runtime/internal.ts`).href

const shared = suite('one GlobalCache per process')
shared.before.each(() => { fresh() })

shared('two copies of the package share backends, entries and metrics', async () => {
  const other = (await import(copyInternalUrl)) as typeof import('../../runtime/internal.js')
  assert.is.not(other.wrap, wrap, 'really a second copy')
  let calls = 0
  const impl = (n: number) => { calls++; return n * 2 }
  const f1 = wrap(impl, { id: 'src/a.ts#double', version: 'v', compiled: true, params: ['n'] })
  const f2 = other.wrap(impl, { id: 'src/a.ts#double', version: 'v', compiled: true, params: ['n'] })
  assert.is(f2(21), 42, 'a miss in the second copy returns the value, not a sentinel of the first')
  assert.is(f1(21), 42)
  assert.is(calls, 1, 'the first copy hit what the second stored')
  const g = other.wrap((a: string, b: number) => a + b, { id: 'src/a.ts#two', compiled: true, params: ['a', 'b'] })
  assert.is(g('x', 1), 'x1')
  assert.is(metrics().functions['src/a.ts#double']!.hits, 1)
})

shared('configure() in one copy is seen by the other', async () => {
  const other = (await import(copyUrl)) as typeof import('../../runtime/index.js')
  other.configure({ backends: { small: memory({ max: 1 }) } })
  const f = wrap((n: number) => n, { id: 'tiny', compiled: true, params: ['n'], backend: 'small' })
  f(1); f(2)
  assert.is(f.stats().evictions, 1)
  configure({ backends: {} })
})
shared.run()
