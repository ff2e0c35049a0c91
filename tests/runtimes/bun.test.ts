// Bun (the @oven/bun-linux-x64 package): the compiled app bundle, then the runtime's own uvu suites
// (wrap, keys, codec, TTL, invalidation, metrics, memory and file backends) run by Bun itself,
// TypeScript and the package's source condition included.
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { spawnSync } from 'node:child_process'
import { FIRST_RUN, bundledApp, printRun, root, runJson, toolOrSkip } from './tools.js'

const bun = toolOrSkip('bun')
const test = suite('bun')

if (bun) {
  test('the compiled, bundled app caches and invalidates', async () => {
    const bundle = await bundledApp()
    assert.equal(runJson(bun, ['-e', printRun(bundle)]), FIRST_RUN)
  })

  const SUITES = [
    'tests/runtime/wrap.test.ts', 'tests/runtime/async.test.ts', 'tests/runtime/ttl.test.ts',
    'tests/runtime/key.test.ts', 'tests/runtime/key-decode.test.ts', 'tests/runtime/codec.test.ts',
    'tests/runtime/hash.test.ts', 'tests/runtime/invalidation.test.ts', 'tests/runtime/metrics.test.ts',
    'tests/runtime/persistent.test.ts', 'tests/runtime/signing.test.ts', 'tests/runtime/tiered.test.ts',
    'tests/runtime/backends/memory.test.ts', 'tests/runtime/backends/file.test.ts',
    'tests/runtime/backends/file-faults.test.ts', 'tests/runtime/eviction/lru.test.ts', 'tests/runtime/eviction/lfu.test.ts',
  ]
  for (const file of SUITES) {
    test(`${file} passes under Bun`, () => {
      const r = spawnSync(bun, ['--conditions=fncache-source', file], { cwd: root, encoding: 'utf8', timeout: 120_000, env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' } })
      const out = `${r.stdout}\n${r.stderr}`
      const total = Number(/Total:\s+(\d+)/.exec(out)?.[1])
      const passed = Number(/Passed:\s+(\d+)/.exec(out)?.[1])
      assert.ok(r.status === 0 && total > 0 && passed === total, `bun ${file}: exit ${r.status ?? r.signal}, ${passed}/${total} passed\n${out.slice(-3000)}`)
    })
  }
}
test.run()
