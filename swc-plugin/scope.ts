// A small scope resolver over the @swc/core AST (plain JSON): which identifiers are value
// references, where each name is declared, and the ancestors of the references the analyzer asks
// for. Types are erased code, never walked. Parentheses are invisible, as in Babel's AST.
/* eslint-disable @typescript-eslint/no-explicit-any */
import { collectLexical, collectVar, patternNames } from './declarations.js'

type Node = any

export { patternNames }

/** A node with its parentheses taken off (SWC keeps them as nodes; Babel does not). */
export const unparen = (n: Node): Node => (n && n.type === 'ParenthesisExpression' ? unparen(n.expression) : n)

export interface Scope {
  parent: Scope | null
  /** Declared names; the value says whether it is a named function expression's own name. */
  names: Map<string, 'self' | 'other'>
  /** The function node owning this scope, for function scopes. */
  fn: Node | null
}

export interface Reference {
  id: Node
  scope: Scope
  /** Written as a shorthand property (`{ fib }`): renaming must keep the key. */
  shorthand: boolean
  /** Ancestors, innermost last (parentheses skipped); kept only for watched names. */
  ancestors: Node[] | null
}

export interface Resolved {
  program: Scope
  refs: Reference[]
  /** Function expression node -> its scope. */
  scopes: Map<Node, Scope>
  /** Every identifier name in the file (declared or referenced), for collision-free new names. */
  names: Set<string>
  /** Identifiers assigned after their declaration (`x = 1`, `x++`, `for (x of ...)`), with their scope. */
  assigned: { id: Node; scope: Scope }[]
}

export function resolve(scope: Scope | null, name: string): Scope | null {
  for (let s = scope; s; s = s.parent) if (s.names.has(name)) return s
  return null
}

const TYPE_KEYS = new Set(['typeAnnotation', 'returnType', 'typeParameters', 'typeParams', 'typeArguments', 'superTypeParams', 'implements', 'span', 'ctxt'])
/** TS nodes that hold a value expression: walked through `expression`. */
const TS_VALUE = new Set(['TsAsExpression', 'TsSatisfiesExpression', 'TsNonNullExpression', 'TsConstAssertion', 'TsTypeAssertion', 'TsInstantiation'])

/**
 * Walks a Module. References to `watched` names keep their ancestors (for the analyzer); every
 * reference keeps its scope (for shadowing questions).
 */
