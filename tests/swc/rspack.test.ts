// The unplugin adapter's Rspack plugin (fncache.rspack()), run by the real @rspack/core on a tiny
// project, with Rspack's builtin:swc-loader compiling the expanded TypeScript; the bundle is then
// required and checked.
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { createRequire } from 'node:module'
import { join } from 'node:path'
import { rspack, rspackVersion, type Configuration, type Stats } from '@rspack/core'
import fncache from '../../swc-plugin/adapters/unplugin.js'
import { CHECK_TS, EXPECTED, USERS_TS, project } from './project.js'

const require = createRequire(import.meta.url)

function run(config: Configuration): Promise<Stats> {
  return new Promise((resolve, reject) => rspack(config, (error, stats) => {
    if (error) return reject(error)
    if (stats!.hasErrors()) return reject(new Error(stats!.toString({ all: false, errors: true })))
    resolve(stats!)
  }))
}

const config = (dir: string): Configuration => ({
  mode: 'none', context: dir, target: 'node', devtool: 'source-map',
  entry: './src/main.ts',
  output: { path: join(dir, 'dist'), filename: 'main.cjs', library: { type: 'commonjs2' } },
  resolve: { extensions: ['.ts', '.js'], extensionAlias: { '.js': ['.ts', '.js'] } },
  externals: [({ request }, callback) => request?.startsWith('fncache.macro') ? callback(undefined, 'commonjs ' + request) : callback()],
  module: { rules: [{ test: /\.ts$/, loader: 'builtin:swc-loader', options: { jsc: { target: 'es2022', parser: { syntax: 'typescript' } } } }] },
  plugins: [fncache.rspack()],
})

const rs = suite(`rspack ${rspackVersion} (unplugin adapter)`)
rs('bundles a project through builtin:swc-loader: the wraps compiled (ids from the build, hits)', async () => {
  const dir = project('rspack', { 'package.json': '{ "name": "app" }\n', 'src/users.ts': USERS_TS, 'src/main.ts': CHECK_TS })
  await run(config(dir))
  const m = require(join(dir, 'dist/main.cjs'))
  assert.equal(await m.check('rspack'), EXPECTED)
})
rs('a build error fails the compilation with the transform\'s message and code frame', async () => {
  const dir = project('rspack-error', { 'package.json': '{ "name": "app" }\n', 'src/main.ts': "import cached from 'fncache.macro'\nexport const x = cached(42)\n" })
  try {
    await run(config(dir))
    assert.unreachable('should have failed')
  } catch (error) {
    assert.match((error as Error).message, /\[E_MACRO_NOT_A_FUNCTION\]/)
    assert.match((error as Error).message, /> 2 \| export const x = cached\(42\)/)
  }
})
rs.run()
