// The one analyzer: a reference to the macro -> plain CallSite data (core/types.ts), read through a
// SyntaxView that macro/ (Babel) and swc-plugin/ (SWC) implement with plain accessors. Every rule
// about syntax lives here once: which wrappers are transparent, how a reference is used, how a
// property key becomes a name, what owns the wrap (which names the function id), self-references
// and shadowing, parameters (a TS `this` parameter is skipped), annotations -> primitive kinds,
// literal option values, reading the options object, type-only imports. Still no rule about what
// is valid: planCall decides.
import { analyzeDecorator } from './decorator.js'
import type { BindingSite, CallSite, FunctionSite, ImportSite, Loc, OptionSite, OptionsSite, ParamSite, TypeKind, Usage, Use, ValueSite } from './types.js'

/**
 * Read-only access to one compiler's AST. Handles (`N`) are opaque: a Babel NodePath, an SWC node.
 * Node types and field names are Babel's (the SWC view translates); parentheses are invisible.
 */
export interface SyntaxView<N> {
  /** Babel's node type name (`CallExpression`, `TSAsExpression`, `ObjectProperty`, ...). */
  type(n: N): string
  /** The syntactic parent; asked only along the ancestors of a macro reference. */
  parent(n: N): N | null
  /** One child by Babel's field name (`callee`, `init`, `key`, `value`, ...), or null. */
  child(n: N, field: string): N | null
  /** A list of children by Babel's field name; `null` for an array hole. */
  children(n: N, field: string): (N | null)[]
  same(a: N, b: N): boolean
  /** An Identifier's or PrivateName's name. */
  name(n: N): string
  /** A literal's value; a template element's cooked text. */
  value(n: N): unknown
  /** A flag or word on the node: `computed`, `static`, `async`, `generator`, `optional`, `operator`, `kind`. */
  attr(n: N, key: 'computed' | 'static' | 'async' | 'generator' | 'optional' | 'operator' | 'kind'): unknown
  /** The TS type of an annotated binding (inside its type annotation), or null. */
  annotation(n: N): N | null
  loc(n: N): Loc
  /** The source text exactly as written. */
  text(n: N): string
  /** The source text from the start of `from` to the end of `to` (a decorated method without its decorators). */
  textBetween(from: N, to: N): string
  /** References to a named function expression's own name that resolve to that name. */
  selfReferences(fn: N): N[]
  /** What `name` resolves to at the reference `at` (compared by identity only). */
  declarationAt(at: N, name: string): unknown
  /** What `name` resolves to just outside the function `fn`. */
  declarationAround(fn: N, name: string): unknown
  /** What the function `fn` uses (module bindings, globals, `this`, dynamic imports), in source order. */
  uses(fn: N): Use[]
}

/** A CallSite plus the handles an emitter splices into. */
export interface Analysis<N> {
  site: CallSite
  /** The call (null: the macro is not called). */
  call: N | null
  /** What the emitter replaces by the wrap helper: the reference, or `cached.batch` as a whole. */
  callee: N
  /** The wrapped function expression or arrow. */
  fn: N | null
  /** Option name -> its property (an ObjectProperty or ObjectMethod), for code passed through. */
  values: Map<string, N>
  /** References to the function expression's own name. */
  selfRefs: N[]
}

/** Parentheses and TS-only wrappers (`as`, `satisfies`, `!`, Flow casts) do not change where a value goes. */
export const TRANSPARENT: ReadonlySet<string> = new Set(['ParenthesizedExpression', 'TSAsExpression', 'TSSatisfiesExpression', 'TSNonNullExpression', 'TypeCastExpression'])

/** Import names that denote the macro itself: `import cached from` and `import { cached } from` compile alike. */
export const MACRO_IMPORTS: readonly string[] = ['default', 'cached']
export const isMacroImport = (imported: string): boolean => MACRO_IMPORTS.includes(imported)

/** Parents of a reference that exists only in types (`typeof cached`): erased, never an error. */
const TYPE_CONTEXTS = new Set(['TSTypeQuery', 'TSQualifiedName'])

export function isTypeOnlyReference<N>(view: SyntaxView<N>, ref: N): boolean {
  const parent = view.parent(ref)
  return parent !== null && TYPE_CONTEXTS.has(view.type(parent))
}

