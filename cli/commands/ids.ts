// `fncache ids <files or globs>`: the cached functions the SWC transform finds, with the id and
// version the build gives them (same expand() the build runs, same config files). With
// `--diff old.json` (the output of an earlier `ids --json`): which functions a deploy starts afresh.

import { readFileSync } from 'node:fs'
import { relative } from 'node:path'
import type { Context } from '../context.js'
import { CliError, EXIT, usage } from '../errors.js'
import { expandPatterns } from '../glob.js'
import { table } from '../output.js'
import type { Dependencies } from '../../core/types.js'

/** One function of the manifest (`ids --json`); `deps`: what its version covers (version `'deps'`), when it uses anything. */
export interface FunctionIdentity { id: string; version: string; file: string; line: number; column: number; deps?: Dependencies }
interface Failure { file: string; message: string }

async function loadExpand() {
  try {
    return (await import('../../swc-plugin/index.js')).expand
  } catch (e) {
    throw new CliError('E_MISSING_PEER', `ids needs @swc/core to parse sources (${(e as Error).message.split('\n')[0]}).`, EXIT.USAGE, 'npm install -D @swc/core')
  }
}

/** Every wrap in `files`, in file order, and the files that failed to compile. */
export async function collect(files: string[], ctx: Context): Promise<{ functions: FunctionIdentity[]; failures: Failure[] }> {
  const expand = await loadExpand()
  const o = ctx.options
  const functions: FunctionIdentity[] = []
  const failures: Failure[] = []
  const version = o.versionScope === undefined ? undefined : o.versionScope
  let i = 0
  for (const abs of files) {
    ctx.progress.update(`parsed ${++i}/${files.length} files...`)
    const file = relative(process.cwd(), abs) || abs
    let code: string
    try { code = readFileSync(abs, 'utf8') } catch (e) { failures.push({ file, message: (e as Error).message }); continue }
    try {
      // Purity warnings belong to the build; `ids` lists identities only.
      const r = expand(code, { filename: abs, onWarning: () => {}, ...(o.root ? { root: o.root } : {}), ...(version ? { version } : {}) })
      for (const p of r?.fncache.plans ?? []) {
        const f: FunctionIdentity = { id: p.id, version: p.version, file, line: p.loc.line, column: p.loc.column }
        if (p.deps) f.deps = p.deps
        functions.push(f)
      }
    } catch (e) {
      failures.push({ file, message: (e as Error).message })
    }
  }
  ctx.progress.done()
  return { functions, failures }
}

interface Diff {
  /** `causes`: why, from the two manifests' dependency records; `unseen`: what the version cannot see. */
  changed: { id: string; from: string; to: string; causes: string[]; unseen: string[] }[]
  added: { id: string; version: string }[]
  removed: { id: string; version: string }[]
  unchanged: number
}

interface OldEntry { version: string; deps?: Dependencies }

const isDeps = (d: unknown): d is Dependencies => {
  const x = d as Dependencies
  return !!x && typeof x.text === 'string' && Array.isArray(x.on) && Array.isArray(x.unseen)
    && x.on.every((e) => e && typeof e.name === 'string' && typeof e.hash === 'string' && ['binding', 'export', 'package'].includes(e.kind))
    && x.unseen.every((u) => typeof u === 'string')
}

/** Reads `{ functions: [{ id, version, deps? }] }`, a bare array of those, or `{ "<id>": "<version>" }`. */
function readOld(path: string): Map<string, OldEntry> {
  let data: unknown
  try {
    data = JSON.parse(readFileSync(path, 'utf8'))
  } catch (e) {
    throw new CliError('E_DIFF_INPUT', `--diff ${JSON.stringify(path)} is not readable JSON: ${(e as Error).message}.`, EXIT.SOURCE, 'fncache ids "src/**/*.ts" --json > old.json')
  }
  const list = Array.isArray(data) ? data : (data as { functions?: unknown })?.functions
  const m = new Map<string, OldEntry>()
  if (Array.isArray(list)) {
    for (const f of list) {
      // A malformed dependency record is ignored (the diff then gives no cause), never trusted.
      if (f && typeof f.id === 'string' && typeof f.version === 'string') m.set(f.id, isDeps(f.deps) ? { version: f.version, deps: f.deps } : { version: f.version })
      else throw new CliError('E_DIFF_INPUT', `--diff ${JSON.stringify(path)}: every function needs a string id and version.`, EXIT.SOURCE)
    }
  } else if (data && typeof data === 'object') {
    for (const [id, v] of Object.entries(data)) {
      if (typeof v !== 'string') throw new CliError('E_DIFF_INPUT', `--diff ${JSON.stringify(path)}: expected the output of \`fncache ids --json\`.`, EXIT.SOURCE)
      m.set(id, { version: v })
    }
  }
  return m
}

