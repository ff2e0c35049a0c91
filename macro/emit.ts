// Plans -> Babel edits: the callee becomes the wrap helper, the options argument becomes core's
// printed text (user functions put back in place through placeholders), and the macro import
// becomes the file's one runtime import. Mechanical: every decision was made by planCall.
import type { NodePath, types as BabelTypes } from '@babel/core'
import type * as t from '@babel/types'
import { importGroups, isMacroImport, uniqueName, mergeTarget, printOptions, PLACEHOLDER_PATTERN, type ExistingImport, type ImportPlan, type Plan } from '../core/index.js'
import type { Analyzed } from './analyze.js'

type Babel = typeof import('@babel/core')

export interface EmitInput {
  babel: Babel
  program: NodePath<t.Program>
  /** The macro's import declaration (null for `require('fncache.macro')`). */
  decl: NodePath<t.ImportDeclaration> | null
  calls: { analyzed: Analyzed; plan: Plan }[]
  imports: ImportPlan
}

export function emit({ babel, program, decl, calls, imports }: EmitInput): void {
  const T: typeof BabelTypes = babel.types
  const locals: Record<string, string> = {}
  for (const helper of imports.helpers) locals[helper] = uid(program.scope, helper)
  // The macro's own local names (their import specifiers go away).
  const macroLocals = decl ? decl.node.specifiers.filter((s) => s.type === 'ImportDefaultSpecifier' ||
    (s.type === 'ImportSpecifier' && isMacroImport(s.imported.type === 'Identifier' ? s.imported.name : s.imported.value))).map((s) => s.local.name) : []

  // Every new reference to a helper: the wrap calls' callees, and helper calls in printed options (`_tagPart(id)`).
  const helperRefs: NodePath[] = []
  const helperNames = new Set(Object.values(locals))
  const { nodes, texts } = buildOptions(babel, T, calls, locals)
  for (const [i, { analyzed, plan }] of calls.entries()) {
    const { options, ref } = emitCall(T, analyzed, plan, nodes[i]!, locals)
    helperRefs.push(ref)
    if ([...helperNames].some((name) => texts[i]!.includes(name))) collectHelperRefs(T, options, helperNames, helperRefs)
  }

  if (!decl && imports.helpers.length) {
    // `const cached = require('fncache.macro')`: the require stays (named values come from the
    // package entry, which re-exports the runtime); the helpers come from a require of the runtime.
    const pattern = T.objectPattern(imports.helpers.map((h) => T.objectProperty(T.identifier(h), T.identifier(locals[h]!))))
    const req = T.callExpression(T.identifier('require'), [T.stringLiteral(imports.helperSource)])
    program.unshiftContainer('body', T.variableDeclaration('const', [T.variableDeclarator(pattern, req)]))
  }
  if (decl) {
    // The user's named runtime imports stay as written; the macro's own names go.
    const kept = decl.node.specifiers.filter((s) => s.type === 'ImportSpecifier' &&
      !isMacroImport(s.imported.type === 'Identifier' ? s.imported.name : s.imported.value))
    const others = program.get('body').filter((s): s is NodePath<t.ImportDeclaration> => s !== decl && s.isImportDeclaration())
    const described = others.map(describeImport)
    // Each group merges into an existing import of its source, or is written where the macro import was.
    const written: t.ImportDeclaration[] = []
    const touched: NodePath<t.ImportDeclaration>[] = []
    for (const group of importGroups(imports)) {
      const list = [...group.helpers.map((h) => T.importSpecifier(T.identifier(locals[h]!), T.identifier(h))), ...(group.named ? kept : [])]
      if (list.length === 0) continue
      const existing = others[mergeTarget(described, group.source)]
      if (existing) { existing.node.specifiers.push(...list); touched.push(existing) }
      else written.push(T.importDeclaration(list, T.stringLiteral(group.source)))
    }
    // The first one reuses the macro's declaration, so comments attached to it stay in place.
    if (written.length === 0) decl.remove()
    else {
      decl.node.source = written[0]!.source
      decl.node.specifiers = written[0]!.specifiers
      touched.push(decl)
      if (written.length > 1) touched.push(...decl.insertAfter(written.slice(1)))
    }
    rebind(program, touched, macroLocals, helperRefs)
  } else {
    // `require('fncache.macro')`: the helpers are a new variable declaration; rare enough to crawl.
    program.scope.crawl()
  }
}

