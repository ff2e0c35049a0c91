// webpack, by its Node API (mode 'none') with the real swc-loader on a tiny project: the unplugin
// adapter's webpack plugin (fncache.webpack()), and the webpack loader that Turbopack rules and
// fncache.macro/next use (fncache.macro/swc/webpack-loader); each bundle is required and checked.
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { createRequire } from 'node:module'
import { join } from 'node:path'
import webpack from 'webpack'
import fncache from '../../swc-plugin/adapters/unplugin.js'
import { CHECK_TS, EXPECTED, ROOT, USERS_TS, project } from './project.js'

const require = createRequire(import.meta.url)
const LOADER = join(ROOT, 'swc-plugin/adapters/webpack-loader.ts')

function run(config: webpack.Configuration): Promise<webpack.Stats> {
  return new Promise((resolve, reject) => webpack(config, (error, stats) => {
    if (error) return reject(error)
    if (stats!.hasErrors()) return reject(new Error(stats!.toString({ all: false, errors: true })))
    resolve(stats!)
  }))
}

const SWC = { loader: 'swc-loader', options: { jsc: { target: 'es2022', parser: { syntax: 'typescript' } } } }

const plugin = suite('webpack plugin (unplugin adapter)')
plugin('bundles a project with swc-loader and fncache.webpack(): the wraps compiled', async () => {
  const dir = project('webpack-plugin', { 'package.json': '{ "name": "app" }\n', 'src/users.ts': USERS_TS, 'src/main.ts': CHECK_TS })
  await run({
    mode: 'none', context: dir, target: 'node', devtool: 'source-map',
    entry: './src/main.ts',
    output: { path: join(dir, 'dist'), filename: 'main.cjs', library: { type: 'commonjs2' } },
    resolve: { extensions: ['.ts', '.js'], extensionAlias: { '.js': ['.ts', '.js'] } },
    externals: [({ request }, callback) => request?.startsWith('fncache.macro') ? callback(undefined, 'commonjs ' + request) : callback()],
    module: { rules: [{ test: /\.ts$/, use: [SWC] }] },
    plugins: [fncache.webpack()],
  })
  const m = require(join(dir, 'dist/main.cjs'))
  assert.equal(await m.check('webpack-plugin'), EXPECTED)
})
plugin.run()

const loader = suite('webpack loader')
loader('bundles a project through [swc-loader, fncache loader]: the wraps compiled', async () => {
  const dir = project('webpack', { 'package.json': '{ "name": "app" }\n', 'src/users.ts': USERS_TS, 'src/main.ts': CHECK_TS })
  await run({
    mode: 'none', context: dir, target: 'node', devtool: 'source-map',
    entry: './src/main.ts',
    output: { path: join(dir, 'dist'), filename: 'main.cjs', library: { type: 'commonjs2' } },
    resolve: { extensions: ['.ts', '.js'], extensionAlias: { '.js': ['.ts', '.js'] }, conditionNames: ['fncache-source', 'import', 'node', 'default'] },
    externals: { 'cbor-x': 'commonjs cbor-x' },
    module: {
      rules: [{
        test: /\.ts$/,
        use: [
          { loader: 'swc-loader', options: { jsc: { target: 'es2022', parser: { syntax: 'typescript' } } } },
          { loader: LOADER, options: { ttl: '1m' } },
        ],
      }],
    },
  })
  const m = require(join(dir, 'dist/main.cjs'))
  assert.equal(await m.check('webpack'), EXPECTED)
})
loader('a build error fails the compilation with the transform\'s message', async () => {
  const dir = project('webpack-error', { 'src/main.ts': "import cached from 'fncache.macro'\nexport const x = cached(42)\n" })
  try {
    await run({ mode: 'none', context: dir, target: 'node', entry: './src/main.ts', output: { path: join(dir, 'dist') }, module: { rules: [{ test: /\.ts$/, use: [{ loader: LOADER }] }] } })
    assert.unreachable('should have failed')
  } catch (error) {
    assert.match((error as Error).message, /\[E_MACRO_NOT_A_FUNCTION\]/)
    assert.match((error as Error).message, /> 2 \| export const x = cached\(42\)/)
  }
})
loader.run()
