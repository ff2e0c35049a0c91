// core's SyntaxView over Babel: handles are NodePaths, whose types and field names are already the
// view's vocabulary. Plain accessors only; every rule is in core/analyze.ts.
import type { NodePath } from '@babel/core'
import type * as t from '@babel/types'
import type { Loc, ModuleView, SyntaxView, Use } from '../core/index.js'

type P = NodePath<t.Node>

export function locOf(node: t.Node): Loc {
  const l = node.loc
  if (!l) return { line: 0, column: 0, end: { line: 0, column: 0 } }
  return { line: l.start.line, column: l.start.column, end: { line: l.end.line, column: l.end.column } }
}

const present = (p: P | P[] | undefined): P | null => (p && !Array.isArray(p) && p.node ? p : null)

export function babelView(code: string): SyntaxView<P> {
  return {
    type: (p) => p.node.type,
    parent: (p) => p.parentPath,
    child: (p, field) => present(p.get(field) as P | P[]),
    children: (p, field) => {
      const list = p.get(field) as P | P[]
      return Array.isArray(list) ? list.map((c) => (c.node ? c : null)) : []
    },
    same: (a, b) => a.node === b.node,
    name: (p) => {
      const n = p.node
      return n.type === 'PrivateName' ? n.id.name : (n as t.Identifier).name
    },
    value: (p) => {
      const n = p.node
      return n.type === 'TemplateElement' ? n.value.cooked : (n as t.StringLiteral).value
    },
    attr: (p, key) => (p.node as unknown as Record<string, unknown>)[key],
    annotation: (p) => {
      const a = (p.node as t.Identifier).typeAnnotation
      return a?.type === 'TSTypeAnnotation' ? present(p.get('typeAnnotation.typeAnnotation') as P) : null
    },
    loc: (p) => locOf(p.node),
    text: (p) => code.slice(p.node.start!, p.node.end!),
    textBetween: (from, to) => code.slice(from.node.start!, to.node.end!),
    selfReferences: (fn) => {
      const node = fn.node as t.FunctionExpression
      const own = node.id ? fn.scope.getOwnBinding(node.id.name) : undefined
      if (!own || own.path.node !== node) return []
      return own.referencePaths.filter((r) => r.isIdentifier())
    },
    declarationAt: (at, name) => at.scope.getBinding(name),
    declarationAround: (fn, name) => fn.parentPath!.scope.getBinding(name),
    uses: (fn) => usesOf(fn),
  }
}

const byPosition = (a: Use, b: Use) => a.loc.line - b.loc.line || a.loc.column - b.loc.column || (a.kind < b.kind ? -1 : a.kind > b.kind ? 1 : 0)
const NON_ARROW = new Set(['FunctionDeclaration', 'FunctionExpression', 'ObjectMethod', 'ClassMethod', 'ClassPrivateMethod', 'ClassDeclaration', 'ClassExpression', 'StaticBlock'])
const CHAIN = new Set(['MemberExpression', 'OptionalMemberExpression'])

/** The member chain read from `p` and whether it is called: `Date.now()` -> ['Date', 'now'], call. */
function chainOf(p: P, name: string): Pick<Use, 'path' | 'call' | 'args' | 'loc'> {
  const path = [name]
  let cur = p
  for (let up = cur.parentPath; up && CHAIN.has(up.node.type) && cur.key === 'object'; up = cur.parentPath) {
    const m = up.node as t.MemberExpression
    if (m.computed || m.property.type !== 'Identifier') break
    path.push(m.property.name)
    cur = up
  }
  const up = cur.parentPath
  if (up && cur.key === 'callee' && (up.node.type === 'CallExpression' || up.node.type === 'OptionalCallExpression' || up.node.type === 'NewExpression')) {
    return { path, call: up.node.type === 'NewExpression' ? 'new' : 'call', args: (up.node as t.CallExpression).arguments.length, loc: locOf(up.node) }
  }
  return { path, call: null, args: 0, loc: locOf(cur.node) }
}

