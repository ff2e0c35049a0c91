// core's SyntaxView over the @swc/core AST: SWC's node types and fields read as Babel's, parentheses
// skipped, parents taken from the ancestors scope.ts keeps for macro references. Translation only;
// every rule is in core/analyze.ts.
/* eslint-disable @typescript-eslint/no-explicit-any */
import type { SyntaxView } from '../core/index.js'
import { resolve, unparen, type Reference, type Resolved } from './scope.js'
import type { Spans } from './spans.js'
import { usesReader } from './uses.js'

type Node = any

/** Babel's name for an SWC node type, for messages (`received NumericLiteral`) and the view. */
export function babelType(node: Node): string {
  switch (node.type) {
    case 'ParenthesisExpression': return babelType(node.expression)
    case 'Parameter': return babelType(node.pat)
    case 'TsConstAssertion': return 'TSAsExpression'
    case 'TsInstantiation': return 'TSInstantiationExpression'
    case 'TsKeywordType': return KEYWORDS[node.kind] ?? 'TSKeyword'
    case 'TsTemplateLiteralType': return 'TemplateLiteral'
    case 'SuperPropExpression': return 'MemberExpression'
    case 'OptionalChainingExpression': return node.base.type === 'CallExpression' ? 'OptionalCallExpression' : 'OptionalMemberExpression'
    case 'BinaryExpression': return ['&&', '||', '??'].includes(node.operator) ? 'LogicalExpression' : 'BinaryExpression'
    case 'MethodProperty': case 'GetterProperty': case 'SetterProperty': return 'ObjectMethod'
    case 'KeyValueProperty': return 'ObjectProperty'
    case 'ExportDefaultExpression': return 'ExportDefaultDeclaration'
    case 'PrivateProperty': return 'ClassPrivateProperty'
    case 'PrivateMethod': return 'ClassPrivateMethod'
    case 'Constructor': return 'ClassMethod'
    case 'AutoAccessor': return 'ClassAccessorProperty'
    case 'Invalid': return 'Invalid'
  }
  return (node.type as string).replace(/^Ts/, 'TS')
}

const KEYWORDS: Record<string, string> = {
  string: 'TSStringKeyword', number: 'TSNumberKeyword', boolean: 'TSBooleanKeyword', bigint: 'TSBigIntKeyword',
  null: 'TSNullKeyword', undefined: 'TSUndefinedKeyword', any: 'TSAnyKeyword', unknown: 'TSUnknownKeyword',
  never: 'TSNeverKeyword', object: 'TSObjectKeyword', symbol: 'TSSymbolKeyword', void: 'TSVoidKeyword',
}

export { unparen }

/** A node SWC has no object for (a spread argument, a shorthand property), made to read as Babel's. */
interface Synthetic { type: string; $raw: Node; $span: { start: number; end: number }; $fields?: Record<string, Node> }

/** Function params are wrapped in Parameter, whose span covers the annotation like Babel's loc. */
const deref = (n: Node): Node => (n.type === 'Parameter' ? n.pat : n)

/** A spread (`...x`) in arguments or an array: SWC keeps it as a flag on its ExprOrSpread. */
function element(e: Node): Node | null {
  if (!e) return null
  if (e.spread) return { type: 'SpreadElement', $raw: e, $span: { start: e.spread.start, end: e.expression.span.end } } satisfies Synthetic
  return unparen(e.expression)
}

function property(p: Node): Node {
  // Shorthand `{ ttl }`: a property whose key and value are the identifier.
  if (p.type === 'Identifier') return { type: 'ObjectProperty', $raw: p, $span: p.span, $fields: { key: p, value: p } } satisfies Synthetic
  return p
}

/** A key, unwrapped from SWC's `Computed` (`[expr]`). */
const key = (k: Node): Node => (k?.type === 'Computed' ? unparen(k.expression) : k)

function child(raw: Node, field: string): Node | null {
  if (raw.$fields) return raw.$fields[field] ?? null
  const n = deref(raw)
  switch (field) {
    case 'id': return n.identifier ?? n.id ?? null
    case 'key': return key(n.key) ?? null
    case 'property': return key(n.property) ?? null
    case 'object': return unparen(n.object ?? n.obj ?? n.base?.object) ?? null
    case 'callee': return unparen(n.callee ?? n.base?.callee) ?? null
    case 'argument': return unparen(n.argument) ?? null
    case 'value': return n.type === 'ObjectProperty' || n.type === 'KeyValueProperty' || n.type === 'ClassProperty' || n.type === 'PrivateProperty' ? unparen(n.value) ?? null : null
  }
  return unparen(n[field]) ?? null
}

