// core's ModuleView over one parsed SWC module: the top-level bindings, imports and exports that
// core/deps.ts follows a wrap's dependencies through. Translation only; the rules are core's.
/* eslint-disable @typescript-eslint/no-explicit-any */
import type { ModuleView, Use } from '../core/index.js'
import { patternNames } from './declarations.js'
import { unparen, type Resolved } from './scope.js'
import type { Spans } from './spans.js'
import { usesReader } from './uses.js'

type Node = any

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