/**
 * A named import from the macro as the planner sees it. `typeOnly`: marked `type` (on the
 * declaration or the specifier) or never used as a value; then it is kept and never checked.
 */
export function importSite(spec: { imported: string; local: string; markedType: boolean; valueReferences: number; loc: Loc }): ImportSite {
  return { imported: spec.imported, local: spec.local, typeOnly: spec.markedType || spec.valueReferences === 0, loc: spec.loc }
}

/** The outermost node around `n` that only wraps it transparently. */
export function outer<N>(view: SyntaxView<N>, n: N): N {
  let p = n
  for (let up = view.parent(p); up !== null && TRANSPARENT.has(view.type(up)); up = view.parent(p)) p = up
  return p
}

/** Which child field of each parent type makes a reference a call, a `new`, a tag or a member object. */
const USAGES: Record<string, [field: string, usage: Usage]> = {
  CallExpression: ['callee', 'call'],
  OptionalCallExpression: ['callee', 'optional-call'],
  NewExpression: ['callee', 'new'],
  TaggedTemplateExpression: ['tag', 'tagged-template'],
  MemberExpression: ['object', 'member'],
  OptionalMemberExpression: ['object', 'member'],
}

export function analyzeReference<N>(view: SyntaxView<N>, ref: N): Analysis<N> {
  const decorated = analyzeDecorator(view, ref)
  if (decorated) return decorated
  const p = outer(view, ref)
  const parent = view.parent(p)
  const rule = parent ? USAGES[view.type(parent)] : undefined
  let usage: Usage = rule && parent && sameChild(view, parent, rule[0], p) ? rule[1] : 'value'
  const values = new Map<string, N>()
  const callee = view.name(ref)
  const batchCall = usage === 'member' ? batchCallOf(view, parent!) : null
  if (batchCall !== null) usage = 'call'
  if (usage !== 'call') {
    const loc = view.loc(usage === 'value' || !parent ? ref : parent)
    const site: CallSite = { callee, usage, loc, argCount: 0, firstArg: null, extraArgLoc: null, spreadArgLoc: null, fn: null, options: null, binding: { kind: 'anonymous' } }
    return { site, call: null, callee: ref, fn: null, values, selfRefs: [] }
  }
  const call = batchCall ?? parent!
  const args = view.children(call, 'arguments') as N[]
  const first = args[0]
  const spread = args.find((a) => view.type(a) === 'SpreadElement')
  const binding = bindingOf(view, call)
  let fn: N | null = null
  let fnSite: FunctionSite | null = null
  let selfRefs: N[] = []
  if (first !== undefined && FUNCTIONS.has(view.type(first))) {
    fn = first
    selfRefs = ownName(view, first) === null ? [] : view.selfReferences(first)
    fnSite = functionSite(view, first, binding, selfRefs)
  }
  const second = args[1]
  const site: CallSite = {
    callee,
    usage,
    loc: view.loc(call),
    argCount: args.length,
    firstArg: first !== undefined ? { nodeType: view.type(first), loc: view.loc(first) } : null,
    extraArgLoc: args[2] !== undefined ? view.loc(args[2]) : null,
    spreadArgLoc: spread !== undefined ? view.loc(spread) : null,
    fn: fnSite,
    options: second !== undefined ? optionsSite(view, second, values) : null,
    binding,
  }
  if (batchCall !== null) site.form = 'batch'
  return { site, call, callee: batchCall !== null ? parent! : ref, fn, values, selfRefs }
}

/** The call of `cached.batch(...)` (a plain `.batch` member called directly), or null. */
function batchCallOf<N>(view: SyntaxView<N>, member: N): N | null {
  if (view.type(member) !== 'MemberExpression' || view.attr(member, 'computed') || keyName(view, member) !== 'batch') return null
  const m = outer(view, member)
  const up = view.parent(m)
  return up !== null && view.type(up) === 'CallExpression' && sameChild(view, up, 'callee', m) ? up : null
}

const FUNCTIONS = new Set(['ArrowFunctionExpression', 'FunctionExpression'])

export function sameChild<N>(view: SyntaxView<N>, parent: N, field: string, n: N): boolean {
  const c = view.child(parent, field)
  return c !== null && view.same(c, n)
}

