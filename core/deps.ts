// Dependency-aware versions (config `version: 'deps'`, the default): a wrap's version hashes its
// own text with everything it can reach: same-module bindings (transitively, cycles included),
// the referenced exports of the package's own files (relative imports, read and analysed here,
// bounded), and the installed version of each package it imports. What cannot be followed
// (globals, `process.env`, dynamic imports, files outside the project) is listed, not hashed.
// The compilers supply a ModuleView per file (macro/view.ts, swc-plugin/module-view.ts); every rule is here.
import { lstatSync, readFileSync, realpathSync, statSync } from 'node:fs'
import { builtinModules } from 'node:module'
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path'
import { shortHash } from './identity.js'
import type { CallSite, Dependencies, Dependency, Use } from './types.js'

export type { Dependencies, Dependency, Use }

/** A file's top level as a compiler's view reads it. Handles (`N`) are opaque. */
export interface ModuleView<N = unknown> {
  /** Top-level value declarations by name (imports aside); `default` for an anonymous `export default`. */
  bindings(): Map<string, { node: N; text: string }>
  /** Imported locals: the source and the imported name (`default`, `*` for a namespace). */
  imports(): Map<string, { source: string; imported: string }>
  /** Exported names: a local binding, or a re-export from another source. */
  exports(): Map<string, { local: string } | { source: string; imported: string }>
  /** Sources of `export * from '...'`. */
  exportStars(): string[]
  /** What the declaration or function `n` uses, in source order. */
  uses(n: N): Use[]
}

/** Parses another file of the project into a view; `null` when it does not parse. */
export type ModuleLoader = (file: string, code: string) => ModuleView | null

/** Files larger than this are not read (listed as unseen instead). */
export const MAX_FILE_BYTES = 1024 * 1024
/** Files followed from one compiled file; the rest are listed as unseen. */
export const MAX_FOLLOWED_FILES = 2000
/** Parsed files kept between the files of a build (keyed by path, mtime and size). */
const MAX_CACHED_FILES = 10_000

/** The version of a wrap: its own text alone when it depends on nothing (so `'function'` and `'deps'` agree there). */
export function depsVersion(deps: Dependencies): string {
  if (deps.on.length === 0) return deps.text
  return shortHash([deps.text, ...deps.on.map((d) => `${d.kind} ${d.name} ${d.hash}`)].join('\n'))
}

/**
 * ECMAScript and platform globals whose behaviour a deploy does not change: not listed as unseen
 * (their non-deterministic members are purity warnings, core/purity.ts).
 */
const STABLE_GLOBALS = new Set([
  'undefined', 'NaN', 'Infinity', 'arguments', 'globalThis', 'Object', 'Array', 'Function', 'String', 'Number', 'Boolean', 'Symbol', 'BigInt',
  'Math', 'JSON', 'Date', 'RegExp', 'Promise', 'Map', 'Set', 'WeakMap', 'WeakSet', 'WeakRef', 'Reflect', 'Proxy', 'Intl',
  'Error', 'TypeError', 'RangeError', 'SyntaxError', 'ReferenceError', 'EvalError', 'URIError', 'AggregateError',
  'ArrayBuffer', 'SharedArrayBuffer', 'DataView', 'Int8Array', 'Uint8Array', 'Uint8ClampedArray', 'Int16Array', 'Uint16Array',
  'Int32Array', 'Uint32Array', 'Float32Array', 'Float64Array', 'BigInt64Array', 'BigUint64Array', 'Atomics',
  'parseInt', 'parseFloat', 'isNaN', 'isFinite', 'encodeURIComponent', 'decodeURIComponent', 'encodeURI', 'decodeURI',
  'console', 'setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'setImmediate', 'clearImmediate', 'queueMicrotask',
  'structuredClone', 'URL', 'URLSearchParams', 'TextEncoder', 'TextDecoder', 'AbortController', 'AbortSignal', 'Buffer',
  'crypto', 'performance',
])

/** How an unseen global reads in the plan: `process.env.HOME`, `process.env`, `global fetch`. */
function unseenGlobal(u: Use): string | null {
  if (STABLE_GLOBALS.has(u.name)) return null
  if (u.name === 'process' && u.path[1] === 'env') return u.path.slice(0, 3).join('.')
  if (u.name === 'require' && u.call) return 'require()'
  return `global ${u.name}`
}

const BUILTINS = new Set(builtinModules)
const isRelative = (s: string) => s === '.' || s === '..' || s.startsWith('./') || s.startsWith('../')
/** npm's name rule: what may be joined into a node_modules path. */
const PACKAGE_NAME = /^(?:@[a-z0-9~][a-z0-9._~-]*\/)?[a-z0-9~][a-z0-9._~-]*$/
const VERSION = /^[0-9A-Za-z.+-]{1,64}$/
const toPosix = (p: string) => (sep === '\\' ? p.replace(/\\/g, '/') : p)
const inside = (root: string, p: string) => { const r = relative(root, p); return r !== '' && !r.startsWith('..') && !isAbsolute(r) }

