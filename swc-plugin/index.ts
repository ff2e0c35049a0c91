// fncache.macro/swc: the macro's expansion for SWC builds. `expand` rewrites the wraps of one file
// (parse with @swc/core for positions, plan with core, splice with magic-string); `transform` and
// `transformSync` are @swc/core's, run on the expanded code with the composed source map.
import { transform as swcTransform, transformSync as swcTransformSync, type Options, type Output } from '@swc/core'
import type { ImportPlan, MacroConfig, Plan, TransformWarning } from '../core/index.js'
import { expandModule } from './expand.js'

export { MACRO_SOURCE, mentionsMacro } from './expand.js'

export interface ExpandOptions extends Partial<Omit<MacroConfig, 'version'>> {
  /** The file's path (absolute, or relative to `cwd`): names the function ids, picks the syntax, finds the config. */
  filename?: string
  /** Base of a relative `filename` and `root`. @default process.cwd() */
  cwd?: string
  /** Config `version`: `'deps'` (default), `'function'`, `'module'`, or a build id string. */
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
  /** What was planned, as the Babel macro publishes on `result.metadata.fncache`. */
  fncache: { plans: Plan[]; imports: ImportPlan[]; warnings?: TransformWarning[] }
}

/**
 * Expands the wraps of one file. Returns `null`, without parsing, for a file that does not
 * import `fncache.macro`. Throws a TransformError whose message is the Babel macro's, code frame
 * included, for a build error.
 */
export function expand(code: string, options: ExpandOptions = {}): ExpandResult | null {
  return expandModule(code, options, true)
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
