// A project without @swc/core: the package as installed into a folder outside the repository whose
// node_modules holds every package of the repository's (symlinked) except the @swc scope. The
// adapters must name the missing peer and the install command (like the CLI's E_MISSING_PEER),
// not show Node's raw ERR_MODULE_NOT_FOUND, and loading them (a config file importing them) must
// not need @swc/core at all.
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { spawnSync } from 'node:child_process'
import { cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ROOT, packInstalled } from './pack.js'

const SCRIPT = `
import { build } from 'esbuild'
import fncache from 'fncache.macro/swc/unplugin'
import { withFncache } from 'fncache.macro/next'
import webpack from 'webpack'
const config = withFncache({})  // a next.config that imports the adapter loads without @swc/core
const results = { rules: Object.keys(config.turbopack.rules).length }
// A file that does not import the macro builds without the peer.
await build({ entryPoints: ['plain.ts'], bundle: true, write: false, plugins: [fncache.esbuild()], logLevel: 'silent' })
try {
  await build({ entryPoints: ['app.ts'], bundle: true, write: false, external: ['fncache.macro*'], plugins: [fncache.esbuild()], logLevel: 'silent' })
  results.error = null
} catch (error) {
  results.error = error.errors.map((e) => e.text).join('\\n')
}
// The webpack loader (what withFncache and Turbopack rules run), through webpack itself.
results.loader = await new Promise((resolve) => webpack({
  mode: 'none', context: process.cwd(), entry: './app.ts', output: { path: process.cwd() + '/dist' },
  externals: [/^fncache\.macro/],
  module: { rules: [{ test: /\.ts$/, use: [{ loader: 'fncache.macro/swc/webpack-loader' }] }] },
}, (error, stats) => resolve(error ? String(error) : stats.toJson({ all: false, errors: true }).errors.map((e) => e.message).join('\\n'))))
console.log(JSON.stringify(results))
`

const missing = suite('adapters without @swc/core')
missing('esbuild (unplugin adapter), webpack (the loader Next uses), the register hook and the Jest transformer: E_MISSING_PEER with the install command', async () => {
  const pkg = await packInstalled()
  const dir = mkdtempSync(join(tmpdir(), 'fncache-no-swc-'))
  try {
    mkdirSync(join(dir, 'node_modules'))
    cpSync(pkg, join(dir, 'node_modules/fncache.macro'), { recursive: true })
    for (const name of readdirSync(join(ROOT, 'node_modules'))) {
      if (name === '@swc' || name === 'fncache.macro' || name.startsWith('.')) continue
      symlinkSync(join(ROOT, 'node_modules', name), join(dir, 'node_modules', name))
    }
    writeFileSync(join(dir, 'package.json'), '{ "name": "app", "type": "module" }\n')
    writeFileSync(join(dir, 'plain.ts'), 'export const x: number = 1\n')
    writeFileSync(join(dir, 'app.ts'), "import cached from 'fncache.macro'\nexport const f = cached((id: string) => id)\n")
    writeFileSync(join(dir, 'run.mjs'), SCRIPT)
    // The @swc/core of the repository must really be out of reach from here.
    const probe = spawnSync(process.execPath, ['-e', "import('@swc/core').then(() => console.log('found'), (e) => console.log(e.code))"], { cwd: join(dir, 'node_modules/fncache.macro'), encoding: 'utf8' })
    assert.is(probe.stdout.trim(), 'ERR_MODULE_NOT_FOUND')
    const out = spawnSync(process.execPath, ['run.mjs'], { cwd: dir, encoding: 'utf8', timeout: 60_000 })
    assert.is(out.status, 0, out.stdout + out.stderr)
    const { rules, error, loader } = JSON.parse(out.stdout.trim())
    assert.is(rules, 1)
    assert.match(error, /^\[E_MISSING_PEER\] fncache\.macro\/swc\/unplugin \(fncache-swc\) needs @swc\/core, which could not be loaded \(Cannot find package '@swc\/core'/)
    assert.match(error, /\n {2}Try: npm install -D @swc\/core$/)
    assert.match(loader, /\[E_MISSING_PEER\] fncache\.macro\/swc\/webpack-loader needs @swc\/core, which could not be loaded \(Cannot find module '@swc\/core'/, loader)
    assert.match(loader, /Try: npm install -D @swc\/core/)

    // The Node register hook: the hooks thread cannot load @swc/core; the entry names it.
    writeFileSync(join(dir, 'main.ts'), "import { f } from './app.ts'\nconsole.log(f('x'))\n")
    const hook = spawnSync(process.execPath, ['--import', 'fncache.macro/swc/register', 'main.ts'], { cwd: dir, encoding: 'utf8', timeout: 60_000 })
    assert.is.not(hook.status, 0, hook.stdout + hook.stderr)
    assert.match(hook.stderr, /\[E_MISSING_PEER\] fncache\.macro\/swc\/register needs @swc\/core, which could not be loaded \(Cannot find package '@swc\/core'/, hook.stderr)
    assert.match(hook.stderr, /Try: npm install -D @swc\/core/)

    // The Jest transformer, loaded by the real jest CLI (CommonJS build).
    writeFileSync(join(dir, 'app.spec.ts'), "import { f } from './app'\ntest('f', () => { expect(f('x')).toBe('x') })\n")
    writeFileSync(join(dir, 'jest.config.json'), JSON.stringify({ testEnvironment: 'node', testMatch: ['**/*.spec.ts'], transform: { '\\.ts$': 'fncache.macro/swc/jest' } }))
    const jest = spawnSync(process.execPath, [join(dir, 'node_modules/jest/bin/jest.js'), '--ci', '--runInBand', '--no-cache', '--rootDir', dir], { cwd: dir, encoding: 'utf8', timeout: 120_000 })
    const jestText = jest.stdout + jest.stderr
    assert.is.not(jest.status, 0, jestText)
    assert.match(jestText, /\[E_MISSING_PEER\] fncache\.macro\/swc\/jest needs @swc\/core, which could not be loaded \(Cannot find module '@swc\/core'/, jestText)
    assert.match(jestText, /Try: npm install -D @swc\/core/)
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
})
missing.run()
