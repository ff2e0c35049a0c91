import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { normaliseConfig, normaliseOptions, parseDuration, TransformError } from '../../core/index.js'
import { L, lit, prop } from './site.js'

const durations = suite('parseDuration()')
const same = (input: number | string, ms: number | null) => assert.is(parseDuration(input), ms, String(input))
durations('turns duration strings into milliseconds', () => {
  same('250ms', 250); same('30s', 30_000); same('5m', 300_000); same('1h', 3_600_000)
  same('1d', 86_400_000); same('1w', 604_800_000); same('1.5h', 5_400_000); same(' 2s ', 2000)
})
durations('keeps non-negative numbers (rounded), and Infinity meaning never', () => {
  same(0, 0); same(1000, 1000); same(1.4, 1); same(Infinity, Infinity)
})
durations('rejects what is not a duration', () => {
  same('5 minutes', null); same('5', null); same('m', null); same('-5s', null); same(-1, null); same(-Infinity, null); same(NaN, null)
})
durations.run()

// ---

const options = suite('normaliseOptions()')
const norm = (...props: ReturnType<typeof prop>[]) => normaliseOptions('cached', { kind: 'object', properties: props, loc: L })
const code = (fn: () => unknown) => {
  try { fn() } catch (e) { assert.instance(e, TransformError); return (e as TransformError).code }
  return assert.unreachable('should have thrown')
}
options('normalises every literal option', () => {
  const o = norm(prop('ttl', lit('5m')), prop('staleWhileRevalidate', lit(1000)), prop('staleIfError', lit('1h')),
    prop('prefix', lit('u:')), prop('backend', lit('shared')), prop('dedupe', lit(false)), prop('version', lit('2')),
    prop('tags', lit(['a', 'b:{id}'])), prop('key', lit(['id'])))
  assert.equal({ ...o, tags: undefined, key: undefined }, { ttl: 300_000, staleWhileRevalidate: 1000, staleIfError: 3_600_000, prefix: 'u:', backend: 'shared', dedupe: false, version: '2', tags: undefined, key: undefined })
  assert.equal(o.tags, { kind: 'list', items: [{ value: 'a', loc: L }, { value: 'b:{id}', loc: L }] })
  assert.equal(o.key, { kind: 'names', items: [{ value: 'id', loc: L }] })
})
options('passes functions through for tags, key and cacheIf', () => {
  const fn = { kind: 'function', loc: L } as const
  assert.equal(norm(prop('tags', fn), prop('key', fn), prop('cacheIf', fn)), { tags: { kind: 'passthrough' }, key: { kind: 'passthrough' }, cacheIf: { kind: 'passthrough' } })
})
options('rejects each bad option with its code', () => {
  const other = { kind: 'other', nodeType: 'Identifier', loc: L } as const
  assert.is(code(() => norm(prop('ttls', lit(1)))), 'E_OPTION_UNKNOWN')
  assert.is(code(() => norm(prop('ttl', other))), 'E_OPTION_NOT_LITERAL')
  assert.is(code(() => norm(prop('ttl', lit('soon')))), 'E_DURATION')
  assert.is(code(() => norm(prop('dedupe', lit('yes')))), 'E_OPTION_TYPE')
  assert.is(code(() => norm(prop('tags', lit('a')))), 'E_OPTION_TYPE')
  assert.is(code(() => norm(prop('key', other))), 'E_OPTION_NOT_LITERAL')
  assert.is(code(() => norm(prop('cacheIf', lit(true)))), 'E_OPTION_TYPE')
  assert.is(code(() => norm({ kind: 'spread', loc: L })), 'E_OPTIONS_SPREAD')
  assert.is(code(() => norm({ kind: 'computed', loc: L })), 'E_OPTIONS_NOT_OBJECT')
  assert.is(code(() => normaliseOptions('cached', { kind: 'other', nodeType: 'Identifier', loc: L })), 'E_OPTIONS_NOT_OBJECT')
})
options.run()

// ---

const config = suite('normaliseConfig()')
config('defaults', () => {
  assert.equal(normaliseConfig(undefined), { version: 'deps', runtimeImport: 'fncache.macro/runtime', purity: true })
})
config('reads every key', () => {
  assert.equal(normaliseConfig({ root: 'pkg', namespace: 'app', ttl: '1m', version: 'module', runtimeImport: './rt.js', purity: false }),
    { root: 'pkg', scope: 'app', ttl: 60_000, version: 'module', runtimeImport: './rt.js', purity: false })
  assert.is(normaliseConfig({ version: 'function' }).version, 'function')
  assert.is(normaliseConfig({ version: 'deps' }).version, 'deps')
  assert.equal(normaliseConfig({ scope: 'app' }), normaliseConfig({ namespace: 'app' }), 'namespace is the deprecated name of scope')
  try { normaliseConfig({ scope: 'a', namespace: 'b' }); assert.unreachable() } catch (e) {
    assert.is((e as TransformError).code, 'E_CONFIG')
    assert.match((e as Error).message, 'both')
  }
  assert.equal(normaliseConfig({ version: 'build-7' }).version, { build: 'build-7' })
})
config('is strict: an unknown key is an error naming it and the nearest key', () => {
  try { normaliseConfig({ namespce: 'x' }); assert.unreachable() } catch (e) {
    assert.is((e as TransformError).code, 'E_CONFIG')
    assert.match((e as Error).message, '"namespce"')
    assert.match((e as Error).message, 'did you mean "namespace"?')
  }
  assert.throws(() => normaliseConfig({ ttl: 'soon' }), /E_CONFIG/)
  assert.throws(() => normaliseConfig({ version: 3 }), /E_CONFIG/)
  assert.throws(() => normaliseConfig({ purity: 'off' }), /E_CONFIG.*purity/s)
})
config.run()
