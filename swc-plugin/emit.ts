// Plans -> magic-string edits of the original text: the callee becomes the wrap helper, the
// options argument becomes core's printed text (user functions stay where they are when their
// order allows, so their source maps stay exact), the macro import becomes one runtime import.
// Mechanical, like macro/emit.ts: every decision was made by planCall.
/* eslint-disable @typescript-eslint/no-explicit-any */
import MagicString from 'magic-string'
import { importGroups, isMacroImport, uniqueName, mergeTarget, printOptions, PLACEHOLDER_PATTERN, type ExistingImport, type ImportPlan, type Plan } from '../core/index.js'
import type { Analyzed, ModuleAnalysis, ValueRange } from './analyze.js'
import type { Spans } from './spans.js'

/** core's uniqueName over every name the file declares or references; a name given out is taken. */
function uidFactory(taken: Set<string>) {
  return (name: string): string => {
    const id = uniqueName(name, (n) => taken.has(n))
    taken.add(id)
    return id
  }
}

export function emit(code: string, module: any, spans: Spans, analysis: ModuleAnalysis, plans: Plan[], imports: ImportPlan): MagicString {
  const ms = new MagicString(code)
  const uid = uidFactory(new Set(analysis.resolved.names))
  const locals: Record<string, string> = {}
  for (const helper of imports.helpers) locals[helper] = uid(helper)
  const inserts: (() => void)[] = []
  const topVars: string[] = []

  analysis.calls.forEach((a, i) => emitCall(ms, code, a, plans[i]!, locals, uid, inserts, topVars))
  emitImports(ms, code, module, spans, analysis, imports, locals, inserts)

  // Insertions last: an overwrite drops what was appended into its range.
  for (const insert of inserts) insert()
  if (topVars.length) ms.appendLeft(analysis.programStart, `var ${topVars.join(', ')}; `)
  return ms
}

function emitCall(ms: MagicString, code: string, a: Analyzed, plan: Plan, locals: Record<string, string>, uid: (n: string) => string, inserts: (() => void)[], topVars: string[]): void {
  const text = printOptions(plan, locals)
  const decorator = plan.form === 'decorator'
  // The plan's first helper replaces the callee: `cached`, `cached.batch` as a whole, or the decorator's.
  ms.overwrite(a.callee[0], a.callee[1], locals[plan.helpers[0]!]!)

  // The options: printed text between the user's values, which stay in place when in order.
  const segments = text.split(PLACEHOLDER_PATTERN) // [text, name, text, name, ..., text]
  const values: ValueRange[] = []
  for (let i = 1; i < segments.length; i += 2) values.push(a.values.get(segments[i]!)!)
  const inOrder = a.optionsArg !== null && values.every((v, i) => v.range[0] >= a.optionsArg![0] && v.range[1] <= a.optionsArg![1] && (i === 0 || v.range[0] >= values[i - 1]!.range[1]))
  if (a.optionsArg && inOrder) {
    let at = a.optionsArg[0]
    values.forEach((v, i) => {
      overwrite(ms, at, v.range[0], segments[2 * i]! + v.prefix)
      at = v.range[1]
    })
    overwrite(ms, at, a.optionsArg[1], segments[segments.length - 1]!)
  } else {
    const printed = segments.map((s, i) => (i % 2 ? values[(i - 1) / 2]!.prefix + code.slice(...values[(i - 1) / 2]!.range) : s)).join('')
    if (a.optionsArg) ms.overwrite(a.optionsArg[0], a.optionsArg[1], printed)
    // A bare `@cached` becomes a call; `@cached()` gets the options before its `)`.
    else if (decorator && a.call === null) inserts.push(() => ms.appendLeft(a.ref[1], `(${printed})`))
    else if (decorator) { const close = a.call![1] - 1; inserts.push(() => ms.appendLeft(close, printed)) }
    else { const end = a.firstArg![1]; inserts.push(() => ms.appendLeft(end, `, ${printed}`)) }
  }

  const self = plan.self
  if (!self) return
  if (self.strategy === 'drop-name') {
    ms.remove(a.fnName![0], a.fnName![1])
  } else if (self.strategy === 'rename') {
    ms.remove(a.fnName![0], a.fnName![1])
    for (const r of a.selfRefs) ms.overwrite(r.range[0], r.range[1], r.shorthand ? `${self.name}: ${self.to}` : self.to)
  } else {
    const temp = uid(self.name)
    for (const r of a.selfRefs) ms.overwrite(r.range[0], r.range[1], r.shorthand ? `${self.name}: ${temp}` : temp)
    const [start, end] = a.call!
    inserts.push(() => {
      ms.appendLeft(start, `(${temp} = `)
      ms.appendLeft(end, ')')
      if (a.varScope === null) topVars.push(temp)
      else ms.appendLeft(a.varScope, ` var ${temp};`)
    })
  }
}

