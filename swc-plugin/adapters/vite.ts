// Vite/Rollup plugin: expands fncache.macro wraps before any other transform (`enforce: 'pre'`),
// so esbuild (Vite), unplugin-swc or @rollup/plugin-swc then compile the expanded TypeScript.
import { expand } from '../index.js'
import { adapterOptions, type AdapterOptions } from './shared.js'

export type { AdapterOptions }

/** The plugin object: the shape Vite and Rollup share. */
export interface FncachePlugin {
  name: string
  enforce: 'pre'
  transform(code: string, id: string): { code: string; map: object } | null
}

export default function fncache(options: AdapterOptions = {}): FncachePlugin {
  const { filter, config } = adapterOptions(options)
  return {
    name: 'fncache-swc',
    enforce: 'pre',
    transform(code, id) {
      const file = id.split('?')[0]!
      if (file.startsWith('\0') || !filter(file)) return null
      const result = expand(code, { ...config, filename: file })
      return result && { code: result.code, map: result.map }
    },
  }
}
