// The unplugin adapter's Vite/Rollup/Rolldown plugins (fncache.macro/swc/vite is its Vite
// plugin), run by the real tools on a tiny project: Vite 8 (Rolldown + Oxc) and Vite 7 (Rollup +
// esbuild; installed as the `vite7` alias of vite@7) SSR builds, rollup's JS API (with a swc step
// for TypeScript, as @rollup/plugin-swc would add) and rolldown's.
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { rollup } from 'rollup'
import { rolldown } from 'rolldown'
import { build as build8, version as version8 } from 'vite'
import { build as build7, version as version7 } from 'vite7'
import { transformSync } from '@swc/core'
import viteFncache from '../../swc-plugin/adapters/vite.js'
import fncache from '../../swc-plugin/adapters/unplugin.js'
import { CHECK_TS, EXPECTED, USERS_TS, project } from './project.js'

const files = {
  'package.json': '{ "name": "app", "type": "module" }\n',
  'src/users.ts': USERS_TS,
  'src/main.ts': CHECK_TS,
}
const external = (id: string) => id.startsWith('fncache.macro')

/** TypeScript -> JS with @swc/core: what @rollup/plugin-swc does after us. */
const swcTs = {
  name: 'swc-ts',
  resolveId(source: string, importer?: string) {
    if (importer && source.startsWith('.') && source.endsWith('.js')) return join(importer, '..', source.replace(/\.js$/, '.ts'))
    return null
  },
  transform(code: string, id: string) {
    if (!id.endsWith('.ts')) return null
    const out = transformSync(code, { filename: id, sourceMaps: true, jsc: { target: 'es2022', parser: { syntax: 'typescript' } } })
    return { code: out.code, map: out.map }
  },
}

async function viteSsr(build: typeof build8, name: string) {
  const dir = project(name, files)
  await build({
    root: dir, configFile: false, logLevel: 'silent', plugins: [viteFncache()],
    // As installed from npm, the package stays external (the symlink would make Vite bundle its
    // source). Left unresolved at build time: Vite would resolve it to a dist/ that exists only
    // after `npm run build`; at run time Node resolves it with the tests' source condition.
    ssr: { external: ['fncache.macro'] },
    build: { ssr: 'src/main.ts', outDir: 'dist', rollupOptions: { external, output: { entryFileNames: 'main.mjs' } } },
  } as never)
  return import(pathToFileURL(join(dir, 'dist/main.mjs')).href)
}

const api = suite('vite / rollup / rolldown (unplugin adapter)')
api('the installed versions are the ones this file means to cover', () => {
  assert.is(version8.split('.')[0], '8')
  assert.is(version7.split('.')[0], '7')
})
api('fncache.macro/swc/vite is the unplugin Vite plugin: pre-enforced, filtered on the macro\'s name', () => {
  const plugin = viteFncache() as { name: string; enforce: string; transform: { filter: { code: { include: RegExp } } } }
  assert.is(plugin.name, 'fncache-swc')
  assert.is(plugin.enforce, 'pre')
  assert.ok(plugin.transform.filter.code.include.test("import cached from 'fncache.macro'"))
  assert.not.ok(plugin.transform.filter.code.include.test('export const x = 1'))
})
api('vite 8 build(): an SSR build of a project, the wraps compiled', async () => {
  const m = await viteSsr(build8, 'vite8')
  assert.equal(await m.check('vite8'), { ...EXPECTED })
})
api('vite 7 build(): the same project, the wraps compiled', async () => {
  const m = await viteSsr(build7 as unknown as typeof build8, 'vite7')
  assert.equal(await m.check('vite7'), EXPECTED)
})
api('rollup: bundles a project, the wraps compiled (ids from the build, hits)', async () => {
  const dir = project('rollup', files)
  const bundle = await rollup({ input: join(dir, 'src/main.ts'), plugins: [fncache.rollup(), swcTs], external, onwarn: () => {} })
  await bundle.write({ file: join(dir, 'dist/main.mjs'), format: 'es', sourcemap: true })
  await bundle.close()
  const m = await import(pathToFileURL(join(dir, 'dist/main.mjs')).href)
  assert.equal(await m.check('rollup'), EXPECTED)
})
api('rolldown: bundles a project (Oxc compiles the TypeScript), the wraps compiled', async () => {
  const dir = project('rolldown', files)
  const bundle = await rolldown({ input: join(dir, 'src/main.ts'), plugins: [fncache.rolldown()], external, resolve: { extensionAlias: { '.js': ['.ts', '.js'] } }, logLevel: 'silent' })
  await bundle.write({ file: join(dir, 'dist/main.mjs'), format: 'es', sourcemap: true })
  await bundle.close()
  const m = await import(pathToFileURL(join(dir, 'dist/main.mjs')).href)
  assert.equal(await m.check('rolldown'), EXPECTED)
})
api('a build error fails the build with the transform\'s message and code frame', async () => {
  const dir = project('rolldown-error', { 'src/main.ts': "import cached from 'fncache.macro'\nexport const x = cached(42)\n" })
  try {
    await rolldown({ input: join(dir, 'src/main.ts'), plugins: [fncache.rolldown()], external, logLevel: 'silent' }).then((b) => b.generate({}))
    assert.unreachable('should have failed')
  } catch (error) {
    assert.match(String((error as Error).message), /\[E_MACRO_NOT_A_FUNCTION\]/)
    assert.match(String((error as Error).message), /> 2 \| export const x = cached\(42\)/)
  }
})
api.run()
