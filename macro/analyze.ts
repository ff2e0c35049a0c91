// Babel references to the macro -> plain CallSite data (core/types.ts). Syntax only: no rule
// about what is valid lives here; planCall decides. Also keeps the paths emit.ts will edit.
import type { NodePath } from '@babel/core'
import type * as t from '@babel/types'
import type { BindingSite, CallSite, FunctionSite, ImportSite, Loc, OptionSite, OptionsSite, ParamSite, TypeKind, Usage, ValueSite } from '../core/index.js'

/** A CallSite plus the Babel paths its plan is printed into. */
export interface Analyzed {
  site: CallSite
  ref: NodePath<t.Identifier>
  call: NodePath<t.CallExpression> | null
  fn: NodePath<t.ArrowFunctionExpression | t.FunctionExpression> | null
  /** Option name -> the path of its value, for code passed through (functions). */
  values: Map<string, NodePath<t.Node>>
  /** References to the function expression's own name inside it. */
  selfRefs: NodePath<t.Identifier>[]
}

export function locOf(node: t.Node): Loc {
  const l = node.loc
  if (!l) return { line: 0, column: 0, end: { line: 0, column: 0 } }
  return { line: l.start.line, column: l.start.column, end: { line: l.end.line, column: l.end.column } }
}

/** Parentheses and TS-only wrappers (`as`, `satisfies`, `!`) do not change where a value goes. */
const TRANSPARENT = new Set(['ParenthesizedExpression', 'TSAsExpression', 'TSSatisfiesExpression', 'TSNonNullExpression', 'TypeCastExpression'])

function outer(path: NodePath): NodePath {
  let p = path
  while (p.parentPath && TRANSPARENT.has(p.parentPath.node.type)) p = p.parentPath
  return p
}

function usageOf(ref: NodePath<t.Identifier>): Usage {
  const p = outer(ref)
  const parent = p.parentPath?.node
  if (!parent) return 'value'
  if (parent.type === 'CallExpression' && parent.callee === p.node) return 'call'
  if (parent.type === 'OptionalCallExpression' && parent.callee === p.node) return 'optional-call'
  if (parent.type === 'NewExpression' && parent.callee === p.node) return 'new'
  if (parent.type === 'TaggedTemplateExpression' && parent.tag === p.node) return 'tagged-template'
  if ((parent.type === 'MemberExpression' || parent.type === 'OptionalMemberExpression') && parent.object === p.node) return 'member'
  return 'value'
}

/** True for references that only exist in types (`typeof cached`): erased, never an error. */
export function isTypeOnly(ref: NodePath): boolean {
  return ref.parentPath?.isTSTypeQuery() === true || ref.parentPath?.isTSQualifiedName() === true
}

export function analyzeReference(ref: NodePath<t.Identifier>, code: string): Analyzed {
  const usage = usageOf(ref)
  const values = new Map<string, NodePath<t.Node>>()
  const base = { ref, values, selfRefs: [] as NodePath<t.Identifier>[], fn: null, call: null }
  if (usage !== 'call') {
    const node = outer(ref).parentPath?.node ?? ref.node
    const loc = locOf(usage === 'value' ? ref.node : node)
    return { ...base, site: { callee: ref.node.name, usage, loc, argCount: 0, firstArg: null, extraArgLoc: null, spreadArgLoc: null, fn: null, options: null, binding: { kind: 'anonymous' } } }
  }
  const call = outer(ref).parentPath as NodePath<t.CallExpression>
  const args = call.get('arguments')
  const first = args[0]
  const spread = args.find((a) => a.isSpreadElement())
  let fnPath: Analyzed['fn'] = null
  let fn: FunctionSite | null = null
  const selfRefs: NodePath<t.Identifier>[] = []
  const binding = bindingOf(call)
  if (first && (first.isArrowFunctionExpression() || first.isFunctionExpression())) {
    fnPath = first
    fn = functionSite(first, code, binding, selfRefs)
  }
  let options: OptionsSite | null = null
  const second = args[1]
  if (second) options = optionsSite(second, values)
  const site: CallSite = {
    callee: ref.node.name,
    usage,
    loc: locOf(call.node),
    argCount: args.length,
    firstArg: first ? { nodeType: first.node.type, loc: locOf(first.node) } : null,
    extraArgLoc: args[2] ? locOf(args[2].node) : null,
    spreadArgLoc: spread ? locOf(spread.node) : null,
    fn,
    options,
    binding,
  }
  return { site, ref, call, fn: fnPath, values, selfRefs }
}

