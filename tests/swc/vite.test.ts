// The Vite/Rollup plugin (fncache.macro/swc/vite), run by the real tools: rollup's JS API (with
// a swc step for TypeScript, as unplugin-swc would add), and vite's build() on a tiny project.
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { rollup } from 'rollup'
import { build } from 'vite'
import { transformSync } from '@swc/core'
import fncache from '../../swc-plugin/adapters/vite.js'
import { CHECK_TS, EXPECTED, USERS_TS, project } from './project.js'

const files = {
  'package.json': '{ "name": "app", "type": "module" }\n',
  'src/users.ts': USERS_TS,
  'src/main.ts': CHECK_TS,
}

/** TypeScript -> JS with @swc/core: what unplugin-swc or @rollup/plugin-swc does after us. */
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

const api = suite('vite adapter')
api('exports a pre-enforced plugin that leaves other files alone', () => {
  const plugin = fncache()
  assert.is(plugin.enforce, 'pre')
  assert.is(plugin.transform('export const x = 1', '/a/b.ts'), null)
  assert.is(plugin.transform("import cached from 'fncache.macro'", '/a/node_modules/b.ts'), null)
})
api('rollup: bundles a project, the wraps compiled (ids from the build, hits)', async () => {
  const dir = project('rollup', files)
  const bundle = await rollup({ input: join(dir, 'src/main.ts'), plugins: [fncache(), swcTs], external: (id) => id.startsWith('fncache.macro'), onwarn: () => {} })
  await bundle.write({ file: join(dir, 'dist/main.mjs'), format: 'es', sourcemap: true })
  await bundle.close()
  const m = await import(pathToFileURL(join(dir, 'dist/main.mjs')).href)
  assert.equal(await m.check('rollup'), EXPECTED)
})
api('vite build(): an SSR build of a project, the wraps compiled', async () => {
  const dir = project('vite', files)
  await build({
    root: dir, configFile: false, logLevel: 'silent', plugins: [fncache()],
    // As installed from npm, the package stays external (the symlink would make Vite bundle its
    // source). Left unresolved at build time: Vite would resolve it to a dist/ that exists only
    // after `npm run build`; at run time Node resolves it with the tests' source condition.
    ssr: { external: ['fncache.macro'] },
    build: { ssr: 'src/main.ts', outDir: 'dist', rollupOptions: { external: (id) => id.startsWith('fncache.macro'), output: { entryFileNames: 'main.mjs' } } },
  })
  const m = await import(pathToFileURL(join(dir, 'dist/main.mjs')).href)
  assert.equal(await m.check('vite'), EXPECTED)
})
api.run()
