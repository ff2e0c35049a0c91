// The expansion behind fncache.macro/swc's `expand`: parse with @swc/core for positions (only the
// statements that can reach the macro: slice.ts), plan with core, splice with magic-string.
// `slice: false` parses the whole file; tests/swc/slice.test.ts checks both give the same result.
import { parseSync } from '@swc/core'
import { TransformError, formatWarning, helpersImport, moduleContext, normaliseConfig, planImports, planModule, purityWarnings, type ImportPlan, type ModuleLoader, type Plan, type TransformWarning } from '../core/index.js'
import { formatError } from '../core/frame.js'
import { analyzeModule } from './analyze.js'
import { loadConfig } from './config.js'
import { emit } from './emit.js'
import type { ExpandOptions, ExpandResult, SourceMap } from './index.js'
import { sliceForAnalysis } from './slice.js'
import { createSpans } from './spans.js'
import { resolveModule } from './scope.js'
import { swcModule } from './module-view.js'

/** The import the transform expands (babel-plugin-macros' naming rule made this the package name). */
export const MACRO_SOURCE = 'fncache.macro'
/** The cheap test run before any parsing: a file that never writes the string is left alone. */
const MENTIONS_MACRO = /['"]fncache\.macro['"]/

/** True when `code` may import the macro: the test `expand` runs before parsing. */
export const mentionsMacro = (code: string): boolean => MENTIONS_MACRO.test(code)

function syntaxOf(filename: string | undefined) {
  const ext = /\.([cm]?[jt]sx?)$/.exec(filename ?? '')?.[1] ?? 'ts'
  if (ext.includes('t')) return { syntax: 'typescript' as const, tsx: ext.endsWith('x'), decorators: true }
  return { syntax: 'ecmascript' as const, jsx: true, decorators: true }
}

/** The parsed module and the text its spans count in (the sliced code has the same length and line breaks as `code`). */
function parse(code: string, filename: string | undefined, slice: boolean) {
  const options = { ...syntaxOf(filename), target: 'esnext' as const, comments: false }
  const sliced = slice ? sliceForAnalysis(code, filename) : null
  if (sliced) {
    // A syntax error in the slice is reported by the whole parse below, with its real position.
    try { return { module: parseSync(sliced.code, options), text: sliced.code, hidden: sliced.hidden } } catch { /* parse everything */ }
  }
  return { module: parseSync(code, options), text: code, hidden: [] as string[] }
}

/** Parses another file of the project for dependency hashing (core/deps.ts): syntax only. */
const loadModule: ModuleLoader = (file, code) => {
  const module = parseSync(code, { ...syntaxOf(file), target: 'esnext', comments: false })
  return swcModule(module, code, createSpans(code, module.span.start), resolveModule(module, new Set()))
}

export function expandModule(code: string, options: ExpandOptions, slice: boolean): ExpandResult | null {
  if (!mentionsMacro(code)) return null
  const { filename, cwd = process.cwd(), configFile, onWarning = console.warn, ...overrides } = options
  let config
  try {
    config = normaliseConfig(configFile === false ? (Object.keys(overrides).length ? overrides : undefined) : loadConfig(filename, overrides))
  } catch (error) {
    if (error instanceof TransformError) error.message = formatError(error, code, filename)
    throw error
  }
  const { module, text, hidden } = parse(code, filename, slice)
  const spans = createSpans(text, module.span.start)
  try {
    const analysis = analyzeModule(module, code, spans, MACRO_SOURCE)
    if (!analysis) return null
    for (const name of hidden) analysis.resolved.names.add(name)
    const context = moduleContext(filename ?? null, code, config, cwd, { view: swcModule(module, code, spans, analysis.resolved), load: loadModule })
    // One plan per import declaration, in order, as babel-plugin-macros calls the macro.
    const plans: Plan[] = []
    const imports: ImportPlan[] = []
    const warnings: TransformWarning[] = []
    for (const entry of analysis.imports) {
      const own = planModule(entry.calls.map((a) => a.site), config, context)
      imports.push(planImports(entry.named, own, config))
      plans.push(...own)
      warnings.push(...purityWarnings(entry.calls.map((a) => a.site), own, config))
    }
    for (const w of warnings) onWarning(formatWarning(w, code, filename))
    const helpers = [...new Set(imports.flatMap((i) => i.helpers))]
    const ms = emit(code, module, spans, analysis, plans, { source: config.runtimeImport, helperSource: helpersImport(config.runtimeImport), named: imports.flatMap((i) => i.named), helpers })
    let map: SourceMap | undefined
    return {
      code: ms.toString(),
      get map() { return (map ??= ms.generateMap({ source: filename, includeContent: true, hires: 'boundary' }) as unknown as SourceMap) },
      fncache: warnings.length ? { plans, imports, warnings } : { plans, imports },
    }
  } catch (error) {
    if (error instanceof TransformError) error.message = formatError(error, code, filename)
    throw error
  }
}
