// The decorator form: `@cached(options)` (or bare `@cached`) on a class method. Read through the
// SyntaxView like any reference (analyzeDecorator, called first by analyzeReference), then planned
// by planCall exactly like `cached(fn, options)`: the method is the function (its text, from the
// key to the end of the body, is the version input), its class and name are the binding
// (`UserService.prototype.getUser`, static `UserService.getUser`). What may be decorated is
// decided here (checkDecorator); getters, setters, fields, accessors, constructors, classes and
// generators are build errors with the fix.
import { classNameOf } from './analyze.js'
import { functionSite } from './analyze-function.js'
import { optionsSite } from './analyze-options.js'
import { keyName, outer, sameChild, type Analysis, type SyntaxView } from './syntax-view.js'
import { errors } from './errors.js'
import type { BindingSite, CallSite, DecoratorSite, FunctionSite, Plan } from './types.js'

/** A decorated member's Babel node type -> what it is (Babel's `kind` tells a method from an accessor). */
const TARGETS: Record<string, (kind: unknown) => DecoratorSite['target']> = {
  ClassMethod: (kind) => (kind === 'get' ? 'getter' : kind === 'set' ? 'setter' : kind === 'constructor' ? 'constructor' : 'method'),
  ClassPrivateMethod: (kind) => (kind === 'get' ? 'getter' : kind === 'set' ? 'setter' : 'method'),
  ClassProperty: () => 'field',
  ClassPrivateProperty: () => 'field',
  ClassAccessorProperty: () => 'accessor',
  ClassDeclaration: () => 'class',
  ClassExpression: () => 'class',
}

/**
 * The analysis of a macro reference used as a decorator (`@cached`, `@cached(...)`), or null when
 * it is not one. Its CallSite is a call (the options are the first argument) with `decorator` set.
 */
export function analyzeDecorator<N>(view: SyntaxView<N>, ref: N): Analysis<N> | null {
  const p = outer(view, ref)
  let up = view.parent(p)
  let call: N | null = null
  if (up !== null && view.type(up) === 'CallExpression' && sameChild(view, up, 'callee', p)) {
    call = up
    up = view.parent(outer(view, up))
  }
  if (up === null || view.type(up) !== 'Decorator') return null
  const member = view.parent(up)
  const classify = member === null ? undefined : TARGETS[view.type(member)]
  const target: DecoratorSite['target'] = classify ? classify(view.attr(member!, 'kind')) : 'other'
  const isMember = classify !== undefined && target !== 'class'
  const key = isMember ? view.child(member!, 'key') : null
  const name = isMember ? keyName(view, member!) : null
  const className = isMember ? classNameOf(view, member!) : null
  const isStatic = isMember && !!view.attr(member!, 'static')
  const binding: BindingSite = name !== null && className !== null ? { kind: 'class-field', className, name, static: isStatic } : { kind: 'anonymous' }

  let fn: FunctionSite | null = null
  if (target === 'method' && key !== null) {
    const method = functionSite(view, member!, binding, [])
    // The version covers the method as written after its decorators (changing an option does not
    // start the cache afresh, as for cached(fn, options)); `async` is written before the key.
    fn = { ...method, text: (method.async ? 'async ' : '') + view.textBetween(key, member!), loc: view.loc(key) }
  }
  const values = new Map<string, N>()
  const args = call === null ? [] : (view.children(call, 'arguments') as N[])
  const first = args[0]
  const spread = args.find((a) => view.type(a) === 'SpreadElement')
  const site: CallSite = {
    callee: view.name(ref),
    usage: 'call',
    loc: view.loc(call ?? ref),
    argCount: args.length,
    firstArg: first !== undefined ? { nodeType: view.type(first), loc: view.loc(first) } : null,
    extraArgLoc: args[1] !== undefined ? view.loc(args[1]) : null,
    spreadArgLoc: spread !== undefined ? view.loc(spread) : null,
    fn,
    options: first !== undefined && spread === undefined ? optionsSite(view, first, values) : null,
    binding,
    decorator: { target, name, bare: call === null, targetLoc: view.loc(key ?? up) },
  }
  return { site, call, callee: ref, fn: null, values, selfRefs: [] }
}

const METHOD = (c: string) => `@${c}({ ttl: '5m' }) async getUser(id: string) { ... }`

/** What each invalid target is called in messages, and the fix. */
const INVALID: Record<Exclude<DecoratorSite['target'], 'method'>, (c: string, name: string) => [received: string, fix: string]> = {
  getter: (c, n) => [`a getter (get ${n})`, `make it a method, called as this.${n}(): ${METHOD(c).replace('getUser(id: string)', n + '()')}`],
  setter: (c, n) => [`a setter (set ${n})`, `remove @${c}: a setter returns nothing to cache; cache the method that reads the value instead`],
  field: (c, n) => [`a field (${n})`, `decorate a method: ${METHOD(c)}; or wrap the field's function without a decorator: ${n} = ${c}(async (id: string) => ...)`],
  accessor: (c, n) => [`an auto-accessor (accessor ${n})`, `decorate a method: ${METHOD(c)}`],
  constructor: (c) => ['a constructor', `cache a static factory method instead: @${c}() static async create(id: string) { ... }`],
  class: (c) => ['a class', `put @${c}(...) on each method to cache: class UserService { ${METHOD(c)} }`],
  other: (c) => ['something other than a class member', `decorate a method: ${METHOD(c)}`],
}

/** The build errors of the decorator form, before planCall plans the method like a function. */
export function checkDecorator(site: CallSite): void {
  const d = site.decorator!
  const callee = site.callee
  if (d.target !== 'method') {
    const [received, fix] = INVALID[d.target](callee, d.name ?? 'value')
    throw errors.decoratorTarget(callee, received, fix, site.loc)
  }
  if (site.spreadArgLoc) throw errors.spreadArgument(callee, site.spreadArgLoc)
  if (site.argCount > 1) throw errors.decoratorArguments(callee, site.argCount, site.extraArgLoc ?? site.loc)
  const fn = site.fn!
  if (fn.generator) {
    throw errors.decoratorTarget(callee, `a generator method (*${d.name ?? ''})`,
      `cache a method returning what the generator would produce: @${callee}() async ids(n: number) { return Array.fromAsync(this.items(n)) }`, fn.loc)
  }
  if (d.name === null && !hasOption(site, 'id')) throw errors.decoratorName(callee, d.targetLoc)
}

function hasOption(site: CallSite, name: string): boolean {
  return site.options?.kind === 'object' && site.options.properties.some((p) => p.kind === 'property' && p.name === name)
}

/** Where `instanceKey` is written (for the error when it is given to a plain `cached(fn)`). */
function optionLoc(site: CallSite, name: string) {
  if (site.options?.kind !== 'object') return site.loc
  for (const p of site.options.properties) if (p.kind === 'property' && p.name === name) return p.keyLoc
  return site.loc
}

/**
 * The plan fields of the decorator form: the `method` helper (a decorator for both protocols)
 * instead of `wrap`, and `instanceKey`, which reads the receiver of each call: only a method has
 * one it can name (an arrow's `this` is the enclosing one; a plain function's, whatever calls it).
 */
export function decoratorPlan(site: CallSite, instanceKey: boolean): Pick<Plan, 'form' | 'instanceKey'> {
  if (!site.decorator) {
    if (instanceKey) throw errors.instanceKeyNotMethod(site.callee, optionLoc(site, 'instanceKey'))
    return {}
  }
  return instanceKey ? { form: 'decorator', instanceKey: { kind: 'passthrough' } } : { form: 'decorator' }
}
