// The option table (shared/options.ts) is the one declaration of every option: the public type
// CacheOptions must list exactly its options, with its defaults and units; the build-time checks
// and the runtime normalisation must both accept and reject by it.
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import ts from 'typescript'
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { OPTIONS, OPTION_NAMES, COMPILED_OPTIONS, BATCH_OPTIONS } from '../../shared/options.js'
import { normaliseOptions, TransformError, type OptionsSite, type ValueSite } from '../../core/index.js'
import { cached } from '../../runtime/index.js'

const TYPES = fileURLToPath(new URL('../../runtime/types.ts', import.meta.url))

/** CacheOptions' members as written: name, type text, TSDoc text and @default. */
function cacheOptionsMembers(name = 'CacheOptions') {
  const file = ts.createSourceFile(TYPES, readFileSync(TYPES, 'utf8'), ts.ScriptTarget.ES2022, true)
  const iface = file.statements.find((s): s is ts.InterfaceDeclaration => ts.isInterfaceDeclaration(s) && s.name.text === name)!
  return iface.members.filter(ts.isPropertySignature).map((m) => {
    const doc = ts.getJSDocCommentsAndTags(m).find(ts.isJSDoc)
    const text = typeof doc?.comment === 'string' ? doc.comment : ts.getTextOfJSDocComment(doc?.comment) ?? ''
    const tag = doc?.tags?.find((t) => t.tagName.text === 'default')
    const dflt = tag ? (typeof tag.comment === 'string' ? tag.comment : ts.getTextOfJSDocComment(tag.comment) ?? '') : null
    return { name: (m.name as ts.Identifier).text, type: m.type!.getText(file), text: text.replace(/\s+/g, ' '), default: dflt?.replace(/\s+/g, ' ') ?? null }
  })
}

const table = suite('option table vs the public type')
table('CacheOptions lists exactly the table\'s options, in its order', () => {
  assert.equal(cacheOptionsMembers().map((m) => m.name), [...OPTION_NAMES])
})
table('each option\'s TSDoc starts with the table\'s summary and states its default', () => {
  const members = new Map(cacheOptionsMembers().map((m) => [m.name, m]))
  for (const spec of OPTIONS) {
    const m = members.get(spec.name)!
    assert.ok(m.text.startsWith(spec.summary), `${spec.name}: TSDoc "${m.text}" should start with "${spec.summary}"`)
    assert.is(m.default, spec.default, `${spec.name}: @default`)
  }
})
table('options with a unit are typed Duration (milliseconds or a duration string)', () => {
  const members = new Map(cacheOptionsMembers().map((m) => [m.name, m]))
  for (const spec of OPTIONS) assert.is(members.get(spec.name)!.type === 'Duration', 'unit' in spec, spec.name)
})
table('BatchOptions adds exactly the batch table\'s options, each documented from it', () => {
  const members = cacheOptionsMembers('BatchOptions')
  assert.equal(members.map((m) => m.name), BATCH_OPTIONS.map((o) => o.name))
  for (const spec of BATCH_OPTIONS) {
    const m = members.find((x) => x.name === spec.name)!
    assert.ok(m.text.startsWith(spec.summary), `${spec.name}: TSDoc "${m.text}" should start with "${spec.summary}"`)
    assert.is(m.default, spec.default, `${spec.name}: @default`)
    assert.is(m.type === 'Duration', 'unit' in spec, spec.name)
  }
})
table('compiled-only options are not user options', () => {
  for (const name of COMPILED_OPTIONS) assert.not.ok((OPTION_NAMES as readonly string[]).includes(name), name)
})
table.run()

