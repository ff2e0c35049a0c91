// `uses(n)` of both views (the SyntaxView's for a wrap, the ModuleView's for a helper): what a
// function or declaration reads from outside itself (module bindings, globals, `this`, dynamic
// imports), by asking the scope resolver (scope.ts) where each identifier is declared.
/* eslint-disable @typescript-eslint/no-explicit-any */
import type { Use } from '../core/index.js'
import { resolve, unparen, type Reference, type Resolved } from './scope.js'
import type { Spans } from './spans.js'

type Node = any

const SKIP_KEYS = new Set(['typeAnnotation', 'returnType', 'typeParameters', 'typeParams', 'typeArguments', 'superTypeParams', 'implements', 'span', 'ctxt'])
const TS_VALUE = new Set(['TsAsExpression', 'TsSatisfiesExpression', 'TsNonNullExpression', 'TsConstAssertion', 'TsTypeAssertion', 'TsInstantiation'])
const NON_ARROW = new Set(['FunctionDeclaration', 'FunctionExpression', 'ClassMethod', 'PrivateMethod', 'Constructor', 'MethodProperty', 'GetterProperty', 'SetterProperty', 'ClassDeclaration', 'ClassExpression', 'StaticBlock'])
const byPosition = (a: Use, b: Use) => a.loc.line - b.loc.line || a.loc.column - b.loc.column || (a.kind < b.kind ? -1 : a.kind > b.kind ? 1 : 0)

/** `uses(n)` for one module: a walk of `n`'s subtree that asks the resolver where each identifier is declared. */
export function usesReader(code: string, spans: Spans, resolved: Resolved): (root: Node) => Use[] {
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