/**
 * Makes the program scope's import bindings match the edited imports, as a full `scope.crawl()`
 * would (later plugins read them: preset-typescript drops an import whose binding has no value
 * reference, through the binding's path), but only for the declarations touched: a crawl walks
 * the whole file, which was a third of the macro's cost on a large one. Each touched
 * declaration's bindings are registered afresh (paths into the edited declaration) and keep the
 * references they had; a helper's binding is referenced by the wrap calls that now name it.
 */
function rebind(program: NodePath<t.Program>, touched: NodePath<t.ImportDeclaration>[], macroLocals: string[], refs: NodePath[]): void {
  const scope = program.scope
  for (const name of macroLocals) scope.removeOwnBinding(name)
  const byName = new Map<string, NodePath[]>()
  for (const ref of refs) {
    const name = (ref.node as t.Identifier).name
    byName.set(name, [...(byName.get(name) ?? []), ref])
  }
  for (const path of touched) {
    const previous = new Map<string, { refs: NodePath[]; violations: NodePath[] }>()
    for (const sp of path.node.specifiers) {
      const old = scope.getOwnBinding(sp.local.name)
      if (old) previous.set(sp.local.name, { refs: old.referencePaths, violations: old.constantViolations })
      scope.removeOwnBinding(sp.local.name)
    }
    scope.registerDeclaration(path)
    for (const sp of path.node.specifiers) {
      const binding = scope.getOwnBinding(sp.local.name)
      if (!binding) continue
      const before = previous.get(sp.local.name)
      for (const r of [...(before?.refs ?? []), ...(byName.get(sp.local.name) ?? [])]) binding.reference(r)
      for (const v of before?.violations ?? []) binding.reassign(v)
    }
  }
}

/** core's uniqueName over what Babel's scope knows is used, registered as Babel registers its own uids. */
function uid(scope: NodePath['scope'], name: string): string {
  const id = uniqueName(name, (n) => scope.hasLabel(n) || scope.hasBinding(n) || scope.hasGlobal(n) || scope.hasReference(n))
  // Babel 8 keeps these in Sets (its `references`/`uids` getters throw); Babel 7 in objects.
  const program = scope.getProgramParent() as unknown as {
    referencesSet?: Set<string>; uidsSet?: Set<string>; references: Record<string, boolean>; uids: Record<string, boolean>
  }
  if (program.referencesSet !== undefined) {
    program.referencesSet.add(id)
    program.uidsSet?.add(id)
  } else {
    program.references[id] = true
    program.uids[id] = true
  }
  return id
}

function describeImport(d: NodePath<t.ImportDeclaration>): ExistingImport {
  return {
    source: d.node.source.value,
    typeOnly: d.node.importKind === 'type',
    specifiers: d.node.specifiers.map((s) => (s.type === 'ImportDefaultSpecifier' ? 'default' : s.type === 'ImportNamespaceSpecifier' ? 'namespace' : 'named')),
  }
}

/**
 * The references to helper locals inside a freshly built options object, in the order a Babel
 * traversal meets them. A walk over the nodes, with paths made only for the hits: a
 * `path.traverse` built a path (and a scope for each arrow) for every node of every options object.
 */
function collectHelperRefs(T: typeof BabelTypes, options: NodePath, names: Set<string>, out: NodePath[]): void {
  const keys = T.VISITOR_KEYS as Record<string, string[] | undefined>
  const visit = (node: t.Node, parent: t.Node, grandparent: t.Node | undefined, at: string): void => {
    if (node.type === 'Identifier' && names.has(node.name) && T.isReferenced(node, parent, grandparent)) out.push(options.get(at) as NodePath)
    walk(node, parent, at + '.')
  }
  const walk = (node: t.Node, parent: t.Node | undefined, at: string): void => {
    for (const key of keys[node.type] ?? []) {
      const value = (node as unknown as Record<string, unknown>)[key]
      if (Array.isArray(value)) value.forEach((c: t.Node | null, i) => { if (c) visit(c, node, parent, `${at}${key}.${i}`) })
      else if (value && typeof value === 'object') visit(value as t.Node, node, parent, at + key)
    }
  }
  walk(options.node, options.parent, '')
}

/**
 * Every call's printed options as Babel nodes, user functions put back in place: one parse for
 * the whole file. Each placeholder is printed as a name the text does not otherwise contain, and
 * that identifier is then swapped for the user's node. A plain parse with locations stripped
 * gives the nodes @babel/template gave (it strips the same properties), without its placeholder
 * pass, its deep clone and the stack it captures on every build.
 */
