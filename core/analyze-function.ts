// The wrapped function as the planner sees it (FunctionSite): kind, name, self-references and
// shadowing, parameters (a TS `this` parameter is skipped) with the primitive kinds of their
// annotations, its text and what it uses.
import type { SyntaxView } from './syntax-view.js'
import type { BindingSite, FunctionSite, ParamSite, TypeKind } from './types.js'

export function ownName<N>(view: SyntaxView<N>, fn: N): string | null {
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
