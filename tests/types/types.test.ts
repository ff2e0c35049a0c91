// test-timeout-ms: 600000
// The package's types as users' TypeScript sees them: declarations emitted as `npm run build`
// does into the installed layout (tests/helpers/package-layout.ts), then tests/types/fixtures/
// usage.ts type-checked under moduleResolution node10 (CommonJS, which reads "typesVersions"),
// nodenext and bundler (which read "exports"). Any diagnostic, or an @ts-expect-error line that
// compiles, fails the test.
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import ts from 'typescript'
import { ROOT, layOutPackage } from '../helpers/package-layout.js'

const BASE = join(ROOT, `.cache/types-tests-${process.pid}`)
if (process.env.KEEP !== '1') process.on('exit', () => rmSync(BASE, { recursive: true, force: true }))
const PKG = layOutPackage(BASE)
const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'))

// The declarations, with the repository's compiler options (what scripts/build.mjs runs).
{
  const config = ts.getParsedCommandLineOfConfigFile(join(ROOT, 'tsconfig.json'), {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: (d) => { throw new Error(String(d.messageText)) } })!
  const program = ts.createProgram(config.fileNames, { ...config.options, declaration: true, emitDeclarationOnly: true, noEmit: false, sourceMap: false, outDir: join(PKG, 'dist/types') })
  const emitted = program.emit()
  if (emitted.emitSkipped) throw new Error('declaration emit failed')
}

/** Checks the fixture in an app folder of the given module kind; returns formatted diagnostics. */
function check(name: string, type: 'module' | 'commonjs', options: ts.CompilerOptions, fixture = 'usage.ts'): string[] {
  const app = join(BASE, name)
  mkdirSync(join(app, 'src'), { recursive: true })
  // Its own package scope, so the import goes to node_modules (not the repository's self-reference).
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: `types-${name}`, private: true, type }) + '\n')
  copyFileSync(join(ROOT, 'tests/types/fixtures', fixture), join(app, 'src', fixture))
  const file = join(app, 'src', fixture)
  const program = ts.createProgram([file], { strict: true, noEmit: true, skipLibCheck: true, target: ts.ScriptTarget.ES2022, types: ['node'], esModuleInterop: true, ...options })
  return ts.getPreEmitDiagnostics(program).map((d) => ts.formatDiagnostic(d, { getCanonicalFileName: (f) => f, getCurrentDirectory: () => app, getNewLine: () => '\n' }).trim())
}

const types = suite('types as installed')

types('every "exports" subpath has a "typesVersions" entry with the same declaration file', () => {
  const versions = manifest.typesVersions?.['*'] ?? {}
  for (const [subpath, entry] of Object.entries(manifest.exports as Record<string, { types?: string }>)) {
    if (subpath === '.' || typeof entry === 'string') continue
    assert.equal(versions[subpath.slice(2)], [entry.types], `typesVersions["*"]["${subpath.slice(2)}"]`)
  }
})

types('moduleResolution node10 (CommonJS): the root and every subpath resolve; peek and refresh typed as they behave', () => {
  assert.equal(check('node10', 'commonjs', { module: ts.ModuleKind.CommonJS, moduleResolution: ts.ModuleResolutionKind.Node10 }), [])
})

types('moduleResolution nodenext (ESM)', () => {
  assert.equal(check('nodenext', 'module', { module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext }), [])
})

types('moduleResolution bundler', () => {
  assert.equal(check('bundler', 'module', { module: ts.ModuleKind.ESNext, moduleResolution: ts.ModuleResolutionKind.Bundler }), [])
})

types('@cached methods and cacheOf(): standard decorators, and experimentalDecorators', () => {
  assert.equal(check('decorators-standard', 'module', { module: ts.ModuleKind.ESNext, moduleResolution: ts.ModuleResolutionKind.Bundler }, 'decorators.ts'), [])
  assert.equal(check('decorators-legacy', 'commonjs', { module: ts.ModuleKind.CommonJS, moduleResolution: ts.ModuleResolutionKind.Node10, experimentalDecorators: true }, 'decorators.ts'), [])
})

types.run()
