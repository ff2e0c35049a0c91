// The @swc/core AST -> the same CallSite data macro/analyze.ts reads from Babel's (same node type
// names in messages, same Locs, same function text). Syntax only: planCall decides. Also keeps
// the UTF-16 ranges emit.ts edits. Parentheses are invisible, as in Babel's AST.
/* eslint-disable @typescript-eslint/no-explicit-any */
import type { BindingSite, CallSite, FunctionSite, ImportSite, Loc, OptionSite, OptionsSite, ParamSite, TypeKind, Usage, ValueSite } from '../core/index.js'
import { resolve, resolveModule, type Reference, type Resolved, type Scope } from './scope.js'
import type { Spans } from './spans.js'

type Node = any
type Range = [number, number]

/** A passthrough option value: its range, and for a method the `function` text it needs. */
export interface ValueRange { range: Range; prefix: string }

/** A CallSite plus the ranges its plan is printed into. */
export interface Analyzed {
  site: CallSite
  ref: Range
  call: Range | null
  firstArg: Range | null
  /** The second argument as written (parentheses included). */
  optionsArg: Range | null
  fnName: Range | null
  values: Map<string, ValueRange>
  selfRefs: { range: Range; shorthand: boolean }[]
  /** Where a `var` for a temporary goes: after this index (a function body's `{`), or null: top of the program. */
  varScope: number | null
}

export interface MacroImport {
  /** `import` declaration (null: `const x = require('fncache.macro')`). */
  decl: Node | null
  range: Range
  /** The wraps through this import's default binding, in source order. */
  calls: Analyzed[]
  /** Its named imports. */
  named: ImportSite[]
}

export interface ModuleAnalysis {
  /** Every wrap, in the order of `imports` (babel-plugin-macros expands one import at a time). */
  calls: Analyzed[]
  imports: MacroImport[]
  resolved: Resolved
  /** Where new top-level statements go. */
  programStart: number
}

const TRANSPARENT = new Set(['TsAsExpression', 'TsSatisfiesExpression', 'TsNonNullExpression', 'TsConstAssertion'])

/** Babel's name for an SWC node type, for messages (`received NumericLiteral`). */
export function babelType(node: Node): string {
  switch (node.type) {
    case 'ParenthesisExpression': return babelType(node.expression)
    case 'TsConstAssertion': return 'TSAsExpression'
    case 'TsInstantiation': return 'TSInstantiationExpression'
    case 'SuperPropExpression': return 'MemberExpression'
    case 'OptionalChainingExpression': return node.base.type === 'CallExpression' ? 'OptionalCallExpression' : 'OptionalMemberExpression'
    case 'BinaryExpression': return ['&&', '||', '??'].includes(node.operator) ? 'LogicalExpression' : 'BinaryExpression'
    case 'MethodProperty': case 'GetterProperty': case 'SetterProperty': return 'ObjectMethod'
    case 'KeyValueProperty': return 'ObjectProperty'
    case 'Invalid': return 'Invalid'
  }
  return (node.type as string).replace(/^Ts/, 'TS')
}

const unparen = (n: Node): Node => (n && n.type === 'ParenthesisExpression' ? unparen(n.expression) : n)

