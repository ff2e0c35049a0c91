// Dependency-aware versions on a 30-function project through both compilers: a scripted series of
// edits (helper, constant, relative import, re-export, dependency version, a cycle, own code, an
// unrelated export) changes exactly the versions of the functions that use the edited thing, the
// Babel and SWC builds agree at every step, and `fncache ids --diff` names each cause.
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync, symlinkSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { compile } from './compile.js'
import { expand } from '../../swc-plugin/index.js'
import { diff, type FunctionIdentity } from '../../cli/commands/ids.js'

const project = mkdtempSync(join(tmpdir(), 'fncache-deps-'))
process.on('exit', () => rmSync(project, { recursive: true, force: true }))
let clock = 1_700_000_000
/** Writes a file with a new mtime each time, so a same-size edit is seen as a change. */
const write = (rel: string, text: string) => {
  const file = join(project, rel)
  mkdirSync(join(file, '..'), { recursive: true })
  writeFileSync(file, text)
  clock += 10
  utimesSync(file, clock, clock)
}
const edit = (rel: string, from: string, to: string) => {
  const text = readFileSync(join(project, rel), 'utf8')
  assert.ok(text.includes(from), `${rel} contains ${from}`)
  write(rel, text.replace(from, to))
}
const selfContained = (prefix: string, from: number) =>
  Array.from({ length: 10 - from }, (_, i) => `export const ${prefix}${from + i} = cached(async (id: string) => id + '${prefix}${from + i}')\n`).join('')

write('package.json', '{ "name": "app", "private": true }\n')
write('node_modules/date-fns/package.json', '{ "name": "date-fns", "version": "3.6.0" }\n')
write('src/format.ts', `const pad = (s: string) => s.padStart(6, '0')
export const fmt = (u: { id: string }) => ({ ...u, label: 'User ' + pad(u.id) })
export function title(s: string) { return s.toUpperCase() }
export const unusedHelper = () => 42
`)
write('src/index.ts', `export { fmt as formatUser } from './format'\nexport * from './format'\n`)
write('src/users.ts', `import cached from 'fncache.macro'
import { fmt } from './format'
const PREFIX = 'user:'
function label(id: string) { return PREFIX + id }
const LIMIT = 10
export const u0 = cached(async (id: string) => fmt({ id }))
export const u1 = cached(async (id: string) => label(id))
export const u2 = cached(async (id: string) => PREFIX + id)
export const u3 = cached(async (n: number) => n * LIMIT)
${selfContained('u', 4)}`)
write('src/orders.ts', `import cached from 'fncache.macro'
import { format } from 'date-fns'
import { formatUser, title } from './index'
export const o0 = cached((d: number) => format(d, 'yyyy'))
export const o1 = cached((d: number) => format(d, 'MM'))
export const o2 = cached((s: string) => title(s))
export const o3 = cached((id: string) => formatUser({ id }))
${selfContained('o', 4)}`)
write('src/misc.ts', `import cached from 'fncache.macro'
function even(n: number): boolean { return n === 0 || odd(n - 1) }
function odd(n: number): boolean { return n !== 0 && even(n - 1) }
export const m0 = cached((n: number) => even(n))
export const m1 = cached((k: string) => process.env.HOME + k)
${selfContained('m', 2)}`)

const FILES = ['src/users.ts', 'src/orders.ts', 'src/misc.ts']

