// core's SyntaxView over Babel: handles are NodePaths, whose types and field names are already the
// view's vocabulary. Plain accessors only; every rule is in core/analyze.ts.
import type { NodePath } from '@babel/core'
import type * as t from '@babel/types'
import type { Loc, SyntaxView } from '../core/index.js'

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
  }
}