function keyName(key: t.Node, computed: boolean): string | null {
  if (computed) return key.type === 'StringLiteral' ? key.value : null
  if (key.type === 'Identifier') return key.name
  if (key.type === 'StringLiteral') return key.value
  if (key.type === 'NumericLiteral') return String(key.value)
  if (key.type === 'PrivateName') return '#' + key.id.name
  return null
}

/** `a.b.c` as `['a', 'b', 'c']`, or null for anything that is not a chain of plain names. */
function memberPath(node: t.Node): string[] | null {
  if (node.type === 'Identifier') return [node.name]
  if (node.type === 'ThisExpression') return ['this']
  if (node.type === 'MemberExpression') {
    const head = memberPath(node.object)
    const name = keyName(node.property, node.computed)
    return head && name !== null ? [...head, name] : null
  }
  return null
}

/** The name of what the value at `path` is assigned to: a binding, a property chain, or `default`. */
function ownerPath(path: NodePath): string[] | null {
  const p = outer(path)
  const parent = p.parentPath
  if (!parent) return null
  const node = parent.node
  if (node.type === 'VariableDeclarator' && node.init === p.node && node.id.type === 'Identifier') return [node.id.name]
  if (node.type === 'ExportDefaultDeclaration') return ['default']
  if (node.type === 'AssignmentExpression' && node.right === p.node) return memberPath(node.left)
  if (node.type === 'ObjectProperty' && node.value === p.node) {
    const name = keyName(node.key, node.computed)
    const obj = parent.parentPath
    const head = obj ? ownerPath(obj) : null
    return head && name !== null ? [...head, name] : null
  }
  return null
}

function bindingOf(call: NodePath<t.CallExpression>): BindingSite {
  const p = outer(call)
  const parent = p.parentPath?.node
  if (parent && (parent.type === 'ClassProperty' || parent.type === 'ClassPrivateProperty') && parent.value === p.node) {
    const name = keyName(parent.key, parent.type === 'ClassProperty' && parent.computed)
    const cls = p.parentPath!.parentPath?.parentPath
    let className: string | null = null
    if (cls && (cls.isClassDeclaration() || cls.isClassExpression())) {
      className = cls.node.id?.name ?? ownerPath(cls)?.join('.') ?? null
    }
    if (name !== null && className !== null) return { kind: 'class-field', className, name, static: !!parent.static }
    return { kind: 'anonymous' }
  }
  const path = ownerPath(call)
  if (!path) return { kind: 'anonymous' }
  if (path.length === 1) return path[0] === 'default' && parent?.type === 'ExportDefaultDeclaration' ? { kind: 'default' } : { kind: 'variable', name: path[0]! }
  return { kind: 'member', path }
}

function functionSite(fn: NodePath<t.ArrowFunctionExpression | t.FunctionExpression>, code: string, binding: BindingSite, selfRefs: NodePath<t.Identifier>[]): FunctionSite {
  const node = fn.node
  const name = node.type === 'FunctionExpression' && node.id ? node.id.name : null
  let outerNameShadowed = false
  if (name !== null) {
    const own = fn.scope.getOwnBinding(name)
    if (own && own.path.node === node) {
      for (const r of own.referencePaths) if (r.isIdentifier()) selfRefs.push(r)
      if (binding.kind === 'variable' && binding.name !== name) {
        const outerBinding = fn.parentPath.scope.getBinding(binding.name)
        outerNameShadowed = selfRefs.some((r) => r.scope.getBinding(binding.name) !== outerBinding)
      }
    }
  }
  const params: ParamSite[] = []
  for (const p of node.params) {
    if (p.type === 'Identifier' && p.name === 'this') continue
    params.push(paramSite(p))
  }
  return {
    kind: node.type === 'ArrowFunctionExpression' ? 'arrow' : 'function',
    async: !!node.async,
    generator: !!node.generator,
    name,
    selfReferences: selfRefs.length,
    outerNameShadowed,
    params,
    text: code.slice(node.start!, node.end!),
    loc: locOf(node),
  }
}

function paramSite(p: t.Node): ParamSite {
  const loc = locOf(p)
  const annotation = (n: t.Node) => ('typeAnnotation' in n && n.typeAnnotation?.type === 'TSTypeAnnotation' ? typeKinds(n.typeAnnotation.typeAnnotation) : null)
  if (p.type === 'Identifier') return { kind: 'name', name: p.name, hasDefault: false, optional: !!p.optional, type: annotation(p), loc }
  if (p.type === 'AssignmentPattern') {
    if (p.left.type === 'Identifier') return { kind: 'name', name: p.left.name, hasDefault: true, optional: !!p.left.optional, type: annotation(p.left), loc }
    return { kind: 'pattern', name: null, hasDefault: true, optional: false, type: null, loc }
  }
  if (p.type === 'RestElement') return { kind: 'rest', name: p.argument.type === 'Identifier' ? p.argument.name : null, hasDefault: false, optional: false, type: null, loc }
  return { kind: 'pattern', name: null, hasDefault: false, optional: false, type: null, loc }
}