function overwrite(ms: MagicString, start: number, end: number, text: string): void {
  if (start < end) ms.overwrite(start, end, text)
  else if (text) ms.appendLeft(start, text)
}

function emitImports(ms: MagicString, code: string, module: any, spans: Spans, analysis: ModuleAnalysis, imports: ImportPlan, locals: Record<string, string>, inserts: (() => void)[]): void {
  const helpers = imports.helpers.map((h) => ({ imported: h, local: locals[h]! }))
  const decls = analysis.imports.filter((d) => d.decl !== null)
  if (decls.length < analysis.imports.length && helpers.length) {
    // `const cached = require('fncache.macro')`: the require stays; the helpers are required from their own module.
    const text = `const { ${helpers.map((h) => `${h.imported}: ${h.local}`).join(', ')} } = require(${JSON.stringify(imports.helperSource)}); `
    inserts.push(() => ms.appendLeft(analysis.programStart, text))
  }
  if (!decls.length) return
  const kept: string[] = []
  for (const d of decls) {
    for (const sp of d.decl.specifiers) {
      if (sp.type === 'ImportSpecifier' && !isMacroImport(sp.imported?.value ?? sp.local.value)) kept.push(code.slice(...spans.range(sp.span)))
    }
  }
  const others = module.body.filter((s: any) => s.type === 'ImportDeclaration' && !decls.some((d) => d.decl === s))
  const described = others.map(describeImport)
  // Each group merges into an existing import of its source, or is written where the macro import was.
  const written: string[] = []
  for (const group of importGroups(imports)) {
    const list = [...group.helpers.map((h) => `${h} as ${locals[h]}`), ...(group.named ? kept : [])]
    if (list.length === 0) continue
    const existing = others[mergeTarget(described, group.source)]
    if (!existing) { written.push(`import { ${list.join(', ')} } from ${JSON.stringify(group.source)};`); continue }
    const named = existing.specifiers.filter((sp: any) => sp.type === 'ImportSpecifier')
    const anchor = named.length ? spans.range(named[named.length - 1].span)[1] : spans.range(existing.specifiers[0].span)[1]
    const text = named.length ? `, ${list.join(', ')}` : `, { ${list.join(', ')} }`
    inserts.push(() => ms.appendLeft(anchor, text))
  }
  const [first, ...rest] = decls
  for (const d of rest) ms.remove(d.range[0], d.range[1])
  if (written.length) ms.overwrite(first!.range[0], first!.range[1], written.join(' '))
  else ms.remove(first!.range[0], first!.range[1])
}

function describeImport(d: any): ExistingImport {
  return {
    source: d.source.value,
    typeOnly: !!d.typeOnly,
    specifiers: d.specifiers.map((s: any) => (s.type === 'ImportDefaultSpecifier' ? 'default' : s.type === 'ImportNamespaceSpecifier' ? 'namespace' : 'named')),
  }
}