const loc = { line: 1, column: 0, end: { line: 1, column: 1 } }
const site = (name: string, value: ValueSite): OptionsSite => ({ kind: 'object', loc, properties: [{ kind: 'property', name, keyLoc: loc, value, loc }] })
/** A literal of each kind the table names, written as the analyzer reports it. */
const GOOD: Record<string, ValueSite> = {
  duration: { kind: 'string', value: '5m', loc },
  'finite-duration': { kind: 'number', value: 250, loc },
  string: { kind: 'string', value: 'p:', loc },
  name: { kind: 'string', value: 'x', loc },
  boolean: { kind: 'boolean', value: false, loc },
  'names-or-function': { kind: 'array', items: [{ kind: 'string', value: 'id', loc }], loc },
  function: { kind: 'function', loc },
  'schema-or-function': { kind: 'other', nodeType: 'Identifier', loc },
  'early-refresh': { kind: 'boolean', value: true, loc },
}
const RUNTIME_GOOD: Record<string, unknown> = {
  duration: '5m', 'finite-duration': 250, string: 'p:', name: 'x', boolean: false, 'names-or-function': ['id'], function: () => true,
  'schema-or-function': (v: unknown) => v !== undefined, 'early-refresh': true,
}
/** Options that only work beside another: what each needs to be accepted alone. */
const BESIDE: Record<string, Record<string, unknown>> = { isEmpty: { emptyTtl: 1000 } }

const sides = suite('build time and run time accept and reject by the table')
sides('every option accepts a value of its kind, on both sides', () => {
  for (const spec of OPTIONS) {
    normaliseOptions('cached', site(spec.name, GOOD[spec.kind]!))
    cached((id: string) => id, { ...BESIDE[spec.name], [spec.name]: RUNTIME_GOOD[spec.kind] })
  }
})
sides('every option rejects an object of the wrong kind, on both sides, naming the option', () => {
  for (const spec of OPTIONS) {
    const numberIsWrong = spec.kind === 'boolean' || spec.kind === 'early-refresh'
    const wrong: ValueSite = numberIsWrong ? { kind: 'number', value: 1, loc } : { kind: 'boolean', value: true, loc }
    assert.throws(() => normaliseOptions('cached', site(spec.name, wrong)), (e: unknown) => e instanceof TransformError && e.message.includes(spec.name), spec.name)
    assert.throws(() => cached((id: string) => id, { ...BESIDE[spec.name], [spec.name]: numberIsWrong ? 1 : true } as never), (e: unknown) => (e as Error).message.includes(spec.name), spec.name)
  }
})
sides('batch options: accepted by cached.batch on both sides, unknown to cached, refused with the wrong kind', () => {
  const good: Record<string, [ValueSite, unknown]> = { count: [{ kind: 'number', value: 100, loc }, 100], 'finite-duration': [GOOD['finite-duration']!, 250] }
  const batchFn = async (ids: readonly string[]) => ids
  for (const spec of BATCH_OPTIONS) {
    const [literal, value] = good[spec.kind]!
    normaliseOptions('cached.batch', site(spec.name, literal), true)
    cached.batch(batchFn, { [spec.name]: value })
    assert.throws(() => normaliseOptions('cached', site(spec.name, literal)), (e: unknown) => e instanceof TransformError && e.code === 'E_OPTION_UNKNOWN', spec.name)
    assert.throws(() => cached((id: string) => id, { [spec.name]: value } as never), /unknown option/, spec.name)
    const wrong: ValueSite = { kind: 'boolean', value: true, loc }
    assert.throws(() => normaliseOptions('cached.batch', site(spec.name, wrong), true), (e: unknown) => e instanceof TransformError && e.message.includes(spec.name), spec.name)
    assert.throws(() => cached.batch(batchFn, { [spec.name]: true } as never), (e: unknown) => (e as Error).message.includes(spec.name), spec.name)
  }
})
sides('ttl: Infinity is a literal at build time; a stale window of Infinity is refused on both sides', () => {
  const infinity: ValueSite = { kind: 'number', value: Infinity, loc }
  assert.is(normaliseOptions('cached', site('ttl', infinity)).ttl, 0, 'Infinity is no expiry, spelled 0 as the runtime does')
  assert.throws(() => normaliseOptions('cached', site('staleWhileRevalidate', infinity)), /E_DURATION/)
  assert.throws(() => cached((id: string) => id, { staleWhileRevalidate: Infinity }), /finite/)
})
sides.run()