export function analyzeModule(module: Node, code: string, spans: Spans, source: string): ModuleAnalysis | null {
  // 1. The macro's imports (and `require('fncache.macro')` declarations), top level only.
  const imports: (MacroImport & { defaults: string[]; specs: Node[] })[] = []
  for (const s of module.body) {
    if (s.type === 'ImportDeclaration' && s.source.value === source) {
      const entry = { decl: s, range: spans.range(s.span), calls: [], named: [], defaults: [] as string[], specs: [] as Node[] }
      for (const sp of s.specifiers) {
        if (sp.type === 'ImportDefaultSpecifier') entry.defaults.push(sp.local.value)
        if (sp.type === 'ImportSpecifier') {
          entry.specs.push(sp)
          if ((sp.imported?.value ?? sp.local.value) === 'default') entry.defaults.push(sp.local.value)
        }
      }
      imports.push(entry)
    } else if (s.type === 'VariableDeclaration') {
      for (const d of s.declarations) {
        const init = unparen(d.init)
        if (init?.type === 'CallExpression' && init.callee.type === 'Identifier' && init.callee.value === 'require' &&
            init.arguments.length === 1 && init.arguments[0].expression.type === 'StringLiteral' && init.arguments[0].expression.value === source) {
          imports.push({ decl: null, range: spans.range(s.span), calls: [], named: [], defaults: requiredDefaults(d.id), specs: [] })
        }
      }
    }
  }
  if (imports.length === 0) return null

  // 2. References, resolved against scopes.
  const watched = new Set(imports.flatMap((i) => [...i.defaults, ...i.specs.map((sp) => sp.local.value)]))
  const resolved = resolveModule(module, watched)
  const byName = new Map<string, Reference[]>()
  for (const r of resolved.refs) {
    if (r.ancestors === null || resolve(r.scope, r.id.value) !== resolved.program) continue
    let list = byName.get(r.id.value)
    if (!list) byName.set(r.id.value, (list = []))
    list.push(r)
  }

  const ctx: Ctx = { code, spans, resolved }
  for (const entry of imports) {
    for (const name of entry.defaults) for (const r of byName.get(name) ?? []) entry.calls.push(analyzeReference(ctx, r))
    entry.calls.sort((a, b) => a.ref[0] - b.ref[0])
    entry.named = entry.specs.map((sp) => {
      const imported = sp.imported ? sp.imported.value : sp.local.value
      const typeOnly = !!entry.decl.typeOnly || !!sp.isTypeOnly || !(byName.get(sp.local.value)?.length)
      return { imported, local: sp.local.value, typeOnly, loc: spans.locOf(sp.span) }
    })
  }

  const first = module.body[0]
  return {
    calls: imports.flatMap((i) => i.calls),
    imports: imports.map(({ decl, range, calls, named }) => ({ decl, range, calls, named })),
    resolved,
    programStart: first ? spans.index(first.span.start) : code.length,
  }
}

interface Ctx { code: string; spans: Spans; resolved: Resolved }

/** The locals bound to the macro by `const cached = require(...)` or `const { default: cached } = require(...)`. */
function requiredDefaults(id: Node): string[] {
  if (id.type === 'Identifier') return [id.value]
  if (id.type !== 'ObjectPattern') return []
  const out: string[] = []
  for (const p of id.properties) {
    const key = p.type === 'KeyValuePatternProperty' && (p.key.type === 'Identifier' || p.key.type === 'StringLiteral') ? p.key.value : undefined
    if (key === 'default' && p.value.type === 'Identifier') out.push(p.value.value)
  }
  return out
}

const locOf = (ctx: Ctx, node: Node): Loc => ctx.spans.locOf(node.span)

/** The ancestor above `i`, skipping the transparent TS wrappers (`outer()` in macro/analyze.ts). */
function outerIndex(anc: Node[], i: number, child: Node): { index: number; node: Node } {
  let node = child
  let j = i
  while (j >= 0 && TRANSPARENT.has(anc[j].type)) { node = anc[j]; j-- }
  return { index: j, node }
}

