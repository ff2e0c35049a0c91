// Deno (the deno package): the runtime imported through an npm: specifier from a project whose
// node_modules holds this checkout (Deno's `nodeModulesDir: manual`), uncompiled; and the compiled
// app bundle.
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { FIRST_RUN, bundledApp, printRun, root, runJson, toolOrSkip } from './tools.js'

const deno = toolOrSkip('deno')
const test = suite('deno')

if (deno) {
  // No registry access: everything resolves from the local node_modules; the cache dir is private.
  const env = ['--node-modules-dir=manual', '--no-remote', '--no-config']
  test('npm:fncache.macro/runtime caches, dedupes and invalidates (uncompiled)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'fncache-deno-'))
    mkdirSync(join(dir, 'node_modules'))
    symlinkSync(root, join(dir, 'node_modules', 'fncache.macro'))
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'deno-app', type: 'module', dependencies: { 'fncache.macro': '*' } }))
    writeFileSync(join(dir, 'main.ts'), `import { cached, invalidateTags, metrics } from 'npm:fncache.macro/runtime'
let n = 0
const get = cached(async function get(id: string) { n++; await new Promise((r) => setTimeout(r, 5)); return 'v' + n }, { tags: (_r: unknown, id: string) => ['t:' + id] })
const first = await Promise.all([get('a'), get('a'), get('a')])
const hit = await get('a')
await invalidateTags(['t:a'])
const after = await get('a')
console.log(JSON.stringify({ first, hit, after, n, hits: metrics().hits }))
`)
    // --sloppy-imports: the source condition points at .ts files imported as .js (tsc's convention).
    const got = runJson(deno, ['run', ...env, '--sloppy-imports', '--conditions=fncache-source', '--allow-read', '--allow-env', 'main.ts'], dir)
    assert.equal(got, { first: ['v1', 'v1', 'v1'], hit: 'v1', after: 'v2', n: 2, hits: 1 })
  })
  test('the compiled, bundled app caches and invalidates', async () => {
    const bundle = await bundledApp()
    assert.equal(runJson(deno, ['eval', printRun(bundle)]), FIRST_RUN)
  })
}
test.run()
