// Plans -> Babel edits: the callee becomes the wrap helper, the options argument becomes core's
// printed text (user functions put back in place through placeholders), and the macro import
// becomes the file's one runtime import. Mechanical: every decision was made by planCall.
import type { NodePath, types as BabelTypes } from '@babel/core'
import type * as t from '@babel/types'
import { importGroups, isMacroImport, uniqueName, mergeTarget, printOptions, PLACEHOLDERS, type ExistingImport, type ImportPlan, type Plan } from '../core/index.js'
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

  for (const { analyzed, plan } of calls) emitCall(babel, T, analyzed, plan, locals)

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
    for (const group of importGroups(imports)) {
      const list = [...group.helpers.map((h) => T.importSpecifier(T.identifier(locals[h]!), T.identifier(h))), ...(group.named ? kept : [])]
      if (list.length === 0) continue
      const existing = others[mergeTarget(described, group.source)]
      if (existing) existing.node.specifiers.push(...list)
      else written.push(T.importDeclaration(list, T.stringLiteral(group.source)))
    }
    // The first one reuses the macro's declaration, so comments attached to it stay in place.
    if (written.length === 0) decl.remove()
    else {
      decl.node.source = written[0]!.source
      decl.node.specifiers = written[0]!.specifiers
      if (written.length > 1) decl.insertAfter(written.slice(1))
    }
  }
  // New bindings (helpers, a moved import) and references (the wrap calls) must be known to
  // later plugins: preset-typescript drops imports whose bindings look unreferenced.
  program.scope.crawl()
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

function emitCall(babel: Babel, T: typeof BabelTypes, a: Analyzed, plan: Plan, locals: Record<string, string>): void {
  const text = printOptions(plan, locals)
  const replacements: Record<string, t.Expression> = {}
  for (const name of ['tags', 'key', 'cacheIf', 'instanceKey'] as const) {
    if (!text.includes(PLACEHOLDERS[name])) continue
    const prop = a.values.get(name)!.node as t.ObjectProperty | t.ObjectMethod
    replacements[name] = prop.type === 'ObjectMethod'
      ? T.functionExpression(null, prop.params, prop.body, prop.generator, prop.async)
      : (prop.value as t.Expression)
  }
  const options = babel.template.expression(text, { syntacticPlaceholders: true })(replacements)

  // The decorator form: `@cached(options)` becomes `@method(planned options)` (a bare `@cached` too).
  const decorator = plan.form === 'decorator'
  // The plan's first helper replaces the callee: `cached`, `cached.batch` as a whole, or the decorator's.
  const helper = T.identifier(locals[plan.helpers[0]!]!)
  if (!a.call) {
    a.ref.replaceWith(T.callExpression(helper, [options]))
    return
  }
  const call = a.call as NodePath<t.CallExpression>
  a.callee.replaceWith(helper)
  const args = call.get('arguments')
  const at = decorator ? 0 : 1
  if (args[at]) args[at].replaceWith(options)
  else call.pushContainer('arguments', options)

  const self = plan.self
  if (!self) return
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
}
