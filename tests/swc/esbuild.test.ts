// The unplugin adapter's esbuild plugin (fncache.esbuild()), run by the real esbuild on a tiny
// project: esbuild compiles the expanded TypeScript and bundles; the bundle is imported and checked.
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { build, version } from 'esbuild'
import fncache from '../../swc-plugin/adapters/unplugin.js'
import { CHECK_TS, EXPECTED, USERS_TS, project } from './project.js'

const files = { 'package.json': '{ "name": "app", "type": "module" }\n', 'src/users.ts': USERS_TS, 'src/main.ts': CHECK_TS }
const external = ['fncache.macro', 'fncache.macro/*']

const esb = suite(`esbuild ${version} (unplugin adapter)`)
esb('bundles a project, the wraps compiled (ids from the build, hits), with a source map to the source', async () => {
  const dir = project('esbuild', files)
  const out = await build({ absWorkingDir: dir, entryPoints: ['src/main.ts'], bundle: true, platform: 'node', format: 'esm', outfile: 'dist/main.mjs', sourcemap: true, external, plugins: [fncache.esbuild()], logLevel: 'silent' })
  assert.equal(out.errors, [])
  const m = await import(pathToFileURL(join(dir, 'dist/main.mjs')).href)
  assert.equal(await m.check('esbuild'), EXPECTED)
})
esb('a build error fails the build with the transform\'s message and code frame', async () => {
  const dir = project('esbuild-error', { 'src/main.ts': "import cached from 'fncache.macro'\nexport const x = cached(42)\n" })
  try {
    await build({ absWorkingDir: dir, entryPoints: ['src/main.ts'], bundle: true, write: false, external, plugins: [fncache.esbuild()], logLevel: 'silent' })
    assert.unreachable('should have failed')
  } catch (error) {
    const text = (error as { errors?: { text: string }[] }).errors?.map((e) => e.text).join('\n') ?? String(error)
    assert.match(text, /\[E_MACRO_NOT_A_FUNCTION\]/)
    assert.match(text, /> 2 \| export const x = cached\(42\)/)
  }
})
esb.run()
