// Identity inputs computed once per file: the path relative to the package root (the nearest
// package.json above the file, or config `root`), POSIX separators; and content hashes.
import { createHash } from 'node:crypto'
import { existsSync } from 'node:fs'
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path'
import type { MacroConfig, ModuleContext } from './types.js'
import { dependencyResolver, type ModuleLoader, type ModuleView } from './deps.js'

/** The first 8 hex digits of sha256(text): the version of a function's (or module's) source. */
export function shortHash(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 8)
}

const rootCache = new Map<string, string>()

/** The nearest folder at or above `dir` holding a package.json; `dir` itself when there is none. */
export function findPackageRoot(dir: string): string {
  const cached = rootCache.get(dir)
  if (cached !== undefined) return cached
  let current = dir
  for (;;) {
    if (existsSync(join(current, 'package.json'))) break
    const parent = dirname(current)
    if (parent === current) { current = dir; break }
    current = parent
  }
  rootCache.set(dir, current)
  return current
}

const toPosix = (p: string) => (sep === '\\' ? p.replace(/\\/g, '/') : p)

/**
 * The per-file context of planCall. `filename` is absolute, or relative to `cwd`; `null` (code
 * with no file, e.g. a REPL) gives the path `<unknown>`. A relative config `root` is taken from `cwd`.
 */
export function moduleContext(filename: string | null, code: string, config: MacroConfig, cwd: string, deps?: { view: ModuleView; load: ModuleLoader }): ModuleContext {
  let relativePath = '<unknown>'
  let file: string | null = null
  let root = config.root ? resolve(cwd, config.root) : cwd
  if (filename) {
    file = isAbsolute(filename) ? filename : resolve(cwd, filename)
    if (!config.root) root = findPackageRoot(dirname(file))
    relativePath = toPosix(relative(root, file))
  }
  const context: ModuleContext = { relativePath, moduleHash: config.version === 'module' ? shortHash(code) : '' }
  // The view is asked only when a wrap's version follows its dependencies (lazily, per wrap).
  if (deps && config.version === 'deps') context.dependencies = dependencyResolver({ file, root, relativePath, view: deps.view, load: deps.load })
  return context
}
