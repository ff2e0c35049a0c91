// Client bundles: Vite (the repository's version) builds a browser app from the package as
// installed (tests/helpers/package-layout.ts), once uncompiled and once compiled by the SWC
// adapter; webpack (which, unlike Vite 7, follows a require() inside an ES module) builds the
// uncompiled app too. Neither bundle may contain the macro's build-time packages (babel-plugin-macros,
// cosmiconfig, resolve): package.json "exports" gives browser, worker, edge-light and import a root
// entry without the macro. Node's require() (and babel-plugin-macros, through "main") still gets it.
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { spawnSync } from 'node:child_process'
import { mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { build, type Rollup } from 'vite'
import webpack from 'webpack'
import fncache from '../../swc-plugin/adapters/vite.js'
import { ROOT, layOutPackage } from '../helpers/package-layout.js'

const BASE = join(ROOT, `.cache/bundle-tests-${process.pid}`)
if (process.env.KEEP !== '1') process.on('exit', () => rmSync(BASE, { recursive: true, force: true }))
layOutPackage(BASE)
// Its own package scope: inside the repository's, Node would resolve 'fncache.macro' to the
// repository itself (package self-reference) instead of the installed copy.
writeFileSync(join(BASE, 'package.json'), '{ "name": "fncache-bundle-test", "private": true, "type": "module" }\n')

// The macro-aware entry (index.js) must not be bundled either: it is what reaches the macro.
const MACRO_ENTRY = /\/fncache\.macro\/dist\/(esm|cjs)\/(index\.js|macro\/)/
const BUILD_ONLY = /\/node_modules\/(babel-plugin-macros|cosmiconfig|resolve|@babel\/[^/]+)\//

const MAIN = `import cached, { metrics } from 'fncache.macro'

export const getUser = cached(async (id: string) => ({ id, name: 'user ' + id }), { ttl: '5m', tags: ['user:{id}'] })

getUser('1').then((u) => { document.body.textContent = u.name + ' ' + JSON.stringify(metrics().hits) })
`

function app(name: string): string {
  const dir = join(BASE, name)
  for (const [path, text] of Object.entries({
    'index.html': '<!doctype html><html><body><script type="module" src="/src/main.ts"></script></body></html>\n',
    'src/main.ts': MAIN,
  })) {
    mkdirSync(dirname(join(dir, path)), { recursive: true })
    writeFileSync(join(dir, path), text)
  }
  return dir
}

/** A client build (Vite's defaults: browser conditions, minified); the modules it bundled and its size. */
async function clientBuild(dir: string, plugins: unknown[]): Promise<{ modules: string[]; bytes: number; code: string }> {
  const out = await build({ root: dir, configFile: false, logLevel: 'silent', plugins: plugins as never, build: { write: false } }) as Rollup.RollupOutput
  const chunks = out.output.filter((o): o is Rollup.OutputChunk => o.type === 'chunk')
  return {
    modules: chunks.flatMap((c) => c.moduleIds),
    bytes: chunks.reduce((n, c) => n + Buffer.byteLength(c.code), 0),
    code: chunks.map((c) => c.code).join('\n'),
  }
}

/** A webpack production build for the browser; the absolute paths of the modules it bundled. */
function webpackBuild(dir: string): Promise<string[]> {
  return new Promise((resolve, reject) => {
    webpack({
      mode: 'production', target: 'web', context: dir, entry: './src/main.js', devtool: false,
      output: { path: join(dir, 'dist-webpack') },
    }, (error, stats) => {
      if (error) return reject(error)
      if (stats!.hasErrors()) return reject(new Error(stats!.toString({ all: false, errors: true })))
      resolve([...stats!.compilation.modules].map((m) => (m as { resource?: string }).resource ?? m.identifier()))
    })
  })
}

const bundles = suite('client bundles')

bundles('uncompiled app: the browser root entry, no babel-plugin-macros, cosmiconfig or resolve', async () => {
  const { modules, bytes, code } = await clientBuild(app('uncompiled'), [])
  assert.ok(modules.some((m) => m.endsWith('/fncache.macro/dist/esm/browser.js')), modules.join('\n'))
  assert.ok(modules.some((m) => m.includes('/fncache.macro/dist/esm/runtime/')))
  assert.equal(modules.filter((m) => BUILD_ONLY.test(m) || MACRO_ENTRY.test(m)), [])
  assert.not.match(code, 'isBabelMacrosCall')
  console.log(`  uncompiled client bundle: ${bytes} bytes, ${modules.length} modules`)
})

bundles('uncompiled app, webpack: the browser root entry, no build-time packages', async () => {
  const dir = app('uncompiled-webpack')
  // Plain JavaScript, so webpack needs no TypeScript loader.
  writeFileSync(join(dir, 'src/main.js'), MAIN.replace('(id: string)', '(id)'))
  const modules = await webpackBuild(dir)
  assert.ok(modules.some((m) => m.endsWith('/fncache.macro/dist/esm/browser.js')), modules.join('\n'))
  assert.equal(modules.filter((m) => BUILD_ONLY.test(m) || MACRO_ENTRY.test(m)), [])
})

bundles('compiled app (SWC adapter): the runtime only, no build-time packages', async () => {
  const { modules, bytes, code } = await clientBuild(app('compiled'), [fncache()])
  // Compiled: the wrap went to fncache.macro/runtime with the build's id; the root entry is not needed.
  assert.match(code, 'src/main.ts#getUser')
  assert.ok(modules.some((m) => m.includes('/fncache.macro/dist/esm/runtime/')))
  assert.not.ok(modules.some((m) => m.endsWith('/fncache.macro/dist/esm/browser.js')))
  assert.equal(modules.filter((m) => BUILD_ONLY.test(m) || MACRO_ENTRY.test(m)), [])
  console.log(`  compiled client bundle: ${bytes} bytes, ${modules.length} modules`)
})

bundles("Node: require() and babel-plugin-macros get the macro through \"main\"; import gets the runtime entry", () => {
  // Plain node (no tsx, no source condition), from a folder where the package is installed.
  const script = `
const assert = require('node:assert')
const babel = require('@babel/core')
const macro = require('fncache.macro')
assert.strictEqual(macro.default.isBabelMacro, true)
assert.strictEqual(require('resolve').sync('fncache.macro', { basedir: __dirname }), require.resolve('fncache.macro'))
assert.ok(require.resolve('fncache.macro').endsWith('/dist/cjs/index.js'))
const out = babel.transformSync("import cached from 'fncache.macro'\\nexport const f = cached((id) => id, { tags: ['u:{id}'] })\\n",
  { filename: __dirname + '/src/f.js', babelrc: false, configFile: false, plugins: ['macros'] })
import('fncache.macro').then((esm) => {
  console.log(JSON.stringify({ code: out.code, esmIsMacro: esm.default.isBabelMacro ?? null, esmWraps: typeof esm.default((x) => x).invalidate }))
})
`
  writeFileSync(join(BASE, 'check.cjs'), script)
  const r = spawnSync(process.execPath, [join(BASE, 'check.cjs')], { cwd: BASE, encoding: 'utf8', env: { ...process.env, NODE_OPTIONS: '' } })
  assert.is(r.status, 0, r.stderr)
  const out = JSON.parse(r.stdout.trim().split('\n').pop()!)
  assert.match(out.code, /from ["']fncache.macro\/runtime\/internal["']/)
  assert.match(out.code, /id: ["']src\/f.js#f["']/)
  assert.is(out.esmIsMacro, null)
  assert.is(out.esmWraps, 'function')
})

bundles.run()
