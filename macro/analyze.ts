// Babel references to the macro -> core's analysis (core/analyze.ts) through the Babel view, plus
// the named imports of a macro import declaration. Syntax only: no rule lives here.
import type { NodePath } from '@babel/core'
import type * as t from '@babel/types'
import { analyzeReference as analyze, importSite, isMacroImport, isTypeOnlyReference, type Analysis, type ImportSite } from '../core/index.js'
import { babelView, locOf } from './view.js'

type P = NodePath<t.Node>

/** core's analysis plus the reference, the paths emit.ts edits. */
export interface Analyzed extends Analysis<P> {
  ref: NodePath<t.Identifier>
}

export { locOf }

/** True for references that only exist in types (`typeof cached`). */
export function isTypeOnly(ref: NodePath, code = ''): boolean {
  return isTypeOnlyReference(babelView(code), ref as P)
}

export function analyzeReference(ref: NodePath<t.Identifier>, code: string): Analyzed {
  return { ...analyze(babelView(code), ref as P), ref }
}

/** The named imports of a macro import declaration (the macro's own names aside). */
export function importSites(decl: NodePath<t.ImportDeclaration>): ImportSite[] {
  const out: ImportSite[] = []
  for (const s of decl.node.specifiers) {
    if (s.type !== 'ImportSpecifier') continue
    const imported = s.imported.type === 'Identifier' ? s.imported.name : s.imported.value
    if (isMacroImport(imported)) continue
    const refs = decl.scope.getBinding(s.local.name)?.referencePaths ?? []
    out.push(importSite({
      imported,
      local: s.local.name,
      markedType: decl.node.importKind === 'type' || s.importKind === 'type',
      valueReferences: refs.filter((r) => !isTypeOnly(r)).length,
      loc: locOf(s),
    }))
  }
  return out
}
