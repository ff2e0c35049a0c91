// `fncache ids <files or globs>`: the cached functions the SWC transform finds, with the id and
// version the build gives them (same expand() the build runs, same config files). With
// `--diff old.json` (the output of an earlier `ids --json`): which functions a deploy starts afresh.

import { readFileSync } from 'node:fs'
import { relative } from 'node:path'
import type { Context } from '../context.js'
import { CliError, EXIT, usage } from '../errors.js'
import { expandPatterns } from '../glob.js'
import { table } from '../output.js'

export interface FunctionIdentity { id: string; version: string; file: string; line: number; column: number }
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
      const r = expand(code, { filename: abs, ...(o.root ? { root: o.root } : {}), ...(version ? { version } : {}) })
      for (const p of r?.fncache.plans ?? []) functions.push({ id: p.id, version: p.version, file, line: p.loc.line, column: p.loc.column })
    } catch (e) {
      failures.push({ file, message: (e as Error).message })
    }
  }
  ctx.progress.done()
  return { functions, failures }
}

interface Diff {
  changed: { id: string; from: string; to: string }[]
  added: { id: string; version: string }[]
  removed: { id: string; version: string }[]
  unchanged: number
}

/** Reads `{ functions: [{ id, version }] }`, a bare array of those, or `{ "<id>": "<version>" }`. */
function readOld(path: string): Map<string, string> {
  let data: unknown
  try {
    data = JSON.parse(readFileSync(path, 'utf8'))
  } catch (e) {
    throw new CliError('E_DIFF_INPUT', `--diff ${JSON.stringify(path)} is not readable JSON: ${(e as Error).message}.`, EXIT.SOURCE, 'fncache ids "src/**/*.ts" --json > old.json')
  }
  const list = Array.isArray(data) ? data : (data as { functions?: unknown })?.functions
  const m = new Map<string, string>()
  if (Array.isArray(list)) {
    for (const f of list) {
      if (f && typeof f.id === 'string' && typeof f.version === 'string') m.set(f.id, f.version)
      else throw new CliError('E_DIFF_INPUT', `--diff ${JSON.stringify(path)}: every function needs a string id and version.`, EXIT.SOURCE)
    }
  } else if (data && typeof data === 'object') {
    for (const [id, v] of Object.entries(data)) {
      if (typeof v !== 'string') throw new CliError('E_DIFF_INPUT', `--diff ${JSON.stringify(path)}: expected the output of \`fncache ids --json\`.`, EXIT.SOURCE)
      m.set(id, v)
    }
  }
  return m
}

export function diff(old: Map<string, string>, now: FunctionIdentity[]): Diff {
  const d: Diff = { changed: [], added: [], removed: [], unchanged: 0 }
  const seen = new Set<string>()
  for (const f of now) {
    seen.add(f.id)
    const before = old.get(f.id)
    if (before === undefined) d.added.push({ id: f.id, version: f.version })
    else if (before !== f.version) d.changed.push({ id: f.id, from: before, to: f.version })
    else d.unchanged++
  }
  for (const [id, version] of old) if (!seen.has(id)) d.removed.push({ id, version })
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
      ...d.changed.map((c) => ['changed', c.id, `${c.from} -> ${c.to}`]),
      ...d.removed.map((c) => ['removed', c.id, c.version]),
      ...d.added.map((c) => ['added', c.id, c.version]),
    ]
    if (rows.length) ctx.out(table(['', 'ID', 'VERSION'], rows) + '\n')
    ctx.out(`${d.changed.length} start afresh (code changed), ${d.removed.length} removed, ${d.added.length} new, ${d.unchanged} keep their entries`)
  }
  if (failed) return failed
  return o.exitCode && (d.changed.length > 0 || d.removed.length > 0) ? EXIT.CHANGED : 0
}
