// `@cached` methods, executed: the same class compiled by the Babel macro and by the SWC transform,
// each under experimentalDecorators (legacy) and standard (2023) decorators, and run uncompiled
// (TypeScript's own decorator emit of both kinds, the runtime decorator). Hits are shared by every
// instance, `this` reaches the method, tags invalidate, cacheOf() reaches the cache methods,
// instanceKey keeps instances apart, and invalid targets fail with the fix.
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import ts from 'typescript'
import { transformSync as swcTransformSync } from '@swc/core'
import { babel, macrosPlugin, presetTypescript } from '../helpers/babel.js'
import { ROOT, resolvePath } from '../transform/compile.js'
import { expand } from '../../swc-plugin/index.js'

const require = createRequire(import.meta.url)
const TMP = join(ROOT, `.cache/decorator-tests-${process.pid}`)
mkdirSync(TMP, { recursive: true })
process.on('exit', () => rmSync(TMP, { recursive: true, force: true }))

type Protocol = 'legacy' | 'standard'
type Build = (code: string, filename: string, protocol: Protocol) => string

/** The Babel macro, then @babel/plugin-proposal-decorators (`legacy` or `2023-11`). */
const babelBuild: Build = (code, filename, protocol) => babel.transformSync(code, {
  filename, configFile: false, babelrc: false,
  plugins: [[macrosPlugin, { resolvePath }], [require.resolve('@babel/plugin-proposal-decorators'), { version: protocol === 'legacy' ? 'legacy' : '2023-11' }]],
  presets: [[presetTypescript, { onlyRemoveTypeImports: false }]],
})!.code!

/** The SWC transform's expansion, then swc with `legacyDecorator` or the 2023 decorators. */
const swcBuild: Build = (code, filename, protocol) => swcTransformSync(expand(code, { filename })!.code, {
  filename, swcrc: false, configFile: false, module: { type: 'es6' },
  jsc: {
    target: 'es2022', parser: { syntax: 'typescript', decorators: true },
    transform: protocol === 'legacy' ? { legacyDecorator: true } : { decoratorVersion: '2022-03' },
  },
}).code

/** No transform: TypeScript's emit of either decorator kind; `cached` is the runtime decorator. */
const uncompiled: Build = (code, _filename, protocol) => ts.transpileModule(code, {
  compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext, experimentalDecorators: protocol === 'legacy', useDefineForClassFields: true },
}).outputText

let counter = 0
/** Each load gets its own class name, so uncompiled ids (class.prototype.method) stay apart. */
let cls = ''
async function load(build: Build, protocol: Protocol, file: string, code: string): Promise<any> {
  const out = join(TMP, `${++counter}.mjs`)
  cls = 'Users' + counter
  writeFileSync(out, build(code.replaceAll('UserService', cls), join(ROOT, file), protocol))
  return import(pathToFileURL(out).href)
}

const SERVICE = `import cached, { cacheOf, invalidateTags } from 'fncache.macro'
export const calls = { getUser: 0, count: 0, byTenant: 0 }
export class UserService {
  constructor(public name: string, public tenant = 't1') {}

  @cached({ ttl: '5m', tags: ['user:{id}'] })
  async getUser(id: string) {
    calls.getUser++
    return { id, by: this.name }
  }

  @cached()
  static count(a: number, b: number) {
    calls.count++
    return a + b
  }

  @cached({ instanceKey: (service: UserService) => service.tenant, tags: ['tenant-user:{id}'] })
  async byTenant(id: string) {
    calls.byTenant++
    return this.tenant + ':' + id
  }
}
export { cacheOf, invalidateTags }
`

const BUILDS: [string, Build, Protocol, string][] = [
  ['babel macro, experimentalDecorators', babelBuild, 'legacy', 'src/deco/babel-legacy.ts'],
  ['babel macro, standard decorators', babelBuild, 'standard', 'src/deco/babel-standard.ts'],
  ['swc transform, experimentalDecorators', swcBuild, 'legacy', 'src/deco/swc-legacy.ts'],
  ['swc transform, standard decorators', swcBuild, 'standard', 'src/deco/swc-standard.ts'],
  ['uncompiled, experimentalDecorators', uncompiled, 'legacy', 'src/deco/raw-legacy.ts'],
  ['uncompiled, standard decorators', uncompiled, 'standard', 'src/deco/raw-standard.ts'],
]

