// Test helper: compiles TypeScript through real @babel/core (7, or 8 with FNCACHE_BABEL_DIR: see
// tests/helpers/babel.ts) with babel-plugin-macros and @babel/preset-typescript. The macro is found through babel-plugin-macros' `resolvePath`
// option: fixture inputs keep importing 'fncache.macro' exactly as user code does, and the
// package (not in its own node_modules) resolves to the macro's source (TypeScript, loaded
// by tsx's require hook that `node --import tsx` installs).
import type { BabelFileResult } from '@babel/core'
import { createRequire } from 'node:module'
import { fileURLToPath } from 'node:url'
import { babel, macrosPlugin, presetTypescript } from '../helpers/babel.js'

const require = createRequire(import.meta.url)
export const ROOT = fileURLToPath(new URL('../..', import.meta.url)).replace(/\/$/, '')
const MACRO = require.resolve('../../macro/index.ts')
const macros = macrosPlugin
const ts = presetTypescript

export function resolvePath(source: string, basedir: string): string {
  if (source === 'fncache.macro') return MACRO
  return require.resolve(source, { paths: [basedir] })
}

export interface CompileOptions {
  /** The `fncache` config, as `['macros', { fncache }]` plugin options. */
  config?: unknown
  sourceMaps?: boolean | 'inline'
}

export function compile(code: string, filename: string, options: CompileOptions = {}): BabelFileResult {
  const pluginOptions: Record<string, unknown> = { resolvePath }
  if (options.config !== undefined) pluginOptions.fncache = options.config
  return babel.transformSync(code, {
    filename,
    configFile: false,
    babelrc: false,
    highlightCode: false,
    sourceMaps: options.sourceMaps ?? false,
    // Decorators parsed, not transformed: `@cached` methods (the decorator form) stay decorators in the output.
    parserOpts: { plugins: ['decorators'] },
    plugins: [[macros, pluginOptions]],
    presets: [[ts, { onlyRemoveTypeImports: false }]],
  })!
}

/** Replaces the repository root with `<ROOT>` so goldens are portable. */
export const portable = (text: string) => text.split(ROOT).join('<ROOT>')
