// Expands the file arguments of `fncache ids`: a file, a directory (walked), or a glob (tinyglobby:
// `*`, `**`, `?`, `[...]`, `{a,b}`; Node 20 has no fs.glob). node_modules and dot-directories are
// skipped, and symbolic links are not followed, so a link loop cannot repeat or hang the walk.

import { statSync } from 'node:fs'
import { resolve, sep } from 'node:path'
import { globSync, isDynamicPattern } from 'tinyglobby'

export const SOURCE_EXT = /\.(?:[cm]?[jt]sx?)$/
const isSource = (path: string) => SOURCE_EXT.test(path) && !path.endsWith('.d.ts')

/** The source files under `cwd` that `pattern` (POSIX separators) matches, absolute and sorted. */
function match(pattern: string, cwd: string): string[] {
  const found = globSync(pattern, {
    cwd,
    absolute: true,
    onlyFiles: true,
    dot: false,
    followSymbolicLinks: false,
    expandDirectories: false,
    ignore: ['**/node_modules/**'],
  })
  return found.map((f) => resolve(f)).filter(isSource).sort()
}

/** The absolute paths of the source files `patterns` name, deduplicated, in a stable order. */
export function expandPatterns(patterns: string[], cwd: string = process.cwd()): { files: string[]; unmatched: string[] } {
  const files = new Set<string>()
  const unmatched: string[] = []
  for (const pattern of patterns) {
    let found: string[]
    const posix = sep === '/' ? pattern : pattern.split(sep).join('/')
    if (isDynamicPattern(posix)) found = match(posix, cwd)
    else {
      const abs = resolve(cwd, pattern)
      let st
      try { st = statSync(abs) } catch { unmatched.push(pattern); continue }
      // A file named outright is read whatever its extension; a directory gives its source files.
      found = st.isDirectory() ? match('**/*', abs) : [abs]
    }
    if (found.length === 0) unmatched.push(pattern)
    for (const f of found) files.add(f)
  }
  return { files: [...files], unmatched }
}
