// fncache.macro/next: adds the transform to a Next.js config for both of Next's bundlers while
// Next's own SWC keeps compiling everything (next/font, server actions, React Compiler...):
// - Turbopack (`next dev` / `next build`): a `turbopack.rules` entry running the webpack loader on
//   project files (not `foreign`, i.e. not node_modules) whose text mentions 'fncache.macro';
// - webpack (`--webpack`): a module rule with `enforce: 'pre'`, so the loader sees the source
//   before next-swc-loader.
// The loader computes ids from the file's package root, as the Babel macro does: a page, a route
// handler and a server action importing one module share its entries, whichever route built them.
import { EXCLUDE, INCLUDE, MENTIONS_MACRO, type AdapterOptions } from './shared.js'

/** The loader both bundlers run, as a package specifier (resolved from the project, like any loader). */
export const LOADER = 'fncache.macro/swc/webpack-loader'
/** The Turbopack rule's glob: every JavaScript and TypeScript file name. */
export const TURBOPACK_GLOB = '*.{ts,tsx,js,jsx,mts,cts,mjs,cjs}'
const MARK = Symbol.for('fncache.macro/next')

/** withFncache's options: the transform's config keys (JSON values only: Turbopack passes them to the loader as JSON) plus a file filter. */
export type NextOptions = AdapterOptions

type Json = string | number | boolean | null | Json[] | { [key: string]: Json }
type Rules = Record<string, unknown>
interface WebpackConfig { module?: { rules?: unknown[] } }
type WebpackFn = (config: WebpackConfig, context: unknown) => WebpackConfig
/** The part of a Next.js config this touches (the rest passes through unchanged). */
export interface NextConfigLike {
  turbopack?: { rules?: Rules } & Record<string, unknown>
  webpack?: WebpackFn | null
  [key: string]: unknown
}
type ConfigFunction<C> = (phase: string, context: unknown) => C | Promise<C>

function loaderOptions(options: NextOptions): Record<string, Json> {
  const { include: _include, exclude: _exclude, ...config } = options
  for (const [key, value] of Object.entries(config) as [string, unknown][]) {
    if (value instanceof RegExp || typeof value === 'function') {
      throw new TypeError(`withFncache(): option "${key}" must be a JSON value (Turbopack passes loader options as JSON); received ${value instanceof RegExp ? 'a RegExp' : 'a function'}.`)
    }
  }
  return JSON.parse(JSON.stringify(config)) as Record<string, Json>
}

function turbopackRule(options: NextOptions, loader: Record<string, Json>) {
  const all: unknown[] = [{ not: 'foreign' }, { content: MENTIONS_MACRO }]
  if (options.include) all.push({ path: options.include })
  if (options.exclude) all.push({ not: { path: options.exclude } })
  return { loaders: [{ loader: LOADER, options: loader }], condition: { all } }
}

/** Appends our rule to the user's rules, keeping a rule they already have for the same glob. */
function mergeRules(rules: Rules | undefined, rule: object): Rules {
  const merged: Rules = { ...rules }
  const existing = merged[TURBOPACK_GLOB]
  if (existing === undefined) merged[TURBOPACK_GLOB] = rule
  else merged[TURBOPACK_GLOB] = [...(Array.isArray(existing) ? existing : [existing]), rule]
  return merged
}

function apply<C extends NextConfigLike>(config: C, options: NextOptions): C {
  if ((config as Record<symbol, unknown>)[MARK]) return config
  const loader = loaderOptions(options)
  const userWebpack = config.webpack
  const webpackRule = {
    test: options.include ?? INCLUDE,
    exclude: options.exclude ?? EXCLUDE,
    enforce: 'pre',
    use: [{ loader: LOADER, options: loader }],
  }
  const result: C = {
    ...config,
    turbopack: { ...config.turbopack, rules: mergeRules(config.turbopack?.rules, turbopackRule(options, loader)) },
    webpack(webpackConfig: WebpackConfig, context: unknown) {
      const out = typeof userWebpack === 'function' ? userWebpack(webpackConfig, context) : webpackConfig
      const module = (out.module ??= {})
      ;(module.rules ??= []).push(webpackRule)
      return out
    },
  }
  Object.defineProperty(result, MARK, { value: true })
  return result
}

/**
 * Adds fncache's transform to a Next.js config (an object, or the function form Next also
 * accepts), for Turbopack and webpack builds alike, keeping Next's own SWC. Merges with existing
 * `turbopack.rules` and an existing `webpack()` function. Needs `@swc/core` installed.
 *
 * ```js
 * // next.config.mjs
 * import { withFncache } from 'fncache.macro/next'
 * export default withFncache({ reactStrictMode: true }, { namespace: 'shop' })
 * ```
 */
export function withFncache<C extends NextConfigLike>(config: C, options?: NextOptions): C
export function withFncache<C extends NextConfigLike>(config: ConfigFunction<C>, options?: NextOptions): ConfigFunction<C>
export function withFncache<C extends NextConfigLike>(config: C | ConfigFunction<C> = {} as C, options: NextOptions = {}): C | ConfigFunction<C> {
  if (typeof config === 'function') return async (phase, context) => apply(await config(phase, context), options)
  return apply(config, options)
}

export default withFncache
