// Import discovery for the SWC side: the macro's top-level imports and `require('fncache.macro')`
// declarations, which of their locals are the macro itself (core's MACRO_IMPORTS) and which are
// named runtime imports. Syntax only; the type-only rule is core's importSite().
/* eslint-disable @typescript-eslint/no-explicit-any */
import { importSite, isMacroImport, type ImportSite } from '../core/index.js'
import type { Spans } from './spans.js'
import { unparen } from './view.js'

type Node = any

export interface DiscoveredImport {
  /** The `import` declaration (null: `const x = require('fncache.macro')`). */
  decl: Node | null
  range: [number, number]
  /** Locals bound to the macro (`import cached`, `import { cached as c }`, `const { default: c } = require(...)`). */
  macroLocals: string[]
  /** The other named specifiers: runtime exports the user imports through the macro. */
  specs: Node[]
}

export function discoverImports(module: Node, spans: Spans, source: string): DiscoveredImport[] {
  const out: DiscoveredImport[] = []
  for (const s of module.body) {
    if (s.type === 'ImportDeclaration' && s.source.value === source) {
      const entry: DiscoveredImport = { decl: s, range: spans.range(s.span), macroLocals: [], specs: [] }
      for (const sp of s.specifiers) {
        if (sp.type === 'ImportDefaultSpecifier') entry.macroLocals.push(sp.local.value)
        if (sp.type !== 'ImportSpecifier') continue
        if (isMacroImport(sp.imported?.value ?? sp.local.value)) entry.macroLocals.push(sp.local.value)
        else entry.specs.push(sp)
      }
      out.push(entry)
    } else if (s.type === 'VariableDeclaration') {
      for (const d of s.declarations) {
        const init = unparen(d.init)
        if (init?.type === 'CallExpression' && init.callee.type === 'Identifier' && init.callee.value === 'require' &&
            init.arguments.length === 1 && init.arguments[0].expression.type === 'StringLiteral' && init.arguments[0].expression.value === source) {
          out.push({ decl: null, range: spans.range(s.span), macroLocals: requiredMacros(d.id), specs: [] })
        }
      }
    }
  }
  return out
}

/** The locals bound to the macro by `const cached = require(...)`, `const { default: cached } = require(...)` or `const { cached } = ...`. */
function requiredMacros(id: Node): string[] {
  if (id.type === 'Identifier') return [id.value]
  if (id.type !== 'ObjectPattern') return []
  const out: string[] = []
  for (const p of id.properties) {
    if (p.type === 'AssignmentPatternProperty' && !p.value && isMacroImport(p.key.value)) { out.push(p.key.value); continue }
    const key = p.type === 'KeyValuePatternProperty' && (p.key.type === 'Identifier' || p.key.type === 'StringLiteral') ? p.key.value : undefined
    if (key !== undefined && isMacroImport(key) && p.value.type === 'Identifier') out.push(p.value.value)
  }
  return out
}

/** The named imports of one declaration, given how many value references each local has. */
export function namedImports(entry: DiscoveredImport, valueReferences: (local: string) => number, spans: Spans): ImportSite[] {
  return entry.specs.map((sp) => importSite({
    imported: sp.imported ? sp.imported.value : sp.local.value,
    local: sp.local.value,
    markedType: !!entry.decl.typeOnly || !!sp.isTypeOnly,
    valueReferences: valueReferences(sp.local.value),
    loc: spans.locOf(sp.span),
  }))
}
