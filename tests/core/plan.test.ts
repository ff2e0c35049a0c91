import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { planCall, planModule, printOptions, shortHash, type CallSite } from '../../core/index.js'
import { CONFIG, L, MODULE, fnSite, lit, param, prop, site } from './site.js'

const plan = (s: CallSite, config = CONFIG) => planCall(s, config, MODULE)

const API = suite('core/plan API')
API('a Plan is JSON-serialisable', () => {
  const p = plan(site(fnSite([param('id', ['string'])]), [prop('tags', lit(['user:{id}']))]))
  assert.equal(JSON.parse(JSON.stringify(p)), p)
})
API.run()

// ---

const ids = suite('planCall() ids')
const idOf = (binding: CallSite['binding']) => plan(site(fnSite([]), null, { binding })).id
ids('names the binding, default, members, class fields, or the position', () => {
  assert.is(idOf({ kind: 'variable', name: 'getUser' }), 'src/users.ts#getUser')
  assert.is(idOf({ kind: 'default' }), 'src/users.ts#default')
  assert.is(idOf({ kind: 'member', path: ['api', 'getUser'] }), 'src/users.ts#api.getUser')
  assert.is(idOf({ kind: 'class-field', className: 'Users', name: 'find', static: true }), 'src/users.ts#Users.find')
  assert.is(idOf({ kind: 'class-field', className: 'Users', name: 'load', static: false }), 'src/users.ts#Users.prototype.load')
  assert.is(idOf({ kind: 'anonymous' }), 'src/users.ts#3:24')
})
ids('an explicit id option wins', () => {
  assert.is(plan(site(fnSite([]), [prop('id', lit('users#get'))])).id, 'users#get')
})
ids('two wraps with one id in a file are an error', () => {
  assert.throws(() => planModule([site(fnSite([])), site(fnSite([]))], CONFIG, MODULE), /E_DUPLICATE_ID/)
})
ids.run()

// ---

const versions = suite('planCall() versions')
versions('hash the function text by default: same text, same version', () => {
  const a = plan(site(fnSite([], { text: '() => 1' })))
  const b = plan(site(fnSite([], { text: '() => 1' })))
  const c = plan(site(fnSite([], { text: '() => 2' })))
  assert.is(a.version, b.version)
  assert.is.not(a.version, c.version)
  assert.is(a.version, shortHash('() => 1'))
  assert.match(a.version, /^[0-9a-f]{8}$/)
})
versions('module hash, build id, and the per-call option', () => {
  assert.is(plan(site(fnSite([])), { ...CONFIG, version: 'module' }).version, 'feedbeef')
  assert.is(plan(site(fnSite([])), { ...CONFIG, version: { build: 'b1' } }).version, 'b1')
  assert.is(plan(site(fnSite([]), [prop('version', lit('9'))]), { ...CONFIG, version: { build: 'b1' } }).version, '9')
})
versions.run()

// ---

const keys = suite('planCall() keys')
keys('key names become argument indices', () => {
  const p = plan(site(fnSite([param('a'), param('b'), param('c')]), [prop('key', lit(['a', 'c']))]))
  assert.equal(p.key, { kind: 'indices', indices: [0, 2] })
  assert.equal(p.keyOf, { arity: 3, values: [{ index: 0, encoding: 'any' }, { index: 2, encoding: 'any' }] })
})
keys('no keyOf for one key value (the runtime keys it by the value itself)', () => {
  assert.is(plan(site(fnSite([param('id', ['string'])]))).keyOf, undefined)
  assert.is(plan(site(fnSite([param('a'), param('b')]), [prop('key', lit(['a']))])).keyOf, undefined)
})
keys('annotated primitives get fixed encodings; optional and unions fall back to the switch', () => {
  const p = plan(site(fnSite([param('a', ['string']), param('b', ['number']), param('c', ['boolean']), param('d', ['string', 'number']), param('e', ['string'], { optional: true })])))
  assert.equal(p.keyOf!.values.map((v) => v.encoding), ['string', 'number', 'boolean', 'any', 'any'])
})
keys('destructured or rest parameters: generic key', () => {
  assert.is(plan(site(fnSite([{ ...param('x'), kind: 'pattern', name: null }, param('b')]))).keyOf, undefined)
  const rest = plan(site(fnSite([param('a'), { ...param('more'), kind: 'rest' }])))
  assert.is(rest.keyOf, undefined)
  assert.is(rest.rest, true)
  assert.equal(rest.params, ['a', null])
})
keys('a key entry naming no parameter, or the rest parameter, is an error', () => {
  assert.throws(() => plan(site(fnSite([param('a')]), [prop('key', lit(['b']))])), /E_KEY_PARAM/)
  assert.throws(() => plan(site(fnSite([param('a'), { ...param('more'), kind: 'rest' }]), [prop('key', lit(['more']))])), /E_KEY_PARAM/)
})
keys.run()