/** The primitive kind of each union member of a TS type. */
function typeKinds(type: t.TSType): TypeKind[] {
  switch (type.type) {
    case 'TSStringKeyword': return ['string']
    case 'TSNumberKeyword': return ['number']
    case 'TSBooleanKeyword': return ['boolean']
    case 'TSBigIntKeyword': return ['bigint']
    case 'TSNullKeyword': return ['null']
    case 'TSUndefinedKeyword': return ['undefined']
    case 'TSParenthesizedType': return typeKinds(type.typeAnnotation)
    case 'TSUnionType': return type.types.flatMap(typeKinds)
    case 'TSLiteralType': {
      const lit = type.literal
      if (lit.type === 'StringLiteral' || lit.type === 'TemplateLiteral') return ['string']
      if (lit.type === 'NumericLiteral' || lit.type === 'UnaryExpression') return ['number']
      if (lit.type === 'BooleanLiteral') return ['boolean']
      if (lit.type === 'BigIntLiteral') return ['bigint']
      return ['other']
    }
    default: return ['other']
  }
}

function optionsSite(path: NodePath<t.Node>, values: Map<string, NodePath<t.Node>>): OptionsSite {
  let p = path
  while (TRANSPARENT.has(p.node.type)) p = p.get('expression') as NodePath<t.Node>
  if (!p.isObjectExpression()) return { kind: 'other', nodeType: p.node.type, loc: locOf(p.node) }
  const properties: OptionSite[] = p.get('properties').map((prop): OptionSite => {
    const node = prop.node
    const loc = locOf(node)
    if (node.type === 'SpreadElement') return { kind: 'spread', loc }
    const name = keyName(node.key, node.computed && node.key.type !== 'StringLiteral')
    if (name === null) return { kind: 'computed', loc }
    if (node.type === 'ObjectMethod') {
      values.set(name, prop)
      const value: ValueSite = node.kind === 'method' ? { kind: 'function', loc } : { kind: 'other', nodeType: 'ObjectMethod', loc }
      return { kind: 'property', name, keyLoc: locOf(node.key), value, loc }
    }
    const valuePath = (prop as NodePath<t.ObjectProperty>).get('value') as NodePath<t.Node>
    values.set(name, valuePath)
    return { kind: 'property', name, keyLoc: locOf(node.key), value: valueSite(valuePath.node), loc }
  })
  return { kind: 'object', properties, loc: locOf(p.node) }
}

function valueSite(node: t.Node): ValueSite {
  const loc = locOf(node)
  switch (node.type) {
    case 'StringLiteral': return { kind: 'string', value: node.value, loc }
    case 'NumericLiteral': return { kind: 'number', value: node.value, loc }
    case 'BooleanLiteral': return { kind: 'boolean', value: node.value, loc }
    case 'NullLiteral': return { kind: 'null', loc }
    case 'TemplateLiteral':
      if (node.expressions.length === 0) return { kind: 'string', value: node.quasis[0]!.value.cooked ?? '', loc }
      break
    case 'UnaryExpression':
      if (node.operator === '-' && node.argument.type === 'NumericLiteral') return { kind: 'number', value: -node.argument.value, loc }
      break
    case 'ArrayExpression':
      return { kind: 'array', items: node.elements.map((e) => (e ? valueSite(e) : { kind: 'other', nodeType: 'hole', loc })), loc }
    case 'Identifier':
      // `ttl: Infinity` (the global; core/ decides what it means for each option).
      if (node.name === 'Infinity') return { kind: 'number', value: Infinity, loc }
      break
    case 'ArrowFunctionExpression': case 'FunctionExpression': return { kind: 'function', loc }
    case 'TSAsExpression': case 'TSSatisfiesExpression': case 'ParenthesizedExpression': return valueSite(node.expression)
  }
  return { kind: 'other', nodeType: node.type, loc }
}

/** The named imports of a macro import declaration. */
export function importSites(decl: NodePath<t.ImportDeclaration>): ImportSite[] {
  const out: ImportSite[] = []
  for (const s of decl.node.specifiers) {
    if (s.type !== 'ImportSpecifier') continue
    const imported = s.imported.type === 'Identifier' ? s.imported.name : s.imported.value
    const refs = decl.scope.getBinding(s.local.name)?.referencePaths ?? []
    const typeOnly = decl.node.importKind === 'type' || s.importKind === 'type' || refs.every(isTypeOnly)
    out.push({ imported, local: s.local.name, typeOnly, loc: locOf(s) })
  }
  return out
}