/** Every function's identity through SWC, after checking that Babel computes the same plans. */
function build(): FunctionIdentity[] {
  const out: FunctionIdentity[] = []
  for (const rel of FILES) {
    const file = join(project, rel)
    const code = readFileSync(file, 'utf8')
    const swc = expand(code, { filename: file })!.fncache
    const babel = (compile(code, file).metadata as { fncache: typeof swc }).fncache
    assert.equal(JSON.parse(JSON.stringify(swc)), JSON.parse(JSON.stringify(babel)), `Babel and SWC plans of ${rel}`)
    for (const p of swc.plans) out.push({ id: p.id.replace(/^src\/\w+\.ts#/, ''), version: p.version, file: rel, line: p.loc.line, column: p.loc.column, ...(p.deps ? { deps: p.deps } : {}) })
  }
  return out
}

const STEPS: { what: string; apply: () => void; changed: Record<string, string[]> }[] = [
  { what: 'helper label (same module)', apply: () => edit('src/users.ts', 'return PREFIX + id }', 'return PREFIX + id.trim() }'),
    changed: { u1: ['helper label changed'] } },
  { what: 'constant PREFIX (same module)', apply: () => edit('src/users.ts', "'user:'", "'member:'"),
    changed: { u1: ['helper PREFIX changed'], u2: ['helper PREFIX changed'] } },
  { what: 'pad in src/format.ts (relative import, through fmt and a re-export)', apply: () => edit('src/format.ts', 'padStart(6', 'padStart(8'),
    changed: { u0: ['src/format.ts#pad changed'], o3: ['src/format.ts#pad changed'] } },
  { what: 'date-fns 3.6.0 -> 4.1.0 (dependency version)', apply: () => write('node_modules/date-fns/package.json', '{ "name": "date-fns", "version": "4.1.0" }\n'),
    changed: { o0: ['dependency date-fns 3.6.0 -> 4.1.0'], o1: ['dependency date-fns 3.6.0 -> 4.1.0'] } },
  { what: 'title in src/format.ts (reached through export *)', apply: () => edit('src/format.ts', 'toUpperCase()', 'toLocaleUpperCase()'),
    changed: { o2: ['src/format.ts#title changed'] } },
  { what: 'unusedHelper in src/format.ts (used by no cached function)', apply: () => edit('src/format.ts', '=> 42', '=> 43'), changed: {} },
  { what: 'odd (a cycle even <-> odd)', apply: () => edit('src/misc.ts', 'n !== 0 &&', 'n > 0 &&'),
    changed: { m0: ['helper odd changed'] } },
  { what: 'u5 own text', apply: () => edit('src/users.ts', "id + 'u5'", "id + 'u5!'"), changed: { u5: ['its own code changed'] } },
  { what: 'LIMIT (same module constant)', apply: () => edit('src/users.ts', 'LIMIT = 10', 'LIMIT = 20'), changed: { u3: ['helper LIMIT changed'] } },
]

const series = suite('a scripted series of edits on a 30-function project')

series('each edit changes exactly the versions of the functions that use it, with its cause; Babel and SWC agree', () => {
  let before = build()
  assert.is(before.length, 30)
  assert.is(new Set(before.map((f) => f.version)).size, 30, 'thirty distinct versions')
  assert.equal(before.find((f) => f.id === 'm1')!.deps!.unseen, ['process.env.HOME'])
  const rows: string[] = []
  for (const step of STEPS) {
    step.apply()
    const now = build()
    const d = diff(new Map(before.map((f) => [f.id, { version: f.version, ...(f.deps ? { deps: f.deps } : {}) }])), now)
    const got = Object.fromEntries(d.changed.map((c) => [c.id, c.causes]))
    assert.equal(got, step.changed, step.what)
    assert.is(d.unchanged, 30 - Object.keys(step.changed).length)
    rows.push(`| ${step.what} | ${Object.entries(got).map(([id, c]) => `${id}: ${c.join('; ')}`).join(', ') || '(none)'} | ${d.unchanged} |`)
    before = now
  }
  if (process.env.FNCACHE_PRINT_TABLE) console.log(['| edit | changed: cause | unchanged |', '| --- | --- | --- |', ...rows].join('\n'))
})

series('files outside the project root and symbolic links are never read; they are listed as unseen', () => {
  const outside = mkdtempSync(join(tmpdir(), 'fncache-outside-'))
  try {
    writeFileSync(join(outside, 'secret.ts'), 'export const secret = 1\n')
    symlinkSync(join(outside, 'secret.ts'), join(project, 'src/link.ts'))
    write('src/escape.ts', `import cached from 'fncache.macro'
import { secret } from '${join(outside, 'secret')}'
import { secret as viaLink } from './link'
import { x } from '../../../../../../../../../../../etc/passwd'
export const e0 = cached(() => secret + viaLink + x)
export const e1 = cached(async (p: string) => (await import(p)).default)
`)
    const file = join(project, 'src/escape.ts')
    const code = readFileSync(file, 'utf8')
    const plans = expand(code, { filename: file })!.fncache.plans
    assert.equal((compile(code, file).metadata as any).fncache.plans, JSON.parse(JSON.stringify(plans)))
    assert.equal(plans[0]!.deps!.unseen, [
      'import "../../../../../../../../../../../etc/passwd" (outside the project root)',
      'import "./link" (a symbolic link)',
      `import "${join(outside, 'secret')}" (absolute path)`,
    ])
    assert.equal(plans[0]!.deps!.on, [])
    assert.equal(plans[1]!.deps!.unseen, ['import(<expression>)'])
  } finally {
    rmSync(outside, { recursive: true, force: true })
    rmSync(join(project, 'src/link.ts'), { force: true })
    rmSync(join(project, 'src/escape.ts'), { force: true })
  }
})

series("version: 'function' ignores what the function uses; 'module' follows the whole file", () => {
  const file = join(project, 'src/users.ts')
  const code = readFileSync(file, 'utf8')
  const fnMode = expand(code, { filename: file, version: 'function' })!.fncache.plans
  assert.ok(fnMode.every((p) => p.deps === undefined))
  const u1 = fnMode.find((p) => p.id.endsWith('#u1'))!
  assert.is.not(u1.version, expand(code, { filename: file })!.fncache.plans.find((p) => p.id.endsWith('#u1'))!.version)
  // A function that uses nothing has the same version in 'deps' and 'function' modes.
  const u4 = (mode?: string) => expand(code, { filename: file, ...(mode ? { version: mode } : {}) })!.fncache.plans.find((p) => p.id.endsWith('#u4'))!.version
  assert.is(u4('function'), u4())
  const mod = expand(code, { filename: file, version: 'module' })!.fncache.plans
  assert.is(new Set(mod.map((p) => p.version)).size, 1)
})

series.run()