// ---

const entry = suite('planCall() runtime entry')
entry('options the build checked call wrapCompiled; options normalised at run time, or a custom runtimeImport, call wrap', () => {
  const fn = () => fnSite([param('id', ['string'])])
  assert.equal(plan(site(fn(), [prop('ttl', lit('5m')), prop('tags', lit(['users']))])).helpers, ['wrapCompiled'])
  assert.equal(plan(site(fn(), [prop('earlyRefresh', lit(true))])).helpers, ['wrap'])
  assert.equal(plan(site(fn(), [prop('emptyTtl', lit('30s'))])).helpers, ['wrap'])
  assert.equal(plan(site(fn(), [prop('ttl', lit('5m'))]), { ...CONFIG, runtimeImport: '#app/runtime' }).helpers, ['wrap'])
})
entry.run()

// ---

const tags = suite('planCall() tags')
tags('templates compile to parameter paths; plain strings stay literal', () => {
  const p = plan(site(fnSite([param('user'), param('page')]), [prop('tags', lit(['users', 'user:{user.id}', '{page}']))]))
  assert.equal(p.tags, {
    kind: 'list', arity: 2, tags: [
      { kind: 'literal', value: 'users' },
      { kind: 'template', parts: [{ text: 'user:' }, { param: 0, path: ['id'] }] },
      { kind: 'template', parts: [{ param: 1, path: [] }] },
    ],
  })
  assert.equal(p.helpers, ['wrapCompiled', 'tagPart'])
})
tags('prints a tags function with optional chaining', () => {
  const p = plan(site(fnSite([param('user')]), [prop('tags', lit(['u:{user.org.id}']))]))
  assert.match(printOptions(p, { tagPart: '_tagPart' }), 'tags: (result, user) => ["u:" + _tagPart(user?.org?.id)]')
})
tags('a template naming no parameter is an error', () => {
  assert.throws(() => plan(site(fnSite([param('id')]), [prop('tags', lit(['user:{userId}']))])), /E_TAG_PARAM/)
})
tags.run()

// ---

const calls = suite('planCall() call shapes')
calls('rejects every non-call use, bad arity and non-functions', () => {
  const err = (s: CallSite, re: RegExp) => assert.throws(() => plan(s), re)
  for (const usage of ['value', 'member', 'new', 'tagged-template', 'optional-call'] as const) err(site(null, null, { usage }), /E_MACRO_NOT_CALLED/)
  err(site(fnSite([]), null, { argCount: 3, extraArgLoc: L }), /E_MACRO_ARGUMENTS/)
  err(site(fnSite([]), null, { spreadArgLoc: L }), /E_MACRO_ARGUMENTS/)
  err(site(null, null, { firstArg: { nodeType: 'NumericLiteral', loc: L } }), /E_MACRO_NOT_A_FUNCTION.*received NumericLiteral/)
  err(site(fnSite([], { generator: true })), /E_MACRO_GENERATOR/)
})
calls('self references: drop the name, rename to the binding, or go through a temp', () => {
  const self = (name: string, binding: CallSite['binding'], shadowed = false) =>
    plan(site(fnSite([param('n')], { kind: 'function', name, selfReferences: 1, outerNameShadowed: shadowed }), null, { binding })).self
  assert.equal(self('fib', { kind: 'variable', name: 'fib' }), { name: 'fib', strategy: 'drop-name' })
  assert.equal(self('f', { kind: 'variable', name: 'fib' }), { name: 'f', strategy: 'rename', to: 'fib' })
  assert.equal(self('f', { kind: 'variable', name: 'fib' }, true), { name: 'f', strategy: 'temp' })
  assert.equal(self('f', { kind: 'default' }), { name: 'f', strategy: 'temp' })
})
calls('config scope and default ttl reach the plan; the call ttl wins', () => {
  const config = { ...CONFIG, scope: 'app', ttl: 1000 }
  assert.equal([plan(site(fnSite([])), config).namespace, plan(site(fnSite([])), config).ttl], ['app', 1000])
  assert.is(plan(site(fnSite([]), [prop('ttl', lit(0))]), config).ttl, 0)
})
calls.run()