/** What `root` uses, by Babel's scopes; types are erased code and not walked. */
function usesOf(root: P): Use[] {
  const out: Use[] = []
  const program = root.scope.getProgramParent()
  root.traverse({
    enter(p) {
      const n = p.node
      if (n.type.startsWith('TS') && (n.type === 'TSTypeAnnotation' || n.type === 'TSTypeParameterDeclaration' || n.type === 'TSTypeParameterInstantiation' || n.type === 'TSInterfaceDeclaration' || n.type === 'TSTypeAliasDeclaration' || n.type === 'TSDeclareFunction' || n.type === 'TSDeclareMethod' || p.isTSType())) { p.skip(); return }
      if (n.type === 'ThisExpression') {
        for (let up = p.parentPath; up && up.node !== root.node; up = up.parentPath) if (NON_ARROW.has(up.node.type)) return
        out.push({ kind: 'this', name: 'this', path: [], call: null, args: 0, reassigned: false, writeOnly: false, loc: locOf(n) })
        return
      }
      const dynamic = n.type === 'ImportExpression' ? (n as unknown as { source: t.Node }).source
        : n.type === 'CallExpression' && n.callee.type === 'Import' ? n.arguments[0] : undefined
      if (dynamic !== undefined) {
        out.push({ kind: 'import', name: dynamic?.type === 'StringLiteral' ? dynamic.value : '', path: [], call: null, args: 0, reassigned: false, writeOnly: false, loc: locOf(n) })
        return
      }
      if ((n.type !== 'Identifier' && n.type !== 'JSXIdentifier') || !p.isReferencedIdentifier()) return
      const name = (n as t.Identifier).name
      let binding = p.scope.getBinding(name)
      if (binding && binding.scope !== program) return
      // An ambient declaration (`declare const db`) is provided from outside: a global, as SWC's scopes see it.
      if (binding && ((binding.path.node as { declare?: boolean }).declare || (binding.path.parentPath?.node as { declare?: boolean } | undefined)?.declare || binding.path.node.type === 'TSDeclareFunction')) binding = undefined
      const up = p.parentPath
      const writeOnly = !!up && up.node.type === 'UpdateExpression' && up.parentPath?.node.type === 'ExpressionStatement'
      out.push({ kind: binding ? 'module' : 'global', name, reassigned: !!binding && binding.constantViolations.length > 0, writeOnly, ...chainOf(p as P, name) })
    },
  })
  return out.sort(byPosition)
}

/** Names a binding pattern declares. */
function patternNames(n: t.Node | null | undefined, out: string[] = []): string[] {
  if (!n) return out
  switch (n.type) {
    case 'Identifier': out.push(n.name); break
    case 'AssignmentPattern': patternNames(n.left, out); break
    case 'RestElement': patternNames(n.argument, out); break
    case 'ArrayPattern': for (const e of n.elements) patternNames(e, out); break
    case 'ObjectPattern': for (const p of n.properties) patternNames(p.type === 'RestElement' ? p : (p.value as t.Node), out); break
    case 'TSParameterProperty': patternNames(n.parameter, out); break
  }
  return out
}

/** A top-level declaration: its node, and its path made only when its uses are asked for. */
interface Declared { node: t.Node; path: () => P }

/**
 * core's ModuleView over a Babel Program (core/deps.ts follows dependencies through it). The top
 * level is read from the nodes; a NodePath is made only for a declaration whose uses are walked
 * (most of a file's declarations are never reached by a wrap).
 */