function buildOptions(babel: Babel, T: typeof BabelTypes, calls: { analyzed: Analyzed; plan: Plan }[], locals: Record<string, string>): { nodes: t.Expression[]; texts: string[] } {
  if (calls.length === 0) return { nodes: [], texts: [] }
  const texts = calls.map(({ plan }) => printOptions(plan, locals))
  let mark = '_fncache$'
  while (texts.some((text) => text.includes(mark))) mark += '$'
  const replacements = new Map<string, t.Expression>()
  const source = texts.map((text, i) => text.replace(PLACEHOLDER_PATTERN, (_, name: string) => {
    const prop = calls[i]!.analyzed.values.get(name)!.node as t.ObjectProperty | t.ObjectMethod
    replacements.set(`${mark}${name}_${i}`, prop.type === 'ObjectMethod'
      ? T.functionExpression(null, prop.params, prop.body, prop.generator, prop.async)
      : (prop.value as t.Expression))
    return `${mark}${name}_${i}`
  }))
  // No config is read for this parse (files, browserslist): the text is our own plain JavaScript.
  const file = babel.parseSync(`[${source.join(',\n')}]`, { configFile: false, babelrc: false, browserslistConfigFile: false, sourceType: 'module' })
  const list = (file!.program.body[0] as t.ExpressionStatement).expression as t.ArrayExpression
  T.removePropertiesDeep(list)
  if (replacements.size) fill(T, list, replacements)
  return { nodes: list.elements as t.Expression[], texts }
}

/** Swaps placeholder identifiers for the user's nodes (always a property's value, as printed). */
function fill(T: typeof BabelTypes, node: t.Node, replacements: Map<string, t.Expression>): void {
  const keys = T.VISITOR_KEYS as Record<string, string[] | undefined>
  for (const key of keys[node.type] ?? []) {
    const holder = node as unknown as Record<string, unknown>
    const value = holder[key]
    const swap = (c: t.Node | null) => (c?.type === 'Identifier' ? replacements.get(c.name) : undefined)
    if (Array.isArray(value)) value.forEach((c: t.Node | null, i) => { const r = swap(c); if (r) value[i] = r; else if (c) fill(T, c, replacements) })
    else if (value && typeof value === 'object') { const r = swap(value as t.Node); if (r) holder[key] = r; else fill(T, value as t.Node, replacements) }
  }
}

/** Edits one call; returns the options' path and the helper reference's, for rebind(). */
function emitCall(T: typeof BabelTypes, a: Analyzed, plan: Plan, options: t.Expression, locals: Record<string, string>): { options: NodePath; ref: NodePath } {
  // The decorator form: `@cached(options)` becomes `@method(planned options)` (a bare `@cached` too).
  const decorator = plan.form === 'decorator'
  // The plan's first helper replaces the callee: `cached`, `cached.batch` as a whole, or the decorator's.
  const helper = T.identifier(locals[plan.helpers[0]!]!)
  if (!a.call) {
    const [bare] = a.ref.replaceWith(T.callExpression(helper, [options])) as NodePath<t.CallExpression>[]
    return { options: bare!.get('arguments')[0]!, ref: bare!.get('callee') }
  }
  const call = a.call as NodePath<t.CallExpression>
  // `cached.batch` as a whole is replaced: the helper's reference is the new node, not `a.ref`.
  const ref = a.callee === a.ref ? a.ref : (a.callee.replaceWith(helper)[0] as NodePath)
  if (ref === a.ref) a.ref.replaceWith(helper)
  const args = call.get('arguments')
  const at = decorator ? 0 : 1
  const optionsPath = args[at] ? args[at].replaceWith(options)[0]! : call.pushContainer('arguments', options)[0]!

  const self = plan.self
  if (!self) return { options: optionsPath, ref }
  const fn = a.fn!.node as t.FunctionExpression
  if (self.strategy === 'drop-name') {
    fn.id = null
  } else if (self.strategy === 'rename') {
    fn.id = null
    for (const r of a.selfRefs) (r.node as t.Identifier).name = self.to
  } else {
    const temp = T.identifier(uid(call.scope, self.name))
    call.scope.push({ id: T.cloneNode(temp) })
    for (const r of a.selfRefs) (r.node as t.Identifier).name = temp.name
    call.replaceWith(T.assignmentExpression('=', temp, call.node))
  }
  return { options: optionsPath, ref }
}