for (const [name, build, protocol, file] of BUILDS) {
  const compiled = build !== uncompiled
  const source = SERVICE
  const test = suite(name)

  test('one cache per method: a hit for one instance is a hit for another; `this` is the caller on a miss', async () => {
    const m = await load(build, protocol, file, source)
    const a = new m[cls]('a')
    const b = new m[cls]('b')
    assert.equal(await a.getUser('1'), { id: '1', by: 'a' })
    assert.equal(await b.getUser('1'), { id: '1', by: 'a' })
    assert.is(m.calls.getUser, 1)
    assert.equal(await b.getUser('2'), { id: '2', by: 'b' })
    assert.is(m.calls.getUser, 2)

    // Tag templates name the method's parameters.
    await m.invalidateTags(['user:1'])
    assert.equal(await b.getUser('1'), { id: '1', by: 'b' })
    assert.is(m.calls.getUser, 3)

    const methods = m.cacheOf(a, 'getUser')
    assert.is(methods.id, compiled ? `${file}#${cls}.prototype.getUser` : `${cls}.prototype.getUser`)
    assert.equal(await methods.peek('1'), { id: '1', by: 'b' })
    assert.is(await m.cacheOf(m[cls].prototype, 'getUser').invalidate('1'), true)
    assert.is(await methods.peek('1'), undefined)
    assert.is(methods.key('7'), `${methods.id}:"7"`)
    assert.is(methods.stats().hits, 1)
    await methods.warm([['9']])
    assert.is(m.calls.getUser, 4)
    await methods.clear()
    assert.is(await methods.peek('2'), undefined)
  })

  test('a static method: cached on the class, named Class.method', () => {
    return load(build, protocol, file.replace('.ts', '-static.ts'), source).then((m) => {
      assert.is(m[cls].count(1, 2), 3)
      assert.is(m[cls].count(1, 2), 3)
      assert.is(m.calls.count, 1)
      assert.is(m.cacheOf(m[cls], 'count').id, compiled ? `${file.replace('.ts', '-static.ts')}#${cls}.count` : `${cls}.count`)
    })
  })

  test('instanceKey: instances with the same key value share entries, others do not', async () => {
    const m = await load(build, protocol, file.replace('.ts', '-tenant.ts'), source)
    const t1 = new m[cls]('x', 't1')
    const t2 = new m[cls]('y', 't2')
    const t1b = new m[cls]('z', 't1')
    assert.is(await t1.byTenant('1'), 't1:1')
    assert.is(await t2.byTenant('1'), 't2:1')
    assert.is(await t1b.byTenant('1'), 't1:1')
    assert.is(m.calls.byTenant, 2)
    assert.is(await m.cacheOf(t2, 'byTenant').invalidate('1'), true)
    assert.is(await t2.byTenant('1'), 't2:1')
    assert.is(await t1.byTenant('1'), 't1:1')
    assert.is(m.calls.byTenant, 3)
    // Tags still name the method's own parameters.
    await m.invalidateTags(['tenant-user:1'])
    assert.is(await t1.byTenant('1'), 't1:1')
    assert.is(m.calls.byTenant, 4)
    assert.is(await m.cacheOf(t1b, 'byTenant').peek('1'), 't1:1')
    assert.throws(() => m.cacheOf(m[cls].prototype, 'byTenant').invalidate('1'), /E_INSTANCE_KEY.*instance/)
  })
  test.run()
}

const targets = suite('uncompiled: what cannot be decorated fails with the fix')
targets('a getter, a field and a generator method are refused, naming the member', async () => {
  for (const protocol of ['legacy', 'standard'] as const) {
    const getter = `import cached from 'fncache.macro'\nexport class A { @cached() get total() { return 1 } }\n`
    await assert.rejects?.(load(uncompiled, protocol, 'src/deco/getter.ts', getter))
    let error: any
    try { await load(uncompiled, protocol, 'src/deco/getter.ts', getter) } catch (e) { error = e }
    assert.match(String(error?.message), /E_DECORATOR\] @cached expects to decorate a class method; received a getter \(total\)/)
    error = undefined
    try { await load(uncompiled, protocol, 'src/deco/gen.ts', `import cached from 'fncache.macro'\nexport class A { @cached() *ids() { yield 1 } }\n`) } catch (e) { error = e }
    assert.match(String(error?.message), /generator method \(ids\)/)
  }
})
targets('cacheOf() on a method that is not decorated names it and the fix', async () => {
  const m = await load(uncompiled, 'standard', 'src/deco/plain.ts', `export { cacheOf } from 'fncache.macro'\nexport class A { plain() { return 1 } }\n`)
  assert.throws(() => m.cacheOf(new m.A(), 'plain'), /E_NOT_CACHED\] cacheOf\(target, "plain"\) expects a method decorated with @cached; received a function/)
})
targets.run()
