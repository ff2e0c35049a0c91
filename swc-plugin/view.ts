// core's SyntaxView over the @swc/core AST: SWC's node types and fields read as Babel's, parentheses
// skipped, parents taken from the ancestors scope.ts keeps for macro references. Translation only;
// every rule is in core/analyze.ts.
/* eslint-disable @typescript-eslint/no-explicit-any */
import type { ModuleView, SyntaxView, Use } from '../core/index.js'
import { patternNames, resolve, type Reference, type Resolved } from './scope.js'
import type { Spans } from './spans.js'

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

export const unparen = (n: Node): Node => (n && n.type === 'ParenthesisExpression' ? unparen(n.expression) : n)

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

const SKIP_KEYS = new Set(['typeAnnotation', 'returnType', 'typeParameters', 'typeParams', 'typeArguments', 'superTypeParams', 'implements', 'span', 'ctxt'])
const TS_VALUE = new Set(['TsAsExpression', 'TsSatisfiesExpression', 'TsNonNullExpression', 'TsConstAssertion', 'TsTypeAssertion', 'TsInstantiation'])
const NON_ARROW = new Set(['FunctionDeclaration', 'FunctionExpression', 'ClassMethod', 'PrivateMethod', 'Constructor', 'MethodProperty', 'GetterProperty', 'SetterProperty', 'ClassDeclaration', 'ClassExpression', 'StaticBlock'])
const byPosition = (a: Use, b: Use) => a.loc.line - b.loc.line || a.loc.column - b.loc.column || (a.kind < b.kind ? -1 : a.kind > b.kind ? 1 : 0)

/** `uses(n)` for one module: a walk of `n`'s subtree that asks the resolver where each identifier is declared. */
function usesReader(code: string, spans: Spans, resolved: Resolved): (root: Node) => Use[] {
  let refOf: Map<Node, Reference> | undefined
  let reassigned: Set<string> | undefined
  const locOf = (n: Node) => spans.locOf(n.span)
  return (root) => {
    refOf ??= new Map(resolved.refs.map((r) => [r.id, r]))
    reassigned ??= new Set(resolved.assigned.filter((a) => resolve(a.scope, a.id.value) === resolved.program).map((a) => a.id.value))
    const refs = refOf, moved = reassigned
    const out: Use[] = []
    const stack: Node[] = []
    /** The member chain read from `id` (parents in `stack`) and whether it is called. */
    const chain = (id: Node): Pick<Use, 'path' | 'call' | 'args' | 'loc'> => {
      const path = [id.value]
      let cur = id
      let i = stack.length - 1
      for (; i >= 0; i--) {
        const up = stack[i]
        if (up.type === 'ParenthesisExpression' || (up.type === 'OptionalChainingExpression' && up.base === cur)) { cur = up; continue }
        if (up.type === 'MemberExpression' && up.object === cur && up.property.type === 'Identifier') { path.push(up.property.value); cur = up; continue }
        break
      }
      const up = stack[i]
      if (up && (up.type === 'CallExpression' || up.type === 'NewExpression') && up.callee === cur) {
        return { path, call: up.type === 'NewExpression' ? 'new' : 'call', args: (up.arguments ?? []).length, loc: locOf(up) }
      }
      return { path, call: null, args: 0, loc: locOf(cur) }
    }
    const visit = (node: Node): void => {
      if (Array.isArray(node)) { for (const n of node) if (n && typeof n === 'object') visit(n); return }
      const type: string | undefined = node.type
      if (type !== undefined) {
        if (type.startsWith('Ts') && !TS_VALUE.has(type)) return
        if (type === 'Identifier') {
          const r = refs.get(node)
          if (!r) return
          const where = resolve(r.scope, node.value)
          if (where !== null && where !== resolved.program) return
          const up = stack[stack.length - 1]
          const writeOnly = up?.type === 'UpdateExpression' && stack[stack.length - 2]?.type === 'ExpressionStatement'
          out.push({ kind: where ? 'module' : 'global', name: node.value, reassigned: !!where && moved.has(node.value), writeOnly, ...chain(node) })
          return
        }
        if (type === 'ThisExpression') {
          if (!stack.some((p) => NON_ARROW.has(p.type))) out.push({ kind: 'this', name: 'this', path: [], call: null, args: 0, reassigned: false, writeOnly: false, loc: locOf(node) })
          return
        }
        if (type === 'CallExpression' && node.callee?.type === 'Import') {
          const arg = unparen(node.arguments[0]?.expression)
          out.push({ kind: 'import', name: arg?.type === 'StringLiteral' ? arg.value : '', path: [], call: null, args: 0, reassigned: false, writeOnly: false, loc: locOf(node) })
          return
        }
      }
      stack.push(node)
      for (const key in node) {
        if (SKIP_KEYS.has(key)) continue
        const v = node[key]
        if (v && typeof v === 'object') visit(v)
      }
      stack.pop()
    }
    // The root's children, not the root: a function's own name is not a use of it.
    for (const key in root) {
      if (SKIP_KEYS.has(key) || key === 'identifier') continue
      const v = root[key]
      if (v && typeof v === 'object') visit(v)
    }
    return out.sort(byPosition)
  }
}

