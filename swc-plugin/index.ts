// fncache.macro/swc: the macro's expansion for SWC builds. `expand` rewrites the wraps of one file
// (parse with @swc/core for positions, plan with core, splice with magic-string); `transform` and
// `transformSync` are @swc/core's, run on the expanded code with the composed source map.
import { parseSync, transform as swcTransform, transformSync as swcTransformSync, type Options, type Output } from '@swc/core'
import { TransformError, formatWarning, helpersImport, moduleContext, normaliseConfig, planImports, planModule, purityWarnings, type ImportPlan, type MacroConfig, type Plan, type TransformWarning } from '../core/index.js'
import { formatError } from '../core/frame.js'
import { analyzeModule } from './analyze.js'
import { loadConfig } from './config.js'
import { emit } from './emit.js'
import { createSpans } from './spans.js'
import { resolveModule } from './scope.js'
import { swcModule } from './view.js'
import type { ModuleLoader } from '../core/index.js'

/** The import the transform expands (babel-plugin-macros' naming rule made this the package name). */
export const MACRO_SOURCE = 'fncache.macro'
/** The cheap test run before any parsing: a file that never writes the string is left alone. */
const MENTIONS_MACRO = /['"]fncache\.macro['"]/

export interface ExpandOptions extends Partial<Omit<MacroConfig, 'version'>> {
  /** The file's path (absolute, or relative to `cwd`): names the function ids, picks the syntax, finds the config. */
  filename?: string
  /** Base of a relative `filename` and `root`. @default process.cwd() */
  cwd?: string
  /** Config `version`: `'function'` (default), `'module'`, or a build id string. */
  version?: string
  /** @deprecated the old name of `scope`. */
  namespace?: string
  /** Set to `false` to skip reading the `fncache` key of babel-plugin-macros' config files. */
  configFile?: false
  /** Receives each purity warning, code frame included (config `purity: false` turns them off). @default console.warn */
  onWarning?: (message: string) => void
}

export interface SourceMap { version: number; sources: string[]; sourcesContent?: (string | null)[]; names: string[]; mappings: string; file?: string }

export interface ExpandResult {
  code: string
  /** The source map from the original code to `code` (computed on first read). */
  readonly map: SourceMap
  /** What was planned, as the Babel macro publishes on `result.metadata.fncache` (`warnings` only when there are some). */
  fncache: { plans: Plan[]; imports: ImportPlan[]; warnings?: TransformWarning[] }
}

/** True when `code` may import the macro: the test `expand` runs before parsing. */
export const mentionsMacro = (code: string): boolean => MENTIONS_MACRO.test(code)

function syntaxOf(filename: string | undefined) {
  const ext = /\.([cm]?[jt]sx?)$/.exec(filename ?? '')?.[1] ?? 'ts'
  if (ext.includes('t')) return { syntax: 'typescript' as const, tsx: ext.endsWith('x'), decorators: true }
  return { syntax: 'ecmascript' as const, jsx: true, decorators: true }
}

/** Parses another file of the project for dependency hashing (core/deps.ts): syntax only. */
const loadModule: ModuleLoader = (file, code) => {
  const module = parseSync(code, { ...syntaxOf(file), target: 'esnext', comments: false })
  return swcModule(module, code, createSpans(code, module.span.start), resolveModule(module, new Set()))
}

/**
 * Expands the wraps of one file. Returns `null`, without parsing, for a file that does not
 * import `fncache.macro`. Throws a TransformError whose message is the Babel macro's, code frame
 * included, for a build error.
 */
export function expand(code: string, options: ExpandOptions = {}): ExpandResult | null {
  if (!MENTIONS_MACRO.test(code)) return null
  const { filename, cwd = process.cwd(), configFile, onWarning = console.warn, ...overrides } = options
  const module = parseSync(code, { ...syntaxOf(filename), target: 'esnext', comments: false })
  const spans = createSpans(code, module.span.start)
  try {
    const analysis = analyzeModule(module, code, spans, MACRO_SOURCE)
    if (!analysis) return null
    const config = normaliseConfig(configFile === false ? (Object.keys(overrides).length ? overrides : undefined) : loadConfig(filename, overrides))
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

/** `fncache` on swc's options: the transform's config (overrides the config file). */
export type TransformOptions = Options & { fncache?: Omit<ExpandOptions, 'filename'> }

function prepare(code: string, options: TransformOptions | undefined): [string, Options] {
  const { fncache, ...swcOptions } = options ?? {}
  const expanded = expand(code, { filename: swcOptions.filename, ...fncache })
  if (!expanded) return [code, swcOptions]
  // Ask for the map only when swc will emit one: it composes it with ours through inputSourceMap.
  if (!swcOptions.sourceMaps) return [expanded.code, swcOptions]
  return [expanded.code, { ...swcOptions, inputSourceMap: JSON.stringify(expanded.map) }]
}

/** @swc/core's `transform`, after `expand`. */
export function transform(code: string, options?: TransformOptions): Promise<Output> {
  try {
    const [expanded, swcOptions] = prepare(code, options)
    return swcTransform(expanded, swcOptions)
  } catch (error) {
    return Promise.reject(error)
  }
}

/** @swc/core's `transformSync`, after `expand`. */
export function transformSync(code: string, options?: TransformOptions): Output {
  const [expanded, swcOptions] = prepare(code, options)
  return swcTransformSync(expanded, swcOptions)
}

export { TransformError } from '../core/index.js'