function analyzeReference(ctx: Ctx, r: Reference): Analyzed {
  const anc = r.ancestors!
  const ref = r.id
  const { index: pi, node: p } = outerIndex(anc, anc.length - 1, ref)
  const parent = pi >= 0 ? anc[pi] : null
  let usage: Usage = 'value'
  let usageNode: Node = ref
  if (parent && !r.shorthand) {
    if (parent.type === 'CallExpression' && unparen(parent.callee) === p) {
      const gp = anc[pi - 1]
      if (gp?.type === 'OptionalChainingExpression' && gp.base === parent && gp.optional) { usage = 'optional-call'; usageNode = gp } else { usage = 'call'; usageNode = parent }
    } else if (parent.type === 'NewExpression' && unparen(parent.callee) === p) { usage = 'new'; usageNode = parent }
    else if (parent.type === 'TaggedTemplateExpression' && unparen(parent.tag) === p) { usage = 'tagged-template'; usageNode = parent }
    else if (parent.type === 'MemberExpression' && unparen(parent.object) === p) { usage = 'member'; usageNode = parent }
  }
  const refRange = ctx.spans.range(ref.span)
  const base: Analyzed = { site: null as unknown as CallSite, ref: refRange, call: null, firstArg: null, optionsArg: null, fnName: null, values: new Map(), selfRefs: [], varScope: null }
  if (usage !== 'call') {
    base.site = { callee: ref.value, usage, loc: locOf(ctx, usageNode), argCount: 0, firstArg: null, extraArgLoc: null, spreadArgLoc: null, fn: null, options: null, binding: { kind: 'anonymous' } }
    return base
  }
  const call = parent
  const args: Node[] = call.arguments
  const argLoc = (a: Node): Loc => (a.spread ? ctx.spans.loc(ctx.spans.index(a.spread.start), ctx.spans.index(a.expression.span.end)) : locOf(ctx, unparen(a.expression)))
  const argType = (a: Node): string => (a.spread ? 'SpreadElement' : babelType(a.expression))
  const spread = args.find((a) => a.spread)
  const binding = bindingOf(anc, pi)
  const first = args[0]
  let fn: FunctionSite | null = null
  const firstExpr = first && !first.spread ? unparen(first.expression) : null
  if (firstExpr && (firstExpr.type === 'ArrowFunctionExpression' || firstExpr.type === 'FunctionExpression')) {
    fn = functionSite(ctx, firstExpr, binding, base)
  }
  let options: OptionsSite | null = null
  const second = args[1]
  if (second) {
    base.optionsArg = ctx.spans.range(second.spread ? { start: second.spread.start, end: second.expression.span.end } : second.expression.span)
    options = second.spread ? { kind: 'other', nodeType: 'SpreadElement', loc: argLoc(second) } : optionsSite(ctx, second.expression, base.values)
  }
  base.call = ctx.spans.range(call.span)
  base.firstArg = first ? ctx.spans.range(first.spread ? { start: first.spread.start, end: first.expression.span.end } : first.expression.span) : null
  base.varScope = varScopeOf(ctx, anc, pi)
  base.site = {
    callee: ref.value,
    usage,
    loc: locOf(ctx, call),
    argCount: args.length,
    firstArg: first ? { nodeType: argType(first), loc: argLoc(first) } : null,
    extraArgLoc: args[2] ? argLoc(args[2]) : null,
    spreadArgLoc: spread ? argLoc(spread) : null,
    fn,
    options,
    binding,
  }
  return base
}

/** The `{` of the nearest enclosing function body (a `var` for a temporary goes after it), or null. */
function varScopeOf(ctx: Ctx, anc: Node[], from: number): number | null {
  for (let i = from; i >= 0; i--) {
    const n = anc[i]
    if (n.type === 'FunctionBody' || (n.type === 'BlockStatement' && i > 0 && ['FunctionDeclaration', 'FunctionExpression', 'ArrowFunctionExpression'].includes(anc[i - 1].type) && anc[i - 1].body === n)) {
      return ctx.spans.index(n.span.start) + 1
    }
  }
  return null
}

function keyName(key: Node, computed: boolean): string | null {
  if (key.type === 'Computed') {
    const e = unparen(key.expression)
    return e.type === 'StringLiteral' ? e.value : null
  }
  if (computed) return key.type === 'StringLiteral' ? key.value : null
  if (key.type === 'Identifier') return key.value
  if (key.type === 'StringLiteral') return key.value
  if (key.type === 'NumericLiteral') return String(key.value)
  if (key.type === 'PrivateName') return '#' + (key.value ?? key.id?.value)
  return null
}

function memberPath(node: Node): string[] | null {
  node = unparen(node)
  if (node.type === 'Identifier') return [node.value]
  if (node.type === 'ThisExpression') return ['this']
  if (node.type === 'MemberExpression') {
    const head = memberPath(node.object)
    const name = keyName(node.property, false)
    return head && name !== null ? [...head, name] : null
  }
  return null
}

/** `ownerPath()` of macro/analyze.ts: the value at `anc[i + 1]` (or `child`) is assigned to what. */
function ownerPath(anc: Node[], i: number, child: Node): string[] | null {
  const { index, node: p } = outerIndex(anc, i, child)
  if (index < 0) return null
  const node = anc[index]
  if (node.type === 'VariableDeclarator' && unparen(node.init) === p && node.id.type === 'Identifier') return [node.id.value]
  if (node.type === 'ExportDefaultExpression' || node.type === 'ExportDefaultDeclaration') return ['default']
  if (node.type === 'AssignmentExpression' && unparen(node.right) === p) return memberPath(node.left)
  if (node.type === 'KeyValueProperty' && unparen(node.value) === p) {
    const name = keyName(node.key, false)
    const head = index > 0 ? ownerPath(anc, index - 2, anc[index - 1]) : null
    return head && name !== null ? [...head, name] : null
  }
  return null
}