interface LoadedFile { view: ModuleView; code: string; rel: string; abs: string }

/** Parsed files, per loader (each compiler's views are its own), keyed by path + mtime + size. */
const fileCaches = new WeakMap<ModuleLoader, Map<string, LoadedFile | string>>()
const packageCache = new Map<string, { file: string; mtimeMs: number; size: number; version: string }>()
const realRoots = new Map<string, string>()

/** Forgets every parsed file and package version (a new build; benchmarks and tests). */
export function resetDependencyCaches(): void {
  for (const load of loaders) fileCaches.delete(load)
  packageCache.clear()
  realRoots.clear()
}
const loaders = new Set<ModuleLoader>()

/** Candidate files for a relative specifier, TypeScript's way (`./a.js` may be `./a.ts`). */
function candidates(base: string): string[] {
  const out = [base]
  const js = /\.(m|c)?jsx?$/.exec(base)
  if (js) { const stem = base.slice(0, -js[0].length); out.push(stem + '.ts', stem + '.tsx', stem + '.mts', stem + '.cts') }
  for (const ext of ['.ts', '.tsx', '.mts', '.cts', '.js', '.jsx', '.mjs', '.cjs']) out.push(base + ext)
  for (const ext of ['.ts', '.tsx', '.js', '.jsx']) out.push(join(base, 'index' + ext))
  return out
}

/** The installed version of `spec`'s package, from the nearest node_modules above `fromDir`. */
function packageVersion(spec: string, fromDir: string): { name: string; version: string } | null {
  const parts = spec.split('/')
  const name = spec.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!
  if (!PACKAGE_NAME.test(name)) return null
  const key = `${fromDir}\0${name}`
  const known = packageCache.get(key)
  // A watch build sees an upgrade: the remembered package.json is re-read when it changed.
  if (known) {
    try {
      const st = statSync(known.file)
      if (st.mtimeMs === known.mtimeMs && st.size === known.size) return { name, version: known.version }
    } catch { /* gone: look again */ }
  }
  for (let dir = fromDir; ; dir = dirname(dir)) {
    const file = join(dir, 'node_modules', name, 'package.json')
    try {
      // The package manager's layout may link packages (pnpm): followed, but size-bounded.
      const st = statSync(file)
      if (st.isFile() && st.size <= MAX_FILE_BYTES) {
        const v = (JSON.parse(readFileSync(file, 'utf8')) as { version?: unknown }).version
        const version = typeof v === 'string' && VERSION.test(v) ? v : 'unknown'
        packageCache.set(key, { file, mtimeMs: st.mtimeMs, size: st.size, version })
        return { name, version }
      }
    } catch { /* not here: one level up */ }
    if (dirname(dir) === dir) break
  }
  packageCache.delete(key)
  return { name, version: 'not installed' }
}

/** What one compiled file's wraps can follow: its own view and a loader for the others. */
export interface DepsContext {
  /** The compiled file (absolute), or null for code without a file (nothing outside it is followed). */
  file: string | null
  /** The project root: files outside it are never read. */
  root: string
  /** The compiled file's path relative to the root. */
  relativePath: string
  view: ModuleView
  load: ModuleLoader
  /** The macro's import source, never a dependency. */
  macroSource?: string
}

/**
 * A resolver for one compiled file: `(site) => Dependencies` of each wrap. Other files are read
 * only inside `root`, never through a symbolic link, never larger than MAX_FILE_BYTES, at most
 * MAX_FOLLOWED_FILES of them.
 */