/** A property's, member's or class field's key as a name; null when computed from anything but a string. */
export function keyName<N>(view: SyntaxView<N>, owner: N): string | null {
  const t = view.type(owner)
  const key = view.child(owner, t === 'MemberExpression' ? 'property' : 'key')
  if (key === null) return null
  const kt = view.type(key)
  if (view.attr(owner, 'computed')) return kt === 'StringLiteral' ? String(view.value(key)) : null
  if (kt === 'Identifier') return view.name(key)
  if (kt === 'StringLiteral') return String(view.value(key))
  if (kt === 'NumericLiteral') return String(view.value(key))
  if (kt === 'PrivateName') return '#' + view.name(key)
  return null
}

/** `a.b.c` as `['a', 'b', 'c']`, or null for anything that is not a chain of plain names. */
function memberPath<N>(view: SyntaxView<N>, n: N): string[] | null {
  const t = view.type(n)
  if (t === 'Identifier') return [view.name(n)]
  if (t === 'ThisExpression') return ['this']
  if (t === 'MemberExpression') {
    const object = view.child(n, 'object')
    const head = object === null ? null : memberPath(view, object)
    const name = keyName(view, n)
    return head && name !== null ? [...head, name] : null
  }
  return null
}

/** The name of what the value `n` is assigned to: a binding, a property chain, or `default`. */
function ownerPath<N>(view: SyntaxView<N>, n: N): string[] | null {
  const p = outer(view, n)
  const parent = view.parent(p)
  if (parent === null) return null
  switch (view.type(parent)) {
    case 'VariableDeclarator': {
      const id = view.child(parent, 'id')
      return sameChild(view, parent, 'init', p) && id !== null && view.type(id) === 'Identifier' ? [view.name(id)] : null
    }
    case 'ExportDefaultDeclaration': return ['default']
    case 'AssignmentExpression': {
      const left = view.child(parent, 'left')
      return sameChild(view, parent, 'right', p) && left !== null ? memberPath(view, left) : null
    }
    case 'ObjectProperty': {
      if (!sameChild(view, parent, 'value', p)) return null
      const name = keyName(view, parent)
      const object = view.parent(parent)
      const head = object === null ? null : ownerPath(view, object)
      return head && name !== null ? [...head, name] : null
    }
  }
  return null
}

/** What names the wrap: a class field, a binding, a property path, `export default`, or nothing. */
function bindingOf<N>(view: SyntaxView<N>, call: N): BindingSite {
  const p = outer(view, call)
  const parent = view.parent(p)
  const parentType = parent === null ? null : view.type(parent)
  if (parent !== null && (parentType === 'ClassProperty' || parentType === 'ClassPrivateProperty') && sameChild(view, parent, 'value', p)) {
    const name = keyName(view, parent)
    const className = classNameOf(view, parent)
    if (name !== null && className !== null) return { kind: 'class-field', className, name, static: !!view.attr(parent, 'static') }
    return { kind: 'anonymous' }
  }
  const path = ownerPath(view, call)
  if (!path) return { kind: 'anonymous' }
  if (path.length === 1) return path[0] === 'default' && parentType === 'ExportDefaultDeclaration' ? { kind: 'default' } : { kind: 'variable', name: path[0]! }
  return { kind: 'member', path }
}

/** The name of the class owning the member `member`: its own name, else what it is assigned to (`default` for `export default class`). */
export function classNameOf<N>(view: SyntaxView<N>, member: N): string | null {
  let cls = view.parent(member)
  if (cls !== null && view.type(cls) === 'ClassBody') cls = view.parent(cls)
  if (cls === null || (view.type(cls) !== 'ClassDeclaration' && view.type(cls) !== 'ClassExpression')) return null
  const id = view.child(cls, 'id')
  return id !== null ? view.name(id) : ownerPath(view, cls)?.join('.') ?? null
}

function ownName<N>(view: SyntaxView<N>, fn: N): string | null {
  if (view.type(fn) !== 'FunctionExpression') return null
  const id = view.child(fn, 'id')
  return id === null ? null : view.name(id)
}