/** A class method keeps its parameters and flags on its `function`, where Babel has them on the method. */
const isMethod = (n: Node) => n.type === 'ClassMethod' || n.type === 'PrivateMethod'

function children(raw: Node, field: string): (Node | null)[] {
  const n = deref(raw)
  if (isMethod(n) && field === 'params') return n.function.params ?? []
  switch (field) {
    case 'arguments': return (n.arguments ?? []).map(element)
    case 'elements': return (n.elements ?? []).map(element)
    case 'properties': return (n.properties ?? []).map(property)
    case 'expressions': return (n.expressions ?? []).map(unparen)
  }
  return n[field] ?? []
}

function attr(raw: Node, k: string): unknown {
  const n = deref(raw)
  switch (k) {
    // A TS property signature keeps `[k]: T` as a flag, its key unwrapped.
    case 'computed': return n.type === 'TsPropertySignature' ? n.computed : (n.type === 'MemberExpression' ? n.property : n.key)?.type === 'Computed'
    case 'static': return n.isStatic
    case 'kind':
      if (isMethod(n)) return n.kind === 'getter' ? 'get' : n.kind === 'setter' ? 'set' : n.kind
      if (n.type === 'Constructor') return 'constructor'
      return n.type === 'MethodProperty' ? 'method' : n.type === 'GetterProperty' ? 'get' : n.type === 'SetterProperty' ? 'set' : n.kind
    case 'async': case 'generator': if (isMethod(n)) return n.function[k]
  }
  return n[k]
}

/**
 * The view for one parsed module. Parents exist for the nodes on the ancestor chains of the
 * references scope.ts kept (the only ones core walks up from); an optional call's inner
 * CallExpression is folded into the chain node, as Babel has one OptionalCallExpression.
 */
export function swcView(code: string, spans: Spans, resolved: Resolved): SyntaxView<Node> {
  const parents = new Map<Node, Node>()
  for (const r of resolved.refs) {
    if (!r.ancestors) continue
    const chain = [...r.ancestors, r.id]
    let i = chain.length - 1
    while (i > 0) {
      let up = i - 1
      if (up > 0 && chain[up - 1].type === 'OptionalChainingExpression' && chain[up - 1].base === chain[up]) up--
      parents.set(chain[i], chain[up])
      i = up
    }
  }
  let refOf: Map<Node, Reference> | undefined
  const byName = new Map<string, Reference[]>()
  const refsNamed = (name: string): Reference[] => {
    let list = byName.get(name)
    if (!list) byName.set(name, (list = resolved.refs.filter((r) => r.id.value === name)))
    return list
  }
  const spanOf = (n: Node) => {
    if (n.$span) return n.$span
    if (n.type === 'KeyValueProperty') return { start: n.key.span.start, end: n.value.span.end }
    if (n.type === 'SpreadElement') return { start: n.spread.start, end: n.arguments.span.end }
    return n.span
  }
  return {
    type: babelType,
    parent: (n) => parents.get(n) ?? null,
    child,
    children,
    same: (a, b) => a === b || (a.$raw !== undefined && a.$raw === b.$raw),
    name: (n) => { const d = deref(n); return d.type === 'PrivateName' ? d.value ?? d.id?.value : d.value },
    value: (n) => (n.type === 'TemplateElement' ? n.cooked : n.value),
    attr,
    annotation: (n) => {
      const a = deref(n).typeAnnotation
      return a?.type === 'TsTypeAnnotation' ? a.typeAnnotation : null
    },
    loc: (n) => spans.locOf(spanOf(n)),
    text: (n) => code.slice(...spans.range(spanOf(n))),
    textBetween: (from, to) => code.slice(spans.range(spanOf(from))[0], spans.range(spanOf(to))[1]),
    selfReferences: (fn) => {
      const own = resolved.scopes.get(fn)
      const name: string | undefined = fn.identifier?.value
      if (!own || name === undefined || own.names.get(name) !== 'self') return []
      return refsNamed(name).filter((r) => resolve(r.scope, name) === own).map((r) => r.id)
    },
    declarationAt: (at, name) => {
      refOf ??= new Map(resolved.refs.map((r) => [r.id, r]))
      const r = refOf.get(at)
      return r ? resolve(r.scope, name) : null
    },
    declarationAround: (fn, name) => resolve(resolved.scopes.get(fn)?.parent ?? null, name),
    uses: usesReader(code, spans, resolved),
  }
}
