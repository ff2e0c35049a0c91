// Babel config for this repository's examples and tools (tests pass their own inline config):
// babel-plugin-macros (config key `fncache`) + @babel/preset-typescript, as a user would write it
// (and @babel/plugin-proposal-decorators for examples/decorators).
// The package is not in its own node_modules, so a file of this repository that imports
// 'fncache.macro' cannot find it through node resolution; `resolvePath` then points at the built
// entry (dist/cjs/index.js, what "main" gives users) or, under tsx, at the macro's source.
import { createRequire } from 'node:module'
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

const require = createRequire(import.meta.url)
const here = (p) => fileURLToPath(new URL(p, import.meta.url))

function resolvePath(source, basedir) {
  try {
    // Resolved from the importing file's folder (node_modules, then its package's self-reference).
    return createRequire(basedir + '/noop.js').resolve(source)
  } catch (error) {
    if (source !== 'fncache.macro') throw error
    const built = here('./dist/cjs/index.js')
    return existsSync(built) ? built : here('./macro/index.ts')
  }
}

export default {
  presets: [['@babel/preset-typescript', { onlyRemoveTypeImports: false }]],
  // The macro first (it plans `@cached` methods); then standard decorators are compiled.
  plugins: [['macros', { resolvePath, fncache: {} }], ['@babel/plugin-proposal-decorators', { version: '2023-11' }]],
}
