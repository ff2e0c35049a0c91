// One plugin for every bundler, on unplugin (the ecosystem's cross-bundler plugin layer):
// Vite, Rollup, Rolldown, webpack, Rspack, esbuild, Bun and Farm run the same `transform`, which
// expands fncache.macro wraps before anything else (`enforce: 'pre'`) and hands on the code and
// its source map; each tool's own compiler (esbuild, Oxc, swc-loader, builtin:swc-loader, ...)
// then compiles the expanded TypeScript/JSX. (Turbopack and Next.js use the webpack loader:
// fncache.macro/next.)
//   import fncache from 'fncache.macro/swc/unplugin'
//   fncache.vite() | .rollup() | .rolldown() | .webpack() | .rspack() | .esbuild() | .bun()
import { createUnplugin, type UnpluginInstance } from 'unplugin'
import { loadTransform } from './load.js'
import { adapterOptions, MENTIONS_MACRO, type AdapterOptions } from './shared.js'

export type { AdapterOptions }

const NAME = 'fncache-swc'

/** The plugin factory for every bundler unplugin supports: `fncache.<bundler>(options?)`. */
export const fncache: UnpluginInstance<AdapterOptions | undefined, false> = createUnplugin<AdapterOptions | undefined, false>((options) => {
  const { filter, config } = adapterOptions(options)
  return {
    name: NAME,
    enforce: 'pre',
    transform: {
      // Declarative, so Rolldown/Vite 8 skip every module that never names the macro without
      // calling into JavaScript; the file filter needs the id without its query, below.
      filter: { code: { include: MENTIONS_MACRO } },
      async handler(code, id) {
        const file = id.split('?')[0]!
        if (file.startsWith('\0') || !filter(file) || !MENTIONS_MACRO.test(code)) return null
        const { expand } = await loadTransform(`fncache.macro/swc/unplugin (${NAME})`)
        const result = expand(code, { ...config, filename: file })
        return result && { code: result.code, map: result.map as never }
      },
    },
  }
})

export default fncache
