// The Babel under test. By default the repository's own @babel/core (7) and
// @babel/preset-typescript; with FNCACHE_BABEL_DIR set to a folder holding other versions (CI
// installs @babel/core@8 there and runs the transform suites under Node 24), those. The
// babel-plugin-macros instance stays the package's own dependency: that is the copy a user gets.
// FNCACHE_BABEL_MAJOR makes a mismatch loud, so a CI job cannot silently test the wrong Babel.
import { createRequire } from 'node:module'
import { join, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'

type Babel = typeof import('@babel/core')

const dir = process.env.FNCACHE_BABEL_DIR
const own = createRequire(import.meta.url)
const from = dir ? createRequire(join(resolve(dir), 'noop.js')) : own

// Babel 8 is ESM-only, so it is imported, never required.
export const babel: Babel = await import(pathToFileURL(from.resolve('@babel/core')).href)
export const presetTypescript: string = from.resolve('@babel/preset-typescript')
export const macrosPlugin: string = own.resolve('babel-plugin-macros')

const expected = process.env.FNCACHE_BABEL_MAJOR
if (expected && babel.version.split('.')[0] !== expected) {
  throw new Error(`FNCACHE_BABEL_MAJOR=${expected}, but the Babel under test is ${babel.version} (FNCACHE_BABEL_DIR=${dir ?? 'unset'})`)
}
