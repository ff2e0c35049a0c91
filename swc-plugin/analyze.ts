// Per-call analysis on the SWC side: core's analyzer (core/analyze.ts) through the SWC view, plus
// the UTF-16 ranges emit.ts splices into. Which imports are the macro's is imports.ts.
/* eslint-disable @typescript-eslint/no-explicit-any */
import { analyzeReference as analyze, type Analysis, type ImportSite } from '../core/index.js'
import { discoverImports, namedImports } from './imports.js'
import { resolve, resolveModule, type Reference, type Resolved } from './scope.js'
import type { Spans } from './spans.js'
import { swcView } from './view.js'

export { babelType } from './view.js'

type Node = any
type Range = [number, number]

/** A passthrough option value: its range, and for a method the `function` text it needs. */
export interface ValueRange { range: Range; prefix: string }

/** A CallSite plus the ranges its plan is printed into. */
export interface Analyzed {
  site: Analysis<Node>['site']
  ref: Range
  /** What becomes the wrap helper: the reference, or `cached.batch` as a whole. */
  callee: Range
  call: Range | null
  firstArg: Range | null
  /** The second argument as written (parentheses included). */
  optionsArg: Range | null
  fnName: Range | null
  values: Map<string, ValueRange>
  selfRefs: { range: Range; shorthand: boolean }[]
  /** Where a `var` for a temporary goes: after this index (a function body's `{`), or null: top of the program. */
  varScope: number | null
}

export interface MacroImport {
  /** `import` declaration (null: `const x = require('fncache.macro')`). */
  decl: Node | null
  range: Range
  /** The wraps through this import's macro bindings, in source order. */
  calls: Analyzed[]
  /** Its named imports. */
  named: ImportSite[]
}

export interface ModuleAnalysis {
  /** Every wrap, in the order of `imports` (babel-plugin-macros expands one import at a time). */
  calls: Analyzed[]
  imports: MacroImport[]
  resolved: Resolved
  /** Where new top-level statements go. */
  programStart: number
}

export function analyzeModule(module: Node, code: string, spans: Spans, source: string): ModuleAnalysis | null {
  const discovered = discoverImports(module, spans, source)
  if (discovered.length === 0) return null

  // References to the imported locals that resolve to the top level (not shadowed).
  const watched = new Set(discovered.flatMap((i) => [...i.macroLocals, ...i.specs.map((sp) => sp.local.value)]))
  const resolved = resolveModule(module, watched)
  const byName = new Map<string, Reference[]>()
  for (const r of resolved.refs) {
    if (r.ancestors === null || resolve(r.scope, r.id.value) !== resolved.program) continue
    let list = byName.get(r.id.value)
    if (!list) byName.set(r.id.value, (list = []))
    list.push(r)
  }

  const view = swcView(code, spans, resolved)
  const imports: MacroImport[] = discovered.map((entry) => {
    const calls: Analyzed[] = []
    for (const name of entry.macroLocals) {
      for (const r of byName.get(name) ?? []) calls.push(ranges(spans, resolved, r, analyze(view, r.id)))
    }
    calls.sort((a, b) => a.ref[0] - b.ref[0])
    const named = namedImports(entry, (local) => byName.get(local)?.length ?? 0, spans)
    return { decl: entry.decl, range: entry.range, calls, named }
  })

  const first = module.body[0]
  return {
    calls: imports.flatMap((i) => i.calls),
    imports,
    resolved,
    programStart: first ? spans.index(first.span.start) : code.length,
  }
}

/** The span of an argument as written: a spread from its `...`, parentheses included. */
const argSpan = (a: Node) => (a.spread ? { start: a.spread.start, end: a.expression.span.end } : a.expression.span)

function ranges(spans: Spans, resolved: Resolved, r: Reference, a: Analysis<Node>): Analyzed {
  const out: Analyzed = {
    site: a.site, ref: spans.range(r.id.span), callee: spans.range(a.callee.span), call: null, firstArg: null, optionsArg: null, fnName: null,
    values: new Map(), selfRefs: [], varScope: null,
  }
  if (!a.call) return out
  const args: Node[] = a.call.arguments
  out.call = spans.range(a.call.span)
  out.firstArg = args[0] ? spans.range(argSpan(args[0])) : null
  // The decorator form takes its options first (`@cached({ ttl })`).
  const options = a.site.decorator ? args[0] : args[1]
  out.optionsArg = options ? spans.range(argSpan(options)) : null
  if (a.fn?.identifier) out.fnName = spans.range(a.fn.identifier.span)
  for (const [name, prop] of a.values) out.values.set(name, valueRange(spans, prop.$raw ?? prop))
  // A self-reference written as a shorthand property (`{ fib }`): renaming must keep the key.
  const shorthand = new Set(a.selfRefs.length ? resolved.refs.filter((x) => x.shorthand).map((x) => x.id) : [])
  out.selfRefs = a.selfRefs.map((id: Node) => ({ range: spans.range(id.span), shorthand: shorthand.has(id) }))
  out.varScope = varScopeOf(spans, r.ancestors!, a.call)
  return out
}

function valueRange(spans: Spans, prop: Node): ValueRange {
  if (prop.type === 'Identifier') return { range: spans.range(prop.span), prefix: '' }
  if (prop.type === 'KeyValueProperty') return { range: spans.range(prop.value.span), prefix: '' }
  // MethodProperty / GetterProperty / SetterProperty: the text after the key becomes a function.
  const [, keyEnd] = spans.range(prop.key.span)
  const [, end] = spans.range(prop.span)
  return { range: [keyEnd, end], prefix: `${prop.async ? 'async ' : ''}function${prop.generator ? '*' : ''} ` }
}

/** The `{` of the nearest function body enclosing the call (a `var` for a temporary goes after it), or null. */
function varScopeOf(spans: Spans, anc: Node[], call: Node): number | null {
  for (let i = anc.lastIndexOf(call); i >= 0; i--) {
    const n = anc[i]
    if (n.type === 'FunctionBody' || (n.type === 'BlockStatement' && i > 0 && ['FunctionDeclaration', 'FunctionExpression', 'ArrowFunctionExpression'].includes(anc[i - 1].type) && anc[i - 1].body === n)) {
      return spans.index(n.span.start) + 1
    }
  }
  return null
}
