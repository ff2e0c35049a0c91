// Expands the file arguments of `fncache ids`: a file, a directory (walked), or a glob with `*`,
// `**`, `?` and `{a,b}` (Node 20 has no fs.glob). node_modules and dot-directories are skipped.

import { readdirSync, statSync } from 'node:fs'
import { join, relative, resolve, sep } from 'node:path'

export const SOURCE_EXT = /\.(?:[cm]?[jt]sx?)$/
const SKIP = (name: string) => name === 'node_modules' || name.startsWith('.')

/** A glob as a RegExp over POSIX paths. */
export function globToRegExp(glob: string): RegExp {
  let re = ''
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!
    if (c === '*') {
      if (glob[i + 1] === '*') {
        i++
        if (glob[i + 1] === '/') { i++; re += '(?:.*/)?' } else re += '.*'
      } else re += '[^/]*'
    } else if (c === '?') re += '[^/]'
    else if (c === '{') {
      const end = glob.indexOf('}', i)
      if (end < 0) { re += '\\{'; continue }
      re += '(?:' + glob.slice(i + 1, end).split(',').map((s) => s.replace(/[.+^$()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*')).join('|') + ')'
      i = end
    } else re += c.replace(/[.+^$()|[\]\\]/g, '\\$&')
  }
  return new RegExp('^' + re + '$')
}

function walk(dir: string, out: string[]): void {
  let names: string[]
  try { names = readdirSync(dir) } catch { return }
  for (const name of names.sort()) {
    const p = join(dir, name)
    let st
    try { st = statSync(p) } catch { continue }
    if (st.isDirectory()) { if (!SKIP(name)) walk(p, out) } else if (SOURCE_EXT.test(name) && !name.endsWith('.d.ts')) out.push(p)
  }
}

/** The absolute paths of the source files `patterns` name, deduplicated, in a stable order. */
export function expandPatterns(patterns: string[], cwd: string = process.cwd()): { files: string[]; unmatched: string[] } {
  const files = new Set<string>()
  const unmatched: string[] = []
  for (const pattern of patterns) {
    const before = files.size
    if (!/[*?{]/.test(pattern)) {
      const abs = resolve(cwd, pattern)
      let st
      try { st = statSync(abs) } catch { unmatched.push(pattern); continue }
      if (st.isDirectory()) { const found: string[] = []; walk(abs, found); found.forEach((f) => files.add(f)) } else files.add(abs)
    } else {
      // Walk from the part before the first wildcard, match the rest.
      const posix = pattern.split(sep).join('/')
      const head = posix.slice(0, posix.search(/[*?{]/))
      const base = resolve(cwd, head.includes('/') ? head.slice(0, head.lastIndexOf('/') + 1) : '.')
      const re = globToRegExp(relative(cwd, resolve(cwd, posix.startsWith('/') ? posix : posix)).split(sep).join('/'))
      const found: string[] = []
      walk(base, found)
      for (const f of found) if (re.test(relative(cwd, f).split(sep).join('/'))) files.add(f)
    }
    if (files.size === before) unmatched.push(pattern)
  }
  return { files: [...files], unmatched }
}