const what = (d: Dependencies['on'][number]) => (d.kind === 'binding' ? `helper ${d.name}` : d.kind === 'export' ? d.name : `dependency ${d.name}`)

/**
 * Why a version changed, in words (a function without a record used nothing: its version is its
 * text's hash): `helper fmt changed`, `src/format.ts#fmt changed`, `dependency date-fns 3.6.0 -> 4.1.0`. */
export function causes(before: Dependencies | undefined, now: Dependencies | undefined, from: string, to: string): string[] {
  const text = (d: Dependencies | undefined, version: string) => d?.text ?? (d === undefined ? version : '')
  const out: string[] = []
  if (text(before, from) !== text(now, to)) out.push('its own code changed')
  const old = new Map((before?.on ?? []).map((d) => [`${d.kind} ${d.name}`, d]))
  for (const d of now?.on ?? []) {
    const o = old.get(`${d.kind} ${d.name}`)
    old.delete(`${d.kind} ${d.name}`)
    if (!o) out.push(`now uses ${what(d)}`)
    else if (o.hash !== d.hash) out.push(d.kind === 'package' ? `dependency ${d.name} ${o.hash} -> ${d.hash}` : `${what(d)} changed`)
  }
  for (const o of old.values()) out.push(`no longer uses ${what(o)}`)
  return out.length ? out : ['the version mode or an option changed']
}

export function diff(old: Map<string, OldEntry | string>, now: FunctionIdentity[]): Diff {
  const d: Diff = { changed: [], added: [], removed: [], unchanged: 0 }
  const seen = new Set<string>()
  for (const f of now) {
    seen.add(f.id)
    const raw = old.get(f.id)
    const before = typeof raw === 'string' ? { version: raw } : raw
    if (before === undefined) d.added.push({ id: f.id, version: f.version })
    else if (before.version !== f.version) d.changed.push({ id: f.id, from: before.version, to: f.version, causes: causes(before.deps, f.deps, before.version, f.version), unseen: f.deps?.unseen ?? [] })
    else d.unchanged++
  }
  for (const [id, raw] of old) if (!seen.has(id)) d.removed.push({ id, version: typeof raw === 'string' ? raw : raw.version })
  return d
}

export async function ids(ctx: Context): Promise<number> {
  const o = ctx.options
  if (ctx.positionals.length === 0) throw usage('ids needs files, directories or globs.', 'fncache ids "src/**/*.ts"')
  const { files, unmatched } = expandPatterns(ctx.positionals)
  if (files.length === 0) throw new CliError('E_NO_FILES', `no source file matches ${ctx.positionals.map((p) => JSON.stringify(p)).join(', ')}.`, EXIT.SOURCE)
  const old = o.diff !== undefined ? readOld(o.diff) : undefined
  const { functions, failures } = await collect(files, ctx)
  for (const f of failures) process.stderr.write(`${f.file}: ${f.message}\n`)
  for (const p of unmatched) process.stderr.write(`fncache: nothing matches ${JSON.stringify(p)}\n`)
  const failed = failures.length > 0 ? EXIT.SOURCE : 0

  if (old === undefined) {
    if (o.json) ctx.out(JSON.stringify({ files: files.length, functions, failures }, null, 2))
    else if (functions.length === 0) ctx.out(`no cached functions in ${files.length} files`)
    else {
      ctx.out(table(['ID', 'VERSION', 'WHERE'], functions.map((f) => [f.id, f.version, `${f.file}:${f.line}`])))
      ctx.out(`\n${functions.length} cached functions in ${files.length} files`)
    }
    return failed
  }

  const d = diff(old, functions)
  if (o.json) ctx.out(JSON.stringify({ ...d, failures }, null, 2))
  else {
    const rows: string[][] = [
      ...d.changed.map((c) => ['changed', c.id, `${c.from} -> ${c.to}`, c.causes.join('; ')]),
      ...d.removed.map((c) => ['removed', c.id, c.version, '']),
      ...d.added.map((c) => ['added', c.id, c.version, '']),
    ]
    if (rows.length) ctx.out(table(['', 'ID', 'VERSION', 'WHY'], rows) + '\n')
    // What a version cannot see can change without a new version: said for every function.
    const blind = functions.filter((f) => f.deps?.unseen.length)
    if (blind.length) {
      ctx.out(table(['CANNOT SEE', 'ID'], blind.map((f) => [f.deps!.unseen.join(', '), f.id])) + '\n')
    }
    ctx.out(`${d.changed.length} start afresh (code or what it uses changed), ${d.removed.length} removed, ${d.added.length} new, ${d.unchanged} keep their entries`)
  }
  if (failed) return failed
  return o.exitCode && (d.changed.length > 0 || d.removed.length > 0) ? EXIT.CHANGED : 0
}
