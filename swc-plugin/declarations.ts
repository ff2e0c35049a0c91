// What a statement or pattern declares, as the scope resolver (scope.ts) and the ModuleView
// (module-view.ts) read it: binding patterns, hoisted `var`s and function declarations, and the
// lexical declarations of a statement list.
/* eslint-disable @typescript-eslint/no-explicit-any */
type Node = any

/** The names a binding pattern declares. */
export function patternNames(p: Node, out: string[] = []): string[] {
  if (!p) return out
  switch (p.type) {
    case 'Identifier': out.push(p.value); break
    case 'Parameter': patternNames(p.pat, out); break
    case 'TsParameterProperty': patternNames(p.param, out); break
    case 'AssignmentPattern': patternNames(p.left, out); break
    case 'RestElement': patternNames(p.argument, out); break
    case 'ArrayPattern': for (const e of p.elements) patternNames(e, out); break
    case 'ObjectPattern':
      for (const prop of p.properties) {
        if (prop.type === 'KeyValuePatternProperty') patternNames(prop.value, out)
        else if (prop.type === 'AssignmentPatternProperty') out.push(prop.key.value)
        else patternNames(prop, out)
      }
      break
  }
  return out
}

/** Hoisted `var` names and function declarations of a function body (not entering nested functions). */
export function collectVar(node: Node, out: string[]): void {
  if (!node || typeof node !== 'object') return
  if (Array.isArray(node)) { for (const n of node) collectVar(n, out); return }
  switch (node.type) {
    case 'VariableDeclaration':
      if (node.kind === 'var') for (const d of node.declarations) patternNames(d.id, out)
      return
    case 'BlockStatement': collectVar(node.stmts, out); return
    case 'IfStatement': collectVar(node.consequent, out); collectVar(node.alternate, out); return
    case 'ForStatement': collectVar(node.init, out); collectVar(node.body, out); return
    case 'ForInStatement': case 'ForOfStatement': collectVar(node.left, out); collectVar(node.body, out); return
    case 'WhileStatement': case 'DoWhileStatement': case 'LabeledStatement': case 'WithStatement': collectVar(node.body, out); return
    case 'TryStatement': collectVar(node.block, out); collectVar(node.handler?.body, out); collectVar(node.finalizer, out); return
    case 'SwitchStatement': for (const c of node.cases) collectVar(c.consequent, out); return
    case 'ExportDeclaration': collectVar(node.declaration, out); return
  }
}

/** let/const/class/function declared directly in a statement list. */
export function collectLexical(stmts: Node[], out: string[]): void {
  for (let s of stmts) {
    if (s.type === 'ExportDeclaration') s = s.declaration
    if (s.type === 'VariableDeclaration' && s.kind !== 'var' && !s.declare) for (const d of s.declarations) patternNames(d.id, out)
    else if ((s.type === 'FunctionDeclaration' || s.type === 'ClassDeclaration') && !s.declare) out.push(s.identifier.value)
    else if ((s.type === 'TsEnumDeclaration' || s.type === 'TsModuleDeclaration') && s.id?.type === 'Identifier' && !s.declare) out.push(s.id.value)
    else if (s.type === 'TsImportEqualsDeclaration') out.push(s.id.value)
    else if (s.type === 'ExportDefaultDeclaration' && s.decl?.identifier) out.push(s.decl.identifier.value)
  }
}
