// The Bun build plugin (`fncache.bun()` of fncache.macro/swc/unplugin), run by the real Bun:
// Bun.build bundles the fixture app with the plugin; the bundle must carry the compiled wraps
// (the same ids and versions as the SWC expansion of the same file), and running it with Bun must
// serve hits under those ids, with no uncompiled-fallback warning.
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { APP, FIRST_RUN, compiledApp, root, toolOrSkip } from './tools.js'

const bun = toolOrSkip('bun')
const test = suite('bun build plugin')

/** `{ id, version, compiled }` of every compiled wrap in a piece of output, in order. */
const wraps = (code: string) => [...code.matchAll(/\{ id: "([^"]+)", version: "([^"]+)", compiled: (true|!0)/g)].map((m) => ({ id: m[1], version: m[2] }))

if (bun) {
  test('Bun.build with fncache.bun() compiles the wraps; the bundle serves hits under the build ids', () => {
    const out = mkdtempSync(join(tmpdir(), 'fncache-bun-build-'))
    try {
      const built = spawnSync(bun, ['--conditions=fncache-source', join(root, 'tests/fixtures/runtimes/bun-build.ts'), APP, out], { cwd: root, encoding: 'utf8', timeout: 120_000, env: { ...process.env, NO_COLOR: '1' } })
      assert.is(built.status, 0, built.stdout + built.stderr)
      const files = readdirSync(out).filter((f) => f.endsWith('.js'))
      assert.equal(files, ['app.js'])
      const bundle = readFileSync(join(out, 'app.js'), 'utf8')
      const expected = wraps(compiledApp())
      assert.is(expected.length, 2)
      assert.equal(wraps(bundle), expected)

      const ran = spawnSync(bun, ['-e', `import(${JSON.stringify(join(out, 'app.js'))}).then((m) => m.run()).then((r) => console.log(JSON.stringify(r)))`], { cwd: out, encoding: 'utf8', timeout: 60_000, env: { ...process.env, NO_COLOR: '1' } })
      assert.is(ran.status, 0, ran.stdout + ran.stderr)
      assert.not.match(ran.stderr, /FNCACHE_UNCOMPILED/)
      assert.equal(JSON.parse(ran.stdout.trim().split('\n').pop()!), FIRST_RUN)
    } finally {
      rmSync(out, { recursive: true, force: true })
    }
  })
}
test.run()