export function dependencyResolver(ctx: DepsContext): (site: CallSite) => Dependencies {
  let cache = fileCaches.get(ctx.load)
  if (!cache) { fileCaches.set(ctx.load, (cache = new Map())); loaders.add(ctx.load) }
  const files = cache
  let followed = 0
  let realRoot = realRoots.get(ctx.root)
  if (realRoot === undefined) {
    try { realRoot = realpathSync(ctx.root) } catch { realRoot = ctx.root }
    realRoots.set(ctx.root, realRoot)
  }
  const macro = ctx.macroSource ?? 'fncache.macro'
  const self: LoadedFile = { view: ctx.view, code: '', rel: ctx.relativePath, abs: ctx.file ?? '' }

  const opened = new Map<string, LoadedFile | string>()
  /** The file a relative specifier names, or why it is not followed (once per file and specifier). */
  const open = (from: LoadedFile, spec: string): LoadedFile | string => {
    const memo = `${from.abs}\0${spec}`
    let hit = opened.get(memo)
    if (hit === undefined) opened.set(memo, (hit = openUncached(from, spec)))
    return hit
  }
  const openUncached = (from: LoadedFile, spec: string): LoadedFile | string => {
    if (!from.abs) return `import "${spec}" (no file name)`
    const base = resolve(dirname(from.abs), spec)
    if (!inside(ctx.root, base)) return `import "${spec}" (outside the project root)`
    for (const path of candidates(base)) {
      const st = lstatSync(path, { throwIfNoEntry: false })
      if (!st) continue
      if (st.isSymbolicLink()) return `import "${spec}" (a symbolic link)`
      if (!st.isFile()) continue
      if (st.size > MAX_FILE_BYTES) return `import "${spec}" (larger than ${MAX_FILE_BYTES} bytes)`
      const key = `${path}\0${st.mtimeMs}\0${st.size}`
      const hit = files.get(key)
      if (hit !== undefined) return hit
      if (++followed > MAX_FOLLOWED_FILES) return `import "${spec}" (more than ${MAX_FOLLOWED_FILES} files followed)`
      let loaded: LoadedFile | string
      try {
        // A linked directory on the way would lead outside the project: compare real paths.
        const real = realpathSync(path)
        if (!inside(realRoot!, real) || relative(realRoot!, real) !== relative(ctx.root, path)) loaded = `import "${spec}" (through a symbolic link)`
        else {
          const code = readFileSync(path, 'utf8')
          const view = ctx.load(path, code)
          loaded = view ? { view, code, rel: toPosix(relative(ctx.root, path)), abs: path } : `import "${spec}" (does not parse)`
        }
      } catch (e) {
        loaded = `import "${spec}" (${(e as Error).message.split('\n')[0]})`
      }
      if (files.size >= MAX_CACHED_FILES) files.clear()
      files.set(key, loaded)
      return loaded
    }
    return `import "${spec}" (not found)`
  }

  return (site) => {
    const fn = site.fn!
    const on = new Map<string, Dependency>()
    const unseen = new Set<string>()
    const seen = new Set<string>()
    const own = site.binding.kind === 'variable' ? site.binding.name : null

    const use = (file: LoadedFile, u: Use) => {
      if (u.kind === 'module') name(file, u.name)
      else if (u.kind === 'global') { const g = unseenGlobal(u); if (g) unseen.add(g) }
      else if (u.kind === 'import') unseen.add(u.name ? `import("${u.name}")` : 'import(<expression>)')
    }
    const name = (file: LoadedFile, local: string): void => {
      const key = `${file.rel}#${local}`
      if (seen.has(key)) return
      seen.add(key)
      const binding = file.view.bindings().get(local)
      if (binding) {
        const dep: Dependency = file === self
          ? { kind: 'binding', name: local, hash: shortHash(binding.text) }
          : { kind: 'export', name: key, hash: shortHash(binding.text) }
        on.set(`${dep.kind} ${dep.name}`, dep)
        for (const u of file.view.uses(binding.node)) use(file, u)
        return
      }
      const imp = file.view.imports().get(local)
      if (imp) importOf(file, imp.source, imp.imported)
    }
    const exported = (file: LoadedFile, exportedName: string): void => {
      const key = `${file.rel}#export ${exportedName}`
      if (seen.has(key)) return
      seen.add(key)
      const e = file.view.exports().get(exportedName)
      if (e && 'local' in e) return name(file, e.local)
      if (e) return importOf(file, e.source, e.imported)
      const stars = file.view.exportStars()
      if (stars.length === 0) { unseen.add(`${file.rel}#${exportedName} (not exported)`); return }
      for (const s of stars) importOf(file, s, exportedName)
    }
    const importOf = (file: LoadedFile, source: string, imported: string): void => {
      if (source === macro || source.startsWith(macro + '/')) return
      if (isRelative(source)) {
        const target = open(file, source)
        if (typeof target === 'string') { unseen.add(target); return }
        if (imported === '*') {
          const dep: Dependency = { kind: 'export', name: `${target.rel}#*`, hash: shortHash(target.code) }
          on.set(`${dep.kind} ${dep.name}`, dep)
          return
        }
        return exported(target, imported)
      }
      if (source.startsWith('node:') || BUILTINS.has(source)) return
      if (source.startsWith('/') || /^[A-Za-z]:[\\/]/.test(source)) { unseen.add(`import "${source}" (absolute path)`); return }
      const pkg = file.abs ? packageVersion(source, dirname(file.abs)) : null
      if (!pkg) { unseen.add(`import "${source}"`); return }
      on.set(`package ${pkg.name}`, { kind: 'package', name: pkg.name, hash: pkg.version })
    }

    // The wrap's own binding holds this very call: its options are not the function's behaviour.
    if (own !== null) seen.add(`${self.rel}#${own}`)
    for (const u of fn.uses) use(self, u)
    const order = { binding: 0, export: 1, package: 2 }
    return {
      text: shortHash(fn.text),
      on: [...on.values()].sort((a, b) => order[a.kind] - order[b.kind] || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)),
      unseen: [...unseen].sort(),
    }
  }
}
