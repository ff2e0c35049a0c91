// The decorator form's rules in core, without a parser: targets no parser lets through (a
// constructor), a computed method name, the plan fields (`method` helper, instanceKey), and the
// same option rules as cached(fn). Parsed cases are fixtures (tests/fixtures/transform/*decorator*).
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { planCall, TransformError, type CallSite, type DecoratorSite } from '../../core/index.js'
import { CONFIG, L, MODULE, fnSite, lit, param, prop, site } from './site.js'

const method = (target: DecoratorSite['target'], name: string | null = 'getUser', options = [prop('ttl', lit('5m'))], extra: Partial<CallSite> = {}): CallSite =>
  site(target === 'method' ? fnSite([param('id', ['string'])], { kind: 'function', async: true, text: 'async getUser(id: string) {}' }) : null, options, {
    argCount: 1,
    binding: name === null ? { kind: 'anonymous' } : { kind: 'class-field', className: 'UserService', name, static: false },
    decorator: { target, name, bare: false, targetLoc: L },
    ...extra,
  })

const code = (f: () => unknown): string => {
  try { f() } catch (e) { assert.ok(e instanceof TransformError); return `${(e as TransformError).code}: ${(e as TransformError).text}` }
  return 'planned'
}

const rules = suite('decorator rules')
rules('a method is planned like cached(fn): class-field id, the method helper, options', () => {
  const plan = planCall(method('method'), CONFIG, MODULE)
  assert.is(plan.id, 'src/users.ts#UserService.prototype.getUser')
  assert.is(plan.form, 'decorator')
  assert.equal(plan.helpers, ['method'])
  assert.is(plan.ttl, 300000)
  assert.equal(plan.params, ['id'])
})
rules('a constructor (which parsers refuse first) and a class are errors with the fix', () => {
  assert.match(code(() => planCall(method('constructor', 'constructor'), CONFIG, MODULE)), /^E_DECORATOR: \[E_DECORATOR\] @cached expects to decorate a class method; received a constructor\.\n  Try: cache a static factory method/)
  assert.match(code(() => planCall(method('class', null), CONFIG, MODULE)), /received a class\.\n  Try: put @cached\(\.\.\.\) on each method/)
})
rules('a computed method name needs an explicit id', () => {
  assert.match(code(() => planCall(method('method', null), CONFIG, MODULE)), /expects a method with a plain name.*\n  Try: name the method, or give an explicit id/)
  const plan = planCall(method('method', null, [prop('id', lit('users#byKey'))]), CONFIG, MODULE)
  assert.is(plan.id, 'users#byKey')
})
rules('instanceKey: passed through on a method; on cached(fn) an error naming the fix', () => {
  const fn: ValueSiteFn = { kind: 'function', loc: L }
  assert.equal(planCall(method('method', 'getUser', [prop('instanceKey', fn)]), CONFIG, MODULE).instanceKey, { kind: 'passthrough' })
  for (const kind of ['arrow', 'function'] as const) {
    assert.match(code(() => planCall(site(fnSite([param('id')], { kind }), [prop('instanceKey', fn)]), CONFIG, MODULE)), /option "instanceKey" expects a @cached method.*\n  Try: decorate a method/)
  }
})
type ValueSiteFn = { kind: 'function'; loc: typeof L }
rules.run()