export function resolveModule(module: Node, watched: ReadonlySet<string>): Resolved {
  const names = new Set<string>()
  const program: Scope = { parent: null, names: new Map(), fn: null }
  const declare = (scope: Scope, list: string[], kind: 'self' | 'other' = 'other') => {
    for (const n of list) { scope.names.set(n, kind); names.add(n) }
  }
  const top: string[] = []
  for (const s of module.body) {
    if (s.type === 'ImportDeclaration' && !s.typeOnly) for (const sp of s.specifiers) if (!sp.isTypeOnly) top.push(sp.local.value)
  }
  collectVar(module.body, top)
  collectLexical(module.body, top)
  declare(program, top)

  const refs: Reference[] = []
  const assigned: { id: Node; scope: Scope }[] = []
  const scopes = new Map<Node, Scope>()
  const stack: Node[] = []

  const ref = (id: Node, scope: Scope, shorthand = false) => {
    names.add(id.value)
    refs.push({ id, scope, shorthand, ancestors: watched.has(id.value) ? stack.slice() : null })
  }

  const fnScope = (fn: Node, scope: Scope): Scope => {
    const s: Scope = { parent: scope, names: new Map(), fn }
    if (fn.type === 'FunctionExpression' && fn.identifier) declare(s, [fn.identifier.value], 'self')
    const list: string[] = []
    for (const p of fn.params ?? []) patternNames(p, list)
    const body = fn.body
    if (body && (body.type === 'BlockStatement' || body.type === 'FunctionBody')) {
      collectVar(body.stmts, list)
      collectLexical(body.stmts, list)
    }
    declare(s, list)
    scopes.set(fn, s)
    return s
  }

  const children = (node: Node, scope: Scope) => {
    for (const key in node) {
      if (TYPE_KEYS.has(key)) continue
      const v = node[key]
      if (v && typeof v === 'object') visit(v, scope)
    }
  }

  const block = (stmts: Node[], scope: Scope): Scope => {
    const list: string[] = []
    collectLexical(stmts, list)
    if (!list.length) return scope
    const s: Scope = { parent: scope, names: new Map(), fn: null }
    declare(s, list)
    return s
  }

  function visit(node: Node, scope: Scope): void {
    if (Array.isArray(node)) { for (const n of node) if (n && typeof n === 'object') visit(n, scope); return }
    const type: string | undefined = node.type
    if (type === undefined) {
      // ExprOrSpread and other untyped wrappers.
      if ('expression' in node) visit(node.expression, scope)
      return
    }
    if (type === 'ParenthesisExpression') { visit(node.expression, scope); return }
    if (type === 'Identifier') { ref(node, scope); return }
    if (type.startsWith('Ts') && !TS_VALUE.has(type)) {
      if (type === 'TsEnumDeclaration') { for (const m of node.members) if (m.init) visit(m.init, scope) }
      else if (type === 'TsModuleDeclaration' && node.body && !node.declare) visit(node.body, scope)
      else if (type === 'TsModuleBlock') { stack.push(node); visit(node.body, block(node.body, scope)); stack.pop() }
      else if (type === 'TsExportAssignment') visit(node.expression, scope)
      else if (type === 'TsParameterProperty') visit(node.param, scope)
      return
    }
    stack.push(node)
    switch (type) {
      case 'ImportDeclaration': case 'MetaProperty': case 'BreakStatement': case 'ContinueStatement': case 'PrivateName':
      case 'DebuggerStatement': case 'EmptyStatement':
        break
      case 'LabeledStatement': visit(node.body, scope); break
      case 'VariableDeclaration': if (!node.declare) visit(node.declarations, scope); break
      case 'VariableDeclarator': visitPattern(node.id, scope); if (node.init) visit(node.init, scope); break
      case 'TsAsExpression': case 'TsSatisfiesExpression': case 'TsNonNullExpression': case 'TsConstAssertion': case 'TsTypeAssertion': case 'TsInstantiation':
        visit(node.expression, scope); break
      case 'MemberExpression': case 'SuperPropExpression':
        visit(node.object ?? node.obj, scope)
        if (node.property?.type === 'Computed') visit(node.property.expression, scope)
        break
      case 'KeyValueProperty':
        if (node.key.type === 'Computed') visit(node.key, scope)
        visit(node.value, scope)
        break
      case 'ObjectExpression':
        for (const p of node.properties) {
          if (p.type === 'Identifier') ref(p, scope, true)
          else visit(p, scope)
        }
        break
      case 'ExportNamedDeclaration':
        if (!node.source && !node.typeOnly) for (const s of node.specifiers) if (s.type === 'ExportSpecifier' && !s.isTypeOnly && s.orig.type === 'Identifier') ref(s.orig, scope)
        break
      case 'ClassDeclaration': case 'ClassExpression': {
        if (node.declare) break
        let s = scope
        if (type === 'ClassExpression' && node.identifier) { s = { parent: scope, names: new Map(), fn: null }; declare(s, [node.identifier.value]) }
        if (node.superClass) visit(node.superClass, s)
        for (const d of node.decorators ?? []) visit(d, s)
        visit(node.body, s)
        break
      }
      case 'ClassProperty': case 'PrivateProperty':
        if (node.key.type === 'Computed') visit(node.key, scope)
        for (const d of node.decorators ?? []) visit(d, scope)
        if (node.value) visit(node.value, scope)
        break
      case 'ClassMethod': case 'PrivateMethod':
        if (node.key.type === 'Computed') visit(node.key, scope)
        for (const d of node.function.decorators ?? []) visit(d, scope)
        visitFunction(node.function, scope)
        break
      case 'Constructor':
        if (node.key.type === 'Computed') visit(node.key, scope)
        visitFunction(node, scope)
        break
      case 'MethodProperty': case 'GetterProperty': case 'SetterProperty':
        if (node.key.type === 'Computed') visit(node.key, scope)
        visitFunction(type === 'SetterProperty' ? { ...node, params: [node.param] } : node, scope)
        break
      case 'StaticBlock': visitFunction({ type: 'StaticBlock', params: [], body: node.body }, scope); break
      case 'FunctionDeclaration': case 'FunctionExpression': case 'ArrowFunctionExpression':
        for (const d of node.decorators ?? []) visit(d, scope)
        visitFunction(node, scope)
        break
      case 'BlockStatement': visit(node.stmts, block(node.stmts, scope)); break
      case 'ForStatement': case 'ForInStatement': case 'ForOfStatement': {
        const head = type === 'ForStatement' ? node.init : node.left
        const list: string[] = []
        if (head?.type === 'VariableDeclaration' && head.kind !== 'var') for (const d of head.declarations) patternNames(d.id, list)
        const s: Scope = list.length ? { parent: scope, names: new Map(), fn: null } : scope
        if (list.length) declare(s, list)
        if (head?.type === 'VariableDeclaration') visit(head, s)
        else if (head) visitPattern(head, s, true)
        if (type === 'ForStatement') { if (node.test) visit(node.test, s); if (node.update) visit(node.update, s) }
        else visit(node.right, s)
        visit(node.body, s)
        break
      }
      case 'SwitchStatement': {
        visit(node.discriminant, scope)
        const s = block(node.cases.flatMap((c: Node) => c.consequent), scope)
        visit(node.cases, s)
        break
      }
      case 'CatchClause': {
        const list = patternNames(node.param)
        collectLexical(node.body.stmts, list)
        const s: Scope = { parent: scope, names: new Map(), fn: null }
        declare(s, list)
        if (node.param) visitPattern(node.param, s)
        visit(node.body.stmts, s)
        break
      }
      case 'AssignmentExpression': visitPattern(node.left, scope, true); visit(node.right, scope); break
      case 'UpdateExpression': {
        const arg = node.argument?.type === 'ParenthesisExpression' ? node.argument.expression : node.argument
        if (arg?.type === 'Identifier') assigned.push({ id: arg, scope })
        visit(node.argument, scope)
        break
      }
      case 'JSXOpeningElement':
        if (node.name.type === 'Identifier') { if (!/^[a-z]/.test(node.name.value)) ref(node.name, scope) } else visit(node.name, scope)
        visit(node.attributes, scope)
        break
      case 'JSXMemberExpression': visit(node.object, scope); break
      case 'JSXAttribute': if (node.value) visit(node.value, scope); break
      case 'JSXClosingElement': case 'JSXNamespacedName': break
      default: children(node, scope)
    }
    stack.pop()
  }

  /** A binding or assignment target: defaults and computed keys are expressions; names are not references unless assigned. */
  function visitPattern(p: Node, scope: Scope, assign = false): void {
    if (!p) return
    switch (p.type) {
      case 'Identifier': names.add(p.value); if (assign) assigned.push({ id: p, scope }); return
      case 'Parameter': for (const d of p.decorators ?? []) visit(d, scope); visitPattern(p.pat, scope); return
      case 'AssignmentPattern': visitPattern(p.left, scope, assign); visit(p.right, scope); return
      case 'RestElement': visitPattern(p.argument, scope, assign); return
      case 'ArrayPattern': for (const e of p.elements) visitPattern(e, scope, assign); return
      case 'ObjectPattern':
        for (const prop of p.properties) {
          if (prop.type === 'KeyValuePatternProperty') { if (prop.key.type === 'Computed') visit(prop.key, scope); visitPattern(prop.value, scope, assign) }
          else if (prop.type === 'AssignmentPatternProperty') { names.add(prop.key.value); if (assign) assigned.push({ id: prop.key, scope }); if (prop.value) visit(prop.value, scope) }
          else visitPattern(prop, scope, assign)
        }
        return
      case 'ParenthesisExpression': visitPattern(p.expression, scope, assign); return
      default: visit(p, scope) // member expressions and TS wrappers as assignment targets
    }
  }

  function visitFunction(fn: Node, scope: Scope): void {
    const s = fnScope(fn, scope)
    for (const p of fn.params ?? []) visitPattern(p, s)
    const body = fn.body
    if (!body) return
    if (body.type === 'BlockStatement' || body.type === 'FunctionBody') { stack.push(body); visit(body.stmts, s); stack.pop() }
    else visit(body, s)
  }

  visit(module.body, program)
  return { program, refs, scopes, names, assigned }
}