export function functionSite<N>(view: SyntaxView<N>, fn: N, binding: BindingSite, selfRefs: N[]): FunctionSite {
  const name = ownName(view, fn)
  let outerNameShadowed = false
  // Renaming self-references to the outer binding is only safe where that name means the same thing.
  if (name !== null && binding.kind === 'variable' && binding.name !== name && selfRefs.length) {
    const outside = view.declarationAround(fn, binding.name)
    outerNameShadowed = selfRefs.some((r) => view.declarationAt(r, binding.name) !== outside)
  }
  const params: ParamSite[] = []
  for (const p of view.children(fn, 'params') as N[]) {
    // A TS `this` parameter declares the receiver's type, not an argument.
    if (view.type(p) === 'Identifier' && view.name(p) === 'this') continue
    params.push(paramSite(view, p))
  }
  return {
    kind: view.type(fn) === 'ArrowFunctionExpression' ? 'arrow' : 'function',
    async: !!view.attr(fn, 'async'),
    generator: !!view.attr(fn, 'generator'),
    name,
    selfReferences: selfRefs.length,
    outerNameShadowed,
    params,
    text: view.text(fn),
    uses: view.uses(fn),
    loc: view.loc(fn),
  }
}

function paramSite<N>(view: SyntaxView<N>, p: N): ParamSite {
  const loc = view.loc(p)
  const t = view.type(p)
  if (t === 'Identifier') {
    const site: ParamSite = { kind: 'name', name: view.name(p), hasDefault: false, optional: !!view.attr(p, 'optional'), type: annotationKinds(view, p), loc }
    const shape = annotationShape(view, p)
    if (shape !== undefined) site.shape = shape
    return site
  }
  if (t === 'AssignmentPattern') {
    const left = view.child(p, 'left')
    if (left !== null && view.type(left) === 'Identifier') {
      return { kind: 'name', name: view.name(left), hasDefault: true, optional: !!view.attr(left, 'optional'), type: annotationKinds(view, left), loc }
    }
    return { kind: 'pattern', name: null, hasDefault: true, optional: false, type: null, loc }
  }
  if (t === 'RestElement') {
    const arg = view.child(p, 'argument')
    return { kind: 'rest', name: arg !== null && view.type(arg) === 'Identifier' ? view.name(arg) : null, hasDefault: false, optional: false, type: null, loc }
  }
  return { kind: 'pattern', name: null, hasDefault: false, optional: false, type: null, loc }
}

const KEYWORDS: Record<string, TypeKind> = {
  TSStringKeyword: 'string', TSNumberKeyword: 'number', TSBooleanKeyword: 'boolean', TSBigIntKeyword: 'bigint',
  TSNullKeyword: 'null', TSUndefinedKeyword: 'undefined',
}
const LITERAL_KINDS: Record<string, TypeKind> = {
  StringLiteral: 'string', TemplateLiteral: 'string', NumericLiteral: 'number', UnaryExpression: 'number',
  BooleanLiteral: 'boolean', BigIntLiteral: 'bigint',
}

function annotationKinds<N>(view: SyntaxView<N>, n: N): TypeKind[] | null {
  const type = view.annotation(n)
  return type === null ? null : typeKinds(view, type)
}

/** Most names a shape may have (the runtime's MAX_SHAPE_KEYS). */
const MAX_SHAPE_NAMES = 8

/**
 * The property names of an object type literal whose members are all required, non-computed
 * properties of primitive types, or undefined (see ParamSite.shape).
 */
function annotationShape<N>(view: SyntaxView<N>, n: N): string[] | undefined {
  let type = view.annotation(n)
  while (type !== null && view.type(type) === 'TSParenthesizedType') type = view.child(type, 'typeAnnotation')
  if (type === null || view.type(type) !== 'TSTypeLiteral') return undefined
  const members = view.children(type, 'members') as N[]
  if (members.length === 0 || members.length > MAX_SHAPE_NAMES) return undefined
  const names: string[] = []
  for (const m of members) {
    if (view.type(m) !== 'TSPropertySignature' || view.attr(m, 'computed') || view.attr(m, 'optional')) return undefined
    const key = view.child(m, 'key')
    if (key === null) return undefined
    const kt = view.type(key)
    const name = kt === 'Identifier' ? view.name(key) : kt === 'StringLiteral' ? view.value(key) : null
    const kinds = annotationKinds(view, m)
    if (typeof name !== 'string' || names.includes(name) || kinds === null || kinds.includes('other')) return undefined
    names.push(name)
  }
  return names.sort()
}

