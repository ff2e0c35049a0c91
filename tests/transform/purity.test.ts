// Build-time purity warnings (core/purity.ts) through both compilers: the same warnings, code frame
// included; `pure: true` silences one wrap, config `purity: false` all; no warning on anything that
// is pure; none on the existing fixtures and examples.
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { existsSync, readFileSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { ROOT, compile } from './compile.js'
import { expand } from '../../swc-plugin/index.js'

/** The warnings both compilers print for `code`, after checking that they agree. */
function warnings(code: string, rel = 'src/purity.ts', config?: Record<string, unknown>): string[] {
  const file = join(ROOT, rel)
  const swc: string[] = []
  const r = expand(code, { filename: file, ...config, onWarning: (m) => swc.push(m) })
  const babel: string[] = []
  const warn = console.warn
  console.warn = (m: string) => babel.push(m)
  let meta: any
  try { meta = compile(code, file, config ? { config } : {}).metadata } finally { console.warn = warn }
  assert.equal(swc, babel, 'the same printed warnings from SWC and Babel')
  assert.equal(JSON.parse(JSON.stringify(r?.fncache.warnings ?? [])), meta.fncache?.warnings ?? [], 'the same published warnings')
  return swc
}

const IMPURE = `import cached from 'fncache.macro'
let hits = 0
export function reset() { hits = 0 }
export const counted = cached((id: string) => id + hits)
export const stamped = cached(async (id: string) => ({ id, at: Date.now() }))
export const rolled = cached((n: number) => n * Math.random())
export const tokened = cached((id: string) => id + crypto.randomUUID())
export const dated = cached((id: string) => ({ id, when: new Date() }))
class Repo {
  prefix = 'r'
  get = cached((id: string) => this.prefix + id)
}
`

const w = suite('purity warnings')

w('each kind is a warning with a code frame, the same from both compilers', () => {
  const got = warnings(IMPURE)
  assert.is(got.length, 6)
  const [hits, now, random, uuid, date, self] = got
  assert.match(hits!, /src\/purity\.ts: \[W_PURITY\] src\/purity\.ts#counted reads hits, a module-level binding that is reassigned/)
  assert.match(hits!, /> 4 \| export const counted = cached\(\(id: string\) => id \+ hits\)\n\s+\|\s+\^\^\^\^/)
  assert.match(now!, /#stamped calls Date\.now\(\)/)
  assert.match(now!, /\^\^\^\^\^\^\^\^\^\^/)
  assert.match(random!, /#rolled calls Math\.random\(\)/)
  assert.match(uuid!, /#tokened calls crypto\.randomUUID\(\)/)
  assert.match(date!, /#dated calls new Date\(\)/)
  assert.match(self!, /#Repo\.prototype\.get uses `this`, which is not part of its key/)
  for (const m of got) assert.match(m, /\n {2}Try: .*pure: true/)
})

w('pure: true silences one wrap; config purity: false silences the file', () => {
  const marked = IMPURE.replace("id + hits)", "id + hits, { pure: true })")
  assert.is(warnings(marked).length, 5)
  assert.not.ok(warnings(marked).some((m) => m.includes('#counted')))
  assert.equal(warnings(IMPURE, 'src/purity.ts', { purity: false }), [])
})

w('no warning for what is pure', () => {
  assert.equal(warnings(`import cached from 'fncache.macro'
let configured = 1
const LIMIT = 10
const Math = { random: () => 4 }
export const a = cached((n: number) => n * LIMIT + configured + Math.random())
export const b = cached((ts: number) => new Date(ts).toISOString())
export const c = cached((f: () => number) => [Date.now, f])
export const d = cached(function (id: string) { return [1, 2].map(function () { return this }) })
export const e = cached(function (this: { id: string }, n: number) { return this.id + n }, { key: function (n: number) { return [this.id, n] } })
export const f = cached((n: number) => { let hits = 0; hits++; return n + hits })
let seen = 0
export const g = cached((n: number) => { seen++; return n * 2 })
`), [], 'a counter the function only increments is not read')
})

w('no warning on the transform fixtures and the examples', () => {
  const files: string[] = []
  const dir = join(ROOT, 'tests/fixtures/transform')
  for (const name of readdirSync(dir)) if (!name.startsWith('error-') && existsSync(join(dir, name, 'input.ts'))) files.push(join('tests/fixtures/transform', name, 'input.ts'))
  for (const ex of readdirSync(join(ROOT, 'examples'))) {
    for (const f of readdirSync(join(ROOT, 'examples', ex))) if (/\.tsx?$/.test(f)) files.push(join('examples', ex, f))
  }
  files.push('tests/fixtures/runtimes/app.ts')
  let checked = 0
  for (const rel of files) {
    const code = readFileSync(join(ROOT, rel), 'utf8')
    if (!/['"]fncache\.macro['"]/.test(code)) continue
    const configFile = join(ROOT, rel, '../config.json')
    const config = rel.startsWith('tests/fixtures/transform') && existsSync(configFile) ? JSON.parse(readFileSync(configFile, 'utf8')) : undefined
    assert.equal(warnings(code, rel, config), [], rel)
    checked++
  }
  assert.ok(checked > 40, `checked ${checked} files`)
})

w.run()
