// `fncache ids` as a child process on a small project: the ids and versions equal what the Babel
// macro build computes; --diff names the functions a deploy starts afresh; errors are exit 5.
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { compile } from '../transform/compile.js'
import { fncache } from './run.js'

const project = mkdtempSync(join(tmpdir(), 'fncache-ids-'))
process.on('exit', () => rmSync(project, { recursive: true, force: true }))
const write = (rel: string, text: string) => { mkdirSync(join(project, rel, '..'), { recursive: true }); writeFileSync(join(project, rel), text) }

write('package.json', '{ "name": "app", "private": true }\n')
write('src/users.ts', `import cached from 'fncache.macro'
export const getUser = cached(async function getUser(id: string) { return { id } }, { ttl: '5m' })
export const listUsers = cached(async (page: number) => [page])
`)
write('src/posts/index.ts', `import cached from 'fncache.macro'
export const getPost = cached((id: number) => ({ id }), { tags: ['post:{id}'] })
`)
write('src/plain.ts', 'export const x = 1\n')
write('node_modules/dep/index.ts', `import cached from 'fncache.macro'\nexport const skipped = cached(() => 1)\n`)

/** What the Babel build computes for a file: the plans babel-plugin-macros publishes. */
function babelIds(rel: string): [string, string][] {
  const r = compile(readFileSync(join(project, rel), 'utf8'), join(project, rel))
  const plans = (r.metadata as { fncache?: { plans: { id: string; version: string }[] } }).fncache?.plans ?? []
  return plans.map((p) => [p.id, p.version])
}

// ---

const ids = suite('ids')

ids('lists the cached functions of files, directories and globs with the ids and versions the Babel build computes', async () => {
  const r = await fncache(['ids', 'src', '--json'], { cwd: project })
  assert.is(r.code, 0, r.stderr)
  const got = r.json().functions.map((f: any) => [f.id, f.version])
  assert.equal(got.sort(), [...babelIds('src/users.ts'), ...babelIds('src/posts/index.ts')].sort())
  assert.equal(got.map((g: any) => g[0]).sort(), ['src/posts/index.ts#getPost', 'src/users.ts#getUser', 'src/users.ts#listUsers'])
  const glob = (await fncache(['ids', 'src/**/*.ts', '--json'], { cwd: project })).json()
  assert.is(glob.functions.length, 3)
  assert.is(glob.files, 3)
  const one = (await fncache(['ids', 'src/{users,nothing}.ts', '--json'], { cwd: project })).json()
  assert.equal(one.functions.map((f: any) => f.id), ['src/users.ts#getUser', 'src/users.ts#listUsers'])
  const human = await fncache(['ids', 'src'], { cwd: project })
  assert.match(human.stdout, /^ID\s+VERSION\s+WHERE$/m)
  assert.match(human.stdout, /^src\/users\.ts#getUser\s+[0-9a-f]{8}\s+src\/users\.ts:2$/m)
  assert.match(human.stdout, /3 cached functions in 3 files/)
})

ids('--diff old.json: which functions a deploy starts afresh; --exit-code makes that exit 6', async () => {
  writeFileSync(join(project, 'old.json'), (await fncache(['ids', 'src', '--json'], { cwd: project })).stdout)
  const same = await fncache(['ids', 'src', '--diff', 'old.json', '--exit-code'], { cwd: project })
  assert.is(same.code, 0, same.stderr)
  assert.match(same.stdout, /0 start afresh \(code or what it uses changed\), 0 removed, 0 new, 3 keep their entries/)
  // A deploy: getUser's body changes, listUsers is removed, a new function appears; getPost is untouched.
  write('src/users.ts', `import cached from 'fncache.macro'
export const getUser = cached(async function getUser(id: string) { return { id, v: 2 } }, { ttl: '5m' })
export const countUsers = cached(async () => 3)
`)
  const d = await fncache(['ids', 'src', '--diff', 'old.json', '--json'], { cwd: project })
  assert.is(d.code, 0)
  const j = d.json()
  assert.equal(j.changed.map((c: any) => c.id), ['src/users.ts#getUser'])
  assert.is.not(j.changed[0].from, j.changed[0].to)
  assert.equal(j.removed.map((c: any) => c.id), ['src/users.ts#listUsers'])
  assert.equal(j.added.map((c: any) => c.id), ['src/users.ts#countUsers'])
  assert.is(j.unchanged, 1)
  const strict = await fncache(['ids', 'src', '--diff', 'old.json', '--exit-code'], { cwd: project })
  assert.is(strict.code, 6)
  assert.match(strict.stdout, /^changed\s+src\/users\.ts#getUser\s+[0-9a-f]{8} -> [0-9a-f]{8}\s+its own code changed$/m)
  assert.equal(j.changed[0].causes, ['its own code changed'])
})

ids('a file that does not compile is reported and exits 5; other files are still listed', async () => {
  write('src/bad.ts', `import cached from 'fncache.macro'\nexport const bad = cached(42)\n`)
  try {
    const r = await fncache(['ids', 'src', '--json'], { cwd: project })
    assert.is(r.code, 5)
    assert.match(r.stderr, /src\/bad\.ts: .*\[E_MACRO_NOT_A_FUNCTION\]/)
    assert.ok(r.json().functions.length >= 2)
  } finally {
    rmSync(join(project, 'src/bad.ts'))
  }
})

ids('no match, no argument, unreadable --diff: exits 5 and 2', async () => {
  assert.is((await fncache(['ids', 'nothing/**/*.ts'], { cwd: project })).code, 5)
  assert.is((await fncache(['ids'], { cwd: project })).code, 2)
  writeFileSync(join(project, 'broken.json'), '{ nope')
  const r = await fncache(['ids', 'src', '--diff', 'broken.json'], { cwd: project })
  assert.is(r.code, 5)
  assert.match(r.stderr, /E_DIFF_INPUT/)
})

ids.run()