/** The primitive kind of each union member of a TS type (drives the specialised key encoder). */
function typeKinds<N>(view: SyntaxView<N>, type: N): TypeKind[] {
  const t = view.type(type)
  const keyword = KEYWORDS[t]
  if (keyword) return [keyword]
  if (t === 'TSParenthesizedType') {
    const inner = view.child(type, 'typeAnnotation')
    return inner === null ? ['other'] : typeKinds(view, inner)
  }
  if (t === 'TSUnionType') return (view.children(type, 'types') as N[]).flatMap((m) => typeKinds(view, m))
  if (t === 'TSLiteralType') {
    const lit = view.child(type, 'literal')
    return [(lit !== null && LITERAL_KINDS[view.type(lit)]) || 'other']
  }
  return ['other']
}

export function optionsSite<N>(view: SyntaxView<N>, arg: N, values: Map<string, N>): OptionsSite {
  const p = unwrap(view, arg)
  if (view.type(p) !== 'ObjectExpression') return { kind: 'other', nodeType: view.type(p), loc: view.loc(p) }
  const properties = (view.children(p, 'properties') as N[]).map((prop): OptionSite => {
    const loc = view.loc(prop)
    const t = view.type(prop)
    if (t === 'SpreadElement') return { kind: 'spread', loc }
    const name = keyName(view, prop)
    const key = view.child(prop, 'key')
    if (name === null || key === null) return { kind: 'computed', loc }
    values.set(name, prop)
    let value: ValueSite
    if (t === 'ObjectMethod') value = view.attr(prop, 'kind') === 'method' ? { kind: 'function', loc } : { kind: 'other', nodeType: 'ObjectMethod', loc }
    else {
      const v = view.child(prop, 'value')
      value = v === null ? { kind: 'other', nodeType: t, loc } : valueSite(view, v)
    }
    return { kind: 'property', name, keyLoc: view.loc(key), value, loc }
  })
  return { kind: 'object', properties, loc: view.loc(p) }
}

function unwrap<N>(view: SyntaxView<N>, n: N): N {
  let p = n
  while (TRANSPARENT.has(view.type(p))) {
    const inner = view.child(p, 'expression')
    if (inner === null) break
    p = inner
  }
  return p
}

/** A literal option value as written, or what it is instead. */
function valueSite<N>(view: SyntaxView<N>, raw: N): ValueSite {
  const n = unwrap(view, raw)
  const loc = view.loc(n)
  const t = view.type(n)
  switch (t) {
    case 'StringLiteral': return { kind: 'string', value: String(view.value(n)), loc }
    case 'NumericLiteral': return { kind: 'number', value: Number(view.value(n)), loc }
    case 'BooleanLiteral': return { kind: 'boolean', value: !!view.value(n), loc }
    case 'NullLiteral': return { kind: 'null', loc }
    case 'TemplateLiteral':
      if (view.children(n, 'expressions').length === 0) {
        const quasi = view.children(n, 'quasis')[0]
        return { kind: 'string', value: quasi ? String(view.value(quasi) ?? '') : '', loc }
      }
      break
    case 'UnaryExpression': {
      const arg = view.child(n, 'argument')
      if (view.attr(n, 'operator') === '-' && arg !== null && view.type(arg) === 'NumericLiteral') return { kind: 'number', value: -Number(view.value(arg)), loc }
      break
    }
    case 'ArrayExpression':
      return { kind: 'array', items: view.children(n, 'elements').map((e) => (e === null ? { kind: 'other', nodeType: 'hole', loc } : valueSite(view, e))), loc }
    case 'ArrowFunctionExpression': case 'FunctionExpression': return { kind: 'function', loc }
    // `ttl: Infinity` reads as the number it names (a global no module shadows in practice).
    case 'Identifier': if (view.name(n) === 'Infinity') return { kind: 'number', value: Infinity, loc }
  }
  return { kind: 'other', nodeType: t, loc }
}
