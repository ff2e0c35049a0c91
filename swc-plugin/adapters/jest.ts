// Jest transformer: @swc/jest, after expanding fncache.macro wraps. The expansion's source map
// is inlined, and swc composes it (its `inputSourceMap` default reads the comment).
// transform: { '^.+\\.(t|j)sx?$': ['fncache.macro/swc/jest', { ...@swc/jest options, fncache: { ... } }] }
import { createHash } from 'node:crypto'
import swcJest from '@swc/jest'
import { expand } from '../index.js'
import { adapterOptions, withInlineMap, type AdapterOptions } from './shared.js'

interface Transformer {
  canInstrument?: boolean
  process(src: string, filename: string, options: unknown): unknown
  processAsync?(src: string, filename: string, options: unknown): Promise<unknown>
  getCacheKey?(src: string, filename: string, ...rest: unknown[]): string
}

export function createTransformer(options: Record<string, unknown> & { fncache?: AdapterOptions } = {}): Transformer {
  const { fncache: ours, ...swcOptions } = options
  const { filter, config } = adapterOptions(ours)
  const inner = (swcJest as unknown as { createTransformer(o: object): Transformer }).createTransformer(swcOptions)
  const prepare = (src: string, filename: string) => {
    if (!filter(filename)) return src
    const result = expand(src, { ...config, filename })
    return result ? withInlineMap(result) : src
  }
  return {
    canInstrument: inner.canInstrument,
    process: (src, filename, jestOptions) => inner.process(prepare(src, filename), filename, jestOptions),
    processAsync: (src, filename, jestOptions) => inner.processAsync!(prepare(src, filename), filename, jestOptions),
    getCacheKey: (src, filename, ...rest) => createHash('sha1')
      .update(inner.getCacheKey!(src, filename, ...rest)).update('\0fncache-swc\0').update(JSON.stringify(ours ?? {}))
      .digest('hex'),
  }
}

export default { createTransformer }
