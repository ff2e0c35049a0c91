// What every adapter shares: which files to look at, and the expanded code with its source map
// inlined (for tools that only read maps from a `sourceMappingURL` comment, such as swc itself).
import type { ExpandOptions, ExpandResult } from '../index.js'

/** Options common to the adapters: the transform's config plus a file filter. */
export interface AdapterOptions extends Omit<ExpandOptions, 'filename'> {
  /** Files to expand. @default /\.[cm]?[jt]sx?$/ */
  include?: RegExp
  /** Files to skip. @default /node_modules/ */
  exclude?: RegExp
}

export const INCLUDE = /\.[cm]?[jt]sx?$/
export const EXCLUDE = /[\\/]node_modules[\\/]/
/** The same cheap test `expand` runs first, for tools that can filter on content before calling us. */
export const MENTIONS_MACRO = /['"]fncache\.macro['"]/

/** Splits adapter options into a filter and the transform's options. */
export function adapterOptions(options: AdapterOptions = {}): { filter: (file: string) => boolean; config: Omit<ExpandOptions, 'filename'> } {
  const { include = INCLUDE, exclude = EXCLUDE, ...config } = options
  return { filter: (file) => include.test(file) && !exclude.test(file), config }
}

/** `code` plus an inline `sourceMappingURL` comment carrying the map. */
export function withInlineMap(result: ExpandResult): string {
  return `${result.code}\n//# sourceMappingURL=data:application/json;charset=utf-8;base64,${Buffer.from(JSON.stringify(result.map)).toString('base64')}\n`
}
