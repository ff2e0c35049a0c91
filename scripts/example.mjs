// `npm run example`: builds the package into .cache/example/pkg (ESM + CJS, as published),
// installs it as node_modules/fncache.macro of a scratch app, compiles examples/ into the app with
// babel.config.js (babel-plugin-macros + preset-typescript, the macro found through "main" like a
// user's build finds it; examples/swc through fncache.macro/swc's transformSync instead), then runs
// each example's main.js with plain node and prints a short report.
//   node scripts/example.mjs [names...] [--build-only]
// Examples that need a server (redis) run only when REDIS_URL is set. FNCACHE_EXAMPLE_WORK moves
// the scratch folder (tests use their own).
import { spawnSync } from 'node:child_process'
import { cpSync, existsSync, mkdirSync, readdirSync, rmSync, symlinkSync, writeFileSync, readFileSync, statSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join, relative } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'

const root = fileURLToPath(new URL('..', import.meta.url))
const require = createRequire(import.meta.url)
const work = process.env.FNCACHE_EXAMPLE_WORK ? join(process.env.FNCACHE_EXAMPLE_WORK) : join(root, '.cache/example')
const buildOnly = process.argv.includes('--build-only')
const only = process.argv.slice(2).filter((a) => !a.startsWith('--'))
/** Examples that need a running server, and the variable that names it. */
const NEEDS = { redis: 'REDIS_URL' }
const pkg = join(work, 'pkg')
const app = join(work, 'app')
rmSync(work, { recursive: true, force: true })

// 1. The package, laid out as `npm run build` lays it out (dist/esm, dist/cjs). esbuild (installed
// with tsx) transpiles file by file in a second; without it, tsc does the same more slowly.
let t0 = Date.now()
const sources = []
// What a build compiles: tsconfig.json's "include" (one list for the build, the examples and the tests).
for (const top of JSON.parse(readFileSync(join(root, 'tsconfig.json'), 'utf8')).include) {
  ;(function walk(p) {
    if (statSync(p).isDirectory()) for (const n of readdirSync(p)) walk(join(p, n))
    else if (p.endsWith('.ts') && !p.endsWith('.d.ts')) sources.push(p)
  })(join(root, top))
}
let esbuild = null
try { esbuild = require('esbuild') } catch {}
for (const [format, dir] of [['esm', 'dist/esm'], ['cjs', 'dist/cjs']]) {
  if (esbuild) {
    esbuild.buildSync({ entryPoints: sources, outbase: root, outdir: join(pkg, dir), format, platform: 'node', target: 'node20', logLevel: 'error' })
  } else {
    const tsc = require.resolve('typescript/bin/tsc')
    const args = format === 'cjs' ? ['--module', 'CommonJS', '--moduleResolution', 'Node10'] : []
    const r = spawnSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.json'), '--declaration', 'false', '--outDir', join(pkg, dir), ...args], { encoding: 'utf8' })
    if (r.status !== 0) console.warn(`(tsc reported problems; continuing with the emitted files)\n${r.stdout.split('\n').slice(0, 5).join('\n')}`)
  }
}
writeFileSync(join(pkg, 'dist/cjs/package.json'), '{ "type": "commonjs" }\n')
cpSync(join(root, 'package.json'), join(pkg, 'package.json'))
console.log(`built the package in ${Date.now() - t0} ms${esbuild ? ' (esbuild)' : ' (tsc)'}`)

// 2. A scratch app that depends on it (the package's own dependencies linked beside it).
mkdirSync(join(pkg, 'node_modules'), { recursive: true })
mkdirSync(join(app, 'node_modules'), { recursive: true })
writeFileSync(join(app, 'package.json'), '{ "name": "fncache-examples", "private": true, "type": "module" }\n')
symlinkSync(pkg, join(app, 'node_modules/fncache.macro'), 'dir')
// Runtime dependencies (whatever package.json lists), and the optional peers the examples use.
const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'))
for (const dep of [...Object.keys(manifest.dependencies ?? {}), 'ioredis', '@swc/core']) {
  if (!existsSync(join(root, 'node_modules', dep))) continue
  mkdirSync(dirname(join(pkg, 'node_modules', dep)), { recursive: true })
  symlinkSync(join(root, 'node_modules', dep), join(pkg, 'node_modules', dep), 'dir')
}

// 3. Compile every example with the macro.
const babel = require('@babel/core')
// The published SWC transform, from the built package (its @swc/core linked beside it).
const swcPlugin = await import(pathToFileURL(join(pkg, 'dist/esm/swc-plugin/index.js')).href)
const swc = () => swcPlugin
t0 = Date.now()
let files = 0
;(function walk(dir) {
  for (const name of readdirSync(dir)) {
    const src = join(dir, name)
    if (statSync(src).isDirectory()) { walk(src); continue }
    if (!name.endsWith('.ts')) continue
    const out = join(app, relative(join(root, 'examples'), src)).replace(/\.ts$/, '.js')
    const filename = out.replace(/\.js$/, '.ts')
    const code = readFileSync(src, 'utf8')
    const result = relative(join(root, 'examples'), src).startsWith('swc/')
      ? swc().transformSync(code, {
        filename, sourceMaps: 'inline', module: { type: 'es6' },
        jsc: { parser: { syntax: 'typescript' }, target: 'es2022' },
      })
      : babel.transformSync(code, { filename, root, configFile: join(root, 'babel.config.js'), sourceMaps: 'inline' })
    mkdirSync(dirname(out), { recursive: true })
    writeFileSync(out, result.code)
    files++
  }
})(join(root, 'examples'))
console.log(`compiled ${files} files with the macro (examples/swc with the SWC transform) in ${Date.now() - t0} ms\n`)

// 4. Run each example with plain node, then print the report.
if (buildOnly) process.exit(0)
const report = []
for (const name of readdirSync(app).sort()) {
  const main = join(app, name, 'main.js')
  if (!existsSync(main) || (only.length && !only.includes(name))) continue
  const needs = NEEDS[name]
  if (needs && !process.env[needs]) {
    report.push([name, `skipped (needs a server: set ${needs})`, ''])
    continue
  }
  console.log(`── examples/${name} ──`)
  const started = Date.now()
  const r = spawnSync(process.execPath, ['--enable-source-maps', main], { stdio: 'inherit', cwd: app })
  report.push([name, r.status === 0 ? 'ok' : `FAILED (exit ${r.status ?? r.signal})`, `${Date.now() - started} ms`])
  console.log()
}
console.log('── report ──')
for (const [name, status, ms] of report) console.log(`  ${name.padEnd(14)} ${status.padEnd(38)} ${ms}`)
const failed = report.filter(([, status]) => status.startsWith('FAILED')).length
console.log(failed ? `${failed} example(s) failed` : `all ${report.filter(([, s]) => s === 'ok').length} examples ran`)
process.exitCode = failed ? 1 : 0
