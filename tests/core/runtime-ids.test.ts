// The transform's list of runtime exports (core/runtime-ids.ts, which may not import the runtime)
// must equal what the runtime really exports; the helpers compiled code calls live on the internal
// subpath only; the root entry is the runtime's public surface plus `tiered`.
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { readFileSync } from 'node:fs'
import { HELPERS, HELPERS_IMPORT, RUNTIME_EXPORTS, RUNTIME_IMPORT } from '../../core/index.js'
import * as runtime from '../../runtime/index.js'
import * as internal from '../../runtime/internal.js'
import * as root from '../../index.js'
import * as browser from '../../browser.js'

const sorted = (list: Iterable<string>) => [...list].sort()
const ids = suite('runtime ids')

ids('RUNTIME_EXPORTS is exactly the value exports of fncache.macro/runtime', () => {
  assert.equal(sorted(RUNTIME_EXPORTS), sorted(Object.keys(runtime)))
})
ids('the helpers are exported by the internal subpath, and by no public entry', () => {
  assert.equal(sorted(Object.keys(internal)), sorted(Object.values(HELPERS)))
  for (const helper of Object.values(HELPERS)) {
    assert.is(typeof (internal as Record<string, unknown>)[helper], 'function', helper)
    assert.not.ok(helper in runtime, `fncache.macro/runtime exports ${helper}`)
    assert.not.ok(helper in root, `fncache.macro exports ${helper}`)
  }
})
ids('the root entry is the runtime plus tiered and the macro default', () => {
  assert.equal(sorted(Object.keys(root)), sorted([...Object.keys(runtime), 'tiered', 'default']))
  assert.is(root.tiered.name, 'tiered')
  // One `cached`: the named import is the default one (the macro, or uncompiled the warning wrapper).
  assert.is(root.cached, root.default)
  assert.is.not(root.cached, runtime.cached)
})
ids('the ESM / bundler root (browser.ts) offers the same names as the CommonJS root', () => {
  assert.equal(sorted(Object.keys(browser)), sorted(Object.keys(root)))
  assert.is(browser.tiered, root.tiered)
  assert.is(browser.cached, browser.default)
})
ids('package.json maps the import paths emitted code uses', () => {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8'))
  for (const path of [RUNTIME_IMPORT, HELPERS_IMPORT]) {
    const entry = pkg.exports['.' + path.slice(pkg.name.length)]
    assert.ok(entry, `no exports entry for ${path}`)
    assert.is(entry['fncache-source'], path === RUNTIME_IMPORT ? './runtime/index.ts' : './runtime/internal.ts')
  }
})
ids.run()
