// Jest transformer: @swc/jest, after expanding fncache.macro wraps. The expansion's source map
// is inlined, and swc composes it (its `inputSourceMap` default reads the comment).
// transform: { '^.+\\.(t|j)sx?$': ['fncache.macro/swc/jest', { ...@swc/jest options, fncache: { ... } }] }
// @swc/jest and @swc/core are loaded by `createTransformer` (Jest >= 28 awaits it), not by this
// module's imports, so a missing peer is one E_MISSING_PEER error naming the install command
// instead of Node's raw "Cannot find module".
import { createHash } from 'node:crypto'
import { MissingPeerError, loadTransform } from './load.js'
import { adapterOptions, withInlineMap, type AdapterOptions } from './shared.js'

interface Transformer {
  canInstrument?: boolean
  process(src: string, filename: string, options: unknown): unknown
  processAsync?(src: string, filename: string, options: unknown): Promise<unknown>
  getCacheKey?(src: string, filename: string, ...rest: unknown[]): string
}

const ADAPTER = 'fncache.macro/swc/jest'

async function loadSwcJest(): Promise<{ createTransformer(o: object): Transformer }> {
  try {
    const loaded = (await import('@swc/jest')) as { default?: { createTransformer?: unknown }; createTransformer?: unknown }
    return (typeof loaded.createTransformer === 'function' ? loaded : loaded.default) as { createTransformer(o: object): Transformer }
  } catch (error) {
    const e = error as NodeJS.ErrnoException
    if ((e?.code === 'MODULE_NOT_FOUND' || e?.code === 'ERR_MODULE_NOT_FOUND') && /@swc[\\/](jest|core)/.test(e.message)) {
      throw new MissingPeerError(ADAPTER, error, /@swc[\\/]core/.test(e.message) ? '@swc/core' : '@swc/jest', 'npm install -D @swc/jest @swc/core')
    }
    throw error
  }
}

export async function createTransformer(options: Record<string, unknown> & { fncache?: AdapterOptions } = {}): Promise<Transformer> {
  const { fncache: ours, ...swcOptions } = options
  const { filter, config } = adapterOptions(ours)
  const { expand } = await loadTransform(ADAPTER)
  const inner = (await loadSwcJest()).createTransformer(swcOptions)
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