export function babelModule(program: NodePath<t.Program>, code: string): ModuleView<Declared> {
  let bindings: Map<string, { node: Declared; text: string }> | undefined
  let imports: Map<string, { source: string; imported: string }> | undefined
  let exports: Map<string, { local: string } | { source: string; imported: string }> | undefined
  const stars: string[] = []
  const walked = new WeakMap<t.Node, Use[]>()
  const text = (n: t.Node) => code.slice(n.start!, n.end!)
  const read = () => {
    bindings = new Map(); imports = new Map(); exports = new Map()
    const b = bindings, i = imports, e = exports
    const declare = (n: t.Node, path: () => P, exported: boolean) => {
      const names: string[] = []
      if (n.type === 'VariableDeclaration') {
        if (n.declare) return
        n.declarations.forEach((d, j) => {
          const declarator: Declared = { node: d, path: () => path().get(`declarations.${j}`) as P }
          for (const name of patternNames(d.id)) { b.set(name, { node: declarator, text: text(d) }); names.push(name) }
        })
      } else if ((n.type === 'FunctionDeclaration' || n.type === 'ClassDeclaration' || n.type === 'TSEnumDeclaration' || n.type === 'TSModuleDeclaration') && !(n as { declare?: boolean }).declare && n.id?.type === 'Identifier') {
        b.set(n.id.name, { node: { node: n, path }, text: text(n) }); names.push(n.id.name)
      }
      if (exported) for (const name of names) e.set(name, { local: name })
    }
    program.node.body.forEach((n, index) => {
      const statement = () => program.get(`body.${index}`) as P
      const declaration = () => statement().get('declaration') as P
      switch (n.type) {
        case 'ImportDeclaration':
          if (n.importKind === 'type' || n.importKind === 'typeof') break
          for (const sp of n.specifiers) {
            if (sp.type === 'ImportSpecifier' && sp.importKind !== 'type' && sp.importKind !== 'typeof') i.set(sp.local.name, { source: n.source.value, imported: sp.imported.type === 'Identifier' ? sp.imported.name : sp.imported.value })
            else if (sp.type === 'ImportDefaultSpecifier') i.set(sp.local.name, { source: n.source.value, imported: 'default' })
            else if (sp.type === 'ImportNamespaceSpecifier') i.set(sp.local.name, { source: n.source.value, imported: '*' })
          }
          break
        case 'ExportNamedDeclaration':
          if (n.exportKind === 'type') break
          if (n.declaration) { declare(n.declaration, declaration, true); break }
          for (const sp of n.specifiers) {
            const exported = sp.exported.type === 'Identifier' ? sp.exported.name : sp.exported.value
            if (sp.type === 'ExportNamespaceSpecifier') { if (n.source) e.set(exported, { source: n.source.value, imported: '*' }) }
            else if (sp.type === 'ExportSpecifier' && sp.exportKind !== 'type') {
              const local = sp.local.type === 'Identifier' ? sp.local.name : (sp.local as unknown as t.StringLiteral).value
              e.set(exported, n.source ? { source: n.source.value, imported: local } : { local })
            }
          }
          break
        case 'ExportAllDeclaration':
          if (n.exportKind !== 'type') stars.push(n.source.value)
          break
        case 'ExportDefaultDeclaration': {
          const d = n.declaration
          if ((d.type === 'FunctionDeclaration' || d.type === 'ClassDeclaration') && d.id) { declare(d, declaration, false); e.set('default', { local: d.id.name }) }
          else if (d.type === 'Identifier') e.set('default', { local: d.name })
          else if ((d.type as string) !== 'TSInterfaceDeclaration') { b.set('default', { node: { node: d, path: declaration }, text: text(d) }); e.set('default', { local: 'default' }) }
          break
        }
        default: declare(n, statement, false)
      }
    })
  }
  return {
    bindings: () => { if (!bindings) read(); return bindings! },
    imports: () => { if (!imports) read(); return imports! },
    exports: () => { if (!exports) read(); return exports! },
    exportStars: () => { if (!bindings) read(); return stars },
    // A helper reached from several wraps is walked once.
    uses: (n) => { let u = walked.get(n.node); if (!u) walked.set(n.node, (u = usesOf(n.path()))); return u },
  }
}
