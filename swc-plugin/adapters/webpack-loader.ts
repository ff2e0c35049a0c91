// webpack loader: expands fncache.macro wraps, then hands the code and its source map to the next
// loader. List it after swc-loader (loaders run last to first):
// use: ['swc-loader', 'fncache.macro/swc/webpack-loader'].
import { adapterOptions, expand, type AdapterOptions } from './shared.js'

interface LoaderContext {
  resourcePath: string
  getOptions(): AdapterOptions
  callback(error: Error | null, code?: string, map?: object): void
}

export default function fncacheLoader(this: LoaderContext, code: string, map?: object): void {
  const { filter, config } = adapterOptions(this.getOptions())
  if (!filter(this.resourcePath)) return this.callback(null, code, map)
  try {
    const result = expand(code, { ...config, filename: this.resourcePath })
    if (!result) return this.callback(null, code, map)
    this.callback(null, result.code, result.map)
  } catch (error) {
    this.callback(error as Error)
  }
}