function bindingOf(anc: Node[], callIndex: number): BindingSite {
  const call = anc[callIndex]
  const { index, node: p } = outerIndex(anc, callIndex - 1, call)
  const parent = index >= 0 ? anc[index] : null
  if (parent && (parent.type === 'ClassProperty' || parent.type === 'PrivateProperty') && unparen(parent.value) === p) {
    const name = keyName(parent.key, false)
    const cls = anc[index - 1]
    let className: string | null = null
    if (cls && (cls.type === 'ClassDeclaration' || cls.type === 'ClassExpression')) {
      className = cls.identifier?.value ?? ownerPath(anc, index - 2, cls)?.join('.') ?? null
    }
    if (name !== null && className !== null) return { kind: 'class-field', className, name, static: !!parent.isStatic }
    return { kind: 'anonymous' }
  }
  const path = ownerPath(anc, callIndex - 1, call)
  if (!path) return { kind: 'anonymous' }
  if (path.length === 1) {
    const isDefault = parent?.type === 'ExportDefaultExpression' || parent?.type === 'ExportDefaultDeclaration'
    return path[0] === 'default' && isDefault ? { kind: 'default' } : { kind: 'variable', name: path[0]! }
  }
  return { kind: 'member', path }
}

function functionSite(ctx: Ctx, node: Node, binding: BindingSite, out: Analyzed): FunctionSite {
  const name: string | null = node.type === 'FunctionExpression' && node.identifier ? node.identifier.value : null
  let outerNameShadowed = false
  let selfReferences = 0
  if (name !== null) {
    out.fnName = ctx.spans.range(node.identifier.span)
    const own: Scope | undefined = ctx.resolved.scopes.get(node)
    if (own && own.names.get(name) === 'self') {
      const outerBinding = binding.kind === 'variable' && binding.name !== name ? resolve(own.parent, binding.name) : null
      for (const r of ctx.resolved.refs) {
        if (r.id.value !== name || resolve(r.scope, name) !== own) continue
        selfReferences++
        out.selfRefs.push({ range: ctx.spans.range(r.id.span), shorthand: r.shorthand })
        if (binding.kind === 'variable' && binding.name !== name && resolve(r.scope, binding.name) !== outerBinding) outerNameShadowed = true
      }
    }
  }
  const params: ParamSite[] = node.params.map((p: Node) => paramSite(ctx, p))
  const [start, end] = ctx.spans.range(node.span)
  return {
    kind: node.type === 'ArrowFunctionExpression' ? 'arrow' : 'function',
    async: !!node.async,
    generator: !!node.generator,
    name,
    selfReferences,
    outerNameShadowed,
    params,
    text: ctx.code.slice(start, end),
    loc: ctx.spans.loc(start, end),
  }
}

function paramSite(ctx: Ctx, param: Node): ParamSite {
  // Function params are wrapped in Parameter (whose span covers the annotation, like Babel's loc).
  const loc = locOf(ctx, param)
  const p = param.type === 'Parameter' ? param.pat : param
  const annotation = (n: Node) => (n.typeAnnotation?.type === 'TsTypeAnnotation' ? typeKinds(n.typeAnnotation.typeAnnotation) : null)
  if (p.type === 'Identifier') return { kind: 'name', name: p.value, hasDefault: false, optional: !!p.optional, type: annotation(p), loc }
  if (p.type === 'AssignmentPattern') {
    if (p.left.type === 'Identifier') return { kind: 'name', name: p.left.value, hasDefault: true, optional: !!p.left.optional, type: annotation(p.left), loc }
    return { kind: 'pattern', name: null, hasDefault: true, optional: false, type: null, loc }
  }
  if (p.type === 'RestElement') return { kind: 'rest', name: p.argument.type === 'Identifier' ? p.argument.value : null, hasDefault: false, optional: false, type: null, loc }
  return { kind: 'pattern', name: null, hasDefault: false, optional: false, type: null, loc }
}

function typeKinds(type: Node): TypeKind[] {
  switch (type.type) {
    case 'TsKeywordType':
      return ['string', 'number', 'boolean', 'bigint', 'null', 'undefined'].includes(type.kind) ? [type.kind] : ['other']
    case 'TsParenthesizedType': return typeKinds(type.typeAnnotation)
    case 'TsUnionType': return type.types.flatMap(typeKinds)
    case 'TsLiteralType': {
      const lit = type.literal
      if (lit.type === 'StringLiteral' || lit.type === 'TemplateLiteral' || lit.type === 'TsTemplateLiteralType') return ['string']
      if (lit.type === 'NumericLiteral') return ['number']
      if (lit.type === 'BooleanLiteral') return ['boolean']
      if (lit.type === 'BigIntLiteral') return ['bigint']
      return ['other']
    }
    default: return ['other']
  }
}

