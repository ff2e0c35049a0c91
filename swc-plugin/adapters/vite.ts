// fncache.macro/swc/vite: the unplugin adapter's Vite plugin (also a Rollup plugin), kept at this
// path for existing configs: `plugins: [fncache()]`. See ./unplugin.ts for the other bundlers.
import { fncache } from './unplugin.js'

export type { AdapterOptions } from './shared.js'

/** The Vite (and Rollup) plugin: expands fncache.macro wraps before other transforms (`enforce: 'pre'`). */
const vite: typeof fncache.vite = fncache.vite
export default vite
