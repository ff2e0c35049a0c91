// webpack loader (also run by Rspack, Turbopack's `rules` and fncache.macro/next): expands
// fncache.macro wraps, then hands the code and its source map to the next loader. With
// swc-loader, list it after swc-loader (loaders run last to first):
// use: ['swc-loader', 'fncache.macro/swc/webpack-loader'], or give it its own rule with
// `enforce: 'pre'`.
import { loadTransform } from './load.js'
import { adapterOptions, MENTIONS_MACRO, type AdapterOptions } from './shared.js'

interface LoaderContext {
  resourcePath: string
  getOptions(): AdapterOptions
  async(): (error: Error | null, code?: string, map?: object) => void
}

export default function fncacheLoader(this: LoaderContext, code: string, map?: object): void {
  const done = this.async()
  const { filter, config } = adapterOptions(this.getOptions())
  // Decided before loading @swc/core, so a project whose files never import the macro needs no peer.
  if (!filter(this.resourcePath) || !MENTIONS_MACRO.test(code)) return done(null, code, map)
  const file = this.resourcePath
  loadTransform('fncache.macro/swc/webpack-loader').then(({ expand }) => {
    const result = expand(code, { ...config, filename: file })
    if (!result) done(null, code, map)
    else done(null, result.code, result.map)
  }).catch((error: Error) => done(error))
}