function optionsSite(ctx: Ctx, raw: Node, values: Map<string, ValueRange>): OptionsSite {
  let p = raw
  while (p.type === 'ParenthesisExpression' || TRANSPARENT.has(p.type)) p = p.expression
  if (p.type !== 'ObjectExpression') return { kind: 'other', nodeType: babelType(p), loc: locOf(ctx, p) }
  const properties: OptionSite[] = p.properties.map((prop: Node): OptionSite => {
    if (prop.type === 'SpreadElement') {
      return { kind: 'spread', loc: ctx.spans.loc(ctx.spans.index(prop.spread.start), ctx.spans.index(prop.arguments.span.end)) }
    }
    if (prop.type === 'Identifier') {
      // Shorthand `{ ttl }`: a property whose value is an identifier.
      const loc = locOf(ctx, prop)
      values.set(prop.value, { range: ctx.spans.range(prop.span), prefix: '' })
      return { kind: 'property', name: prop.value, keyLoc: loc, value: { kind: 'other', nodeType: 'Identifier', loc }, loc }
    }
    const key = prop.key
    const keyNode = key.type === 'Computed' ? unparen(key.expression) : key
    const name = keyName(key, false)
    if (prop.type === 'KeyValueProperty') {
      const loc = ctx.spans.loc(ctx.spans.index(key.span.start), ctx.spans.index(prop.value.span.end))
      if (name === null) return { kind: 'computed', loc }
      values.set(name, { range: ctx.spans.range(prop.value.span), prefix: '' })
      return { kind: 'property', name, keyLoc: locOf(ctx, keyNode), value: valueSite(ctx, prop.value), loc }
    }
    // MethodProperty / GetterProperty / SetterProperty (Babel: ObjectMethod).
    const loc = locOf(ctx, prop)
    if (name === null) return { kind: 'computed', loc }
    const [, keyEnd] = ctx.spans.range(key.span)
    const [, end] = ctx.spans.range(prop.span)
    values.set(name, { range: [keyEnd, end], prefix: `${prop.async ? 'async ' : ''}function${prop.generator ? '*' : ''} ` })
    const value: ValueSite = prop.type === 'MethodProperty' ? { kind: 'function', loc } : { kind: 'other', nodeType: 'ObjectMethod', loc }
    return { kind: 'property', name, keyLoc: locOf(ctx, keyNode), value, loc }
  })
  return { kind: 'object', properties, loc: locOf(ctx, p) }
}

function valueSite(ctx: Ctx, node: Node): ValueSite {
  const loc = () => locOf(ctx, node)
  switch (node.type) {
    case 'StringLiteral': return { kind: 'string', value: node.value, loc: loc() }
    case 'NumericLiteral': return { kind: 'number', value: node.value, loc: loc() }
    case 'BooleanLiteral': return { kind: 'boolean', value: node.value, loc: loc() }
    case 'NullLiteral': return { kind: 'null', loc: loc() }
    case 'TemplateLiteral':
      if (node.expressions.length === 0) return { kind: 'string', value: node.quasis[0].cooked ?? '', loc: loc() }
      break
    case 'UnaryExpression':
      if (node.operator === '-' && unparen(node.argument).type === 'NumericLiteral') return { kind: 'number', value: -unparen(node.argument).value, loc: loc() }
      break
    case 'ArrayExpression': {
      const l = loc()
      return {
        kind: 'array',
        items: node.elements.map((e: Node): ValueSite => {
          if (!e) return { kind: 'other', nodeType: 'hole', loc: l }
          if (e.spread) return { kind: 'other', nodeType: 'SpreadElement', loc: ctx.spans.loc(ctx.spans.index(e.spread.start), ctx.spans.index(e.expression.span.end)) }
          return valueSite(ctx, e.expression)
        }),
        loc: l,
      }
    }
    case 'Identifier':
      // `ttl: Infinity` (the global; core/ decides what it means for each option).
      if (node.value === 'Infinity') return { kind: 'number', value: Infinity, loc: loc() }
      break
    case 'ArrowFunctionExpression': case 'FunctionExpression': return { kind: 'function', loc: loc() }
    case 'TsAsExpression': case 'TsSatisfiesExpression': case 'TsConstAssertion': case 'ParenthesisExpression': return valueSite(ctx, node.expression)
  }
  return { kind: 'other', nodeType: babelType(node), loc: loc() }
}