/** core's ModuleView over one parsed SWC module (core/deps.ts follows dependencies through it). */
export function swcModule(module: Node, code: string, spans: Spans, resolved: Resolved): ModuleView<Node> {
  let bindings: Map<string, { node: Node; text: string }> | undefined
  const imports = new Map<string, { source: string; imported: string }>()
  const exports = new Map<string, { local: string } | { source: string; imported: string }>()
  const stars: string[] = []
  const text = (n: Node) => code.slice(...spans.range(n.span))
  const read = () => {
    const b = (bindings = new Map())
    const declare = (d: Node, exported: boolean) => {
      const names: string[] = []
      if (d.type === 'VariableDeclaration') {
        if (d.declare) return
        for (const v of d.declarations) for (const name of patternNames(v.id)) { b.set(name, { node: v, text: text(v) }); names.push(name) }
      } else if ((d.type === 'FunctionDeclaration' || d.type === 'ClassDeclaration') && !d.declare) {
        b.set(d.identifier.value, { node: d, text: text(d) }); names.push(d.identifier.value)
      } else if ((d.type === 'TsEnumDeclaration' || d.type === 'TsModuleDeclaration') && !d.declare && d.id?.type === 'Identifier') {
        b.set(d.id.value, { node: d, text: text(d) }); names.push(d.id.value)
      }
      if (exported) for (const name of names) exports.set(name, { local: name })
    }
    const str = (n: Node) => (n.type === 'Identifier' ? n.value : n.value)
    for (const s of module.body) {
      switch (s.type) {
        case 'ImportDeclaration':
          if (s.typeOnly) break
          for (const sp of s.specifiers) {
            if (sp.type === 'ImportSpecifier' && !sp.isTypeOnly) imports.set(sp.local.value, { source: s.source.value, imported: sp.imported ? str(sp.imported) : sp.local.value })
            else if (sp.type === 'ImportDefaultSpecifier') imports.set(sp.local.value, { source: s.source.value, imported: 'default' })
            else if (sp.type === 'ImportNamespaceSpecifier') imports.set(sp.local.value, { source: s.source.value, imported: '*' })
          }
          break
        case 'ExportDeclaration': declare(s.declaration, true); break
        case 'ExportNamedDeclaration':
          if (s.typeOnly) break
          for (const sp of s.specifiers) {
            if (sp.type === 'ExportNamespaceSpecifier') { if (s.source) exports.set(str(sp.name), { source: s.source.value, imported: '*' }) }
            else if (sp.type === 'ExportSpecifier' && !sp.isTypeOnly) {
              const local = str(sp.orig)
              exports.set(sp.exported ? str(sp.exported) : local, s.source ? { source: s.source.value, imported: local } : { local })
            }
          }
          break
        case 'ExportAllDeclaration': if (!s.typeOnly) stars.push(s.source.value); break
        case 'ExportDefaultDeclaration': {
          const d = s.decl
          if ((d.type === 'FunctionExpression' || d.type === 'ClassExpression') && d.identifier) { b.set(d.identifier.value, { node: d, text: text(d) }); exports.set('default', { local: d.identifier.value }) }
          else if (d.type !== 'TsInterfaceDeclaration') { b.set('default', { node: d, text: text(d) }); exports.set('default', { local: 'default' }) }
          break
        }
        case 'ExportDefaultExpression': {
          const e = unparen(s.expression)
          if (e.type === 'Identifier') exports.set('default', { local: e.value })
          else { b.set('default', { node: { type: '$Default', expression: s.expression, span: s.expression.span }, text: text(s.expression) }); exports.set('default', { local: 'default' }) }
          break
        }
        default: declare(s, false)
      }
    }
  }
  const read1 = usesReader(code, spans, resolved)
  // A helper reached from several wraps is walked once.
  const walked = new WeakMap<object, Use[]>()
  const uses = (n: Node) => { let u = walked.get(n); if (!u) walked.set(n, (u = read1(n))); return u }
  return {
    bindings: () => { if (!bindings) read(); return bindings! },
    imports: () => { if (!bindings) read(); return imports },
    exports: () => { if (!bindings) read(); return exports },
    exportStars: () => { if (!bindings) read(); return stars },
    uses,
  }
}
