// The fncache CLI as a child process against a real file-backend directory filled by the runtime.
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { file } from '../../runtime/backends/file/index.js'
import { fncache } from './run.js'
import { calls, checkUserTimes, fill, seconds, USER_TTL_MS } from './fill.js'

const dirs: string[] = []
process.on('exit', () => { for (const d of dirs) rmSync(d, { recursive: true, force: true }) })
const tempDir = () => { const d = mkdtempSync(join(tmpdir(), 'fncache-cli-')); dirs.push(d); return d }

// ---

const usage = suite('usage and errors')

usage('no command prints the help and exits 2; --help exits 0', async () => {
  const none = await fncache([])
  assert.is(none.code, 2)
  assert.match(none.stdout, /Exit codes/)
  assert.is((await fncache(['--help'])).code, 0)
})

usage('unknown command or option, no cache, both caches: exit 2 with a hint', async () => {
  const unknown = await fncache(['frob'])
  assert.is(unknown.code, 2)
  assert.match(unknown.stderr, /\[E_USAGE\] unknown command "frob"/)
  assert.is((await fncache(['stats', '--bogus'])).code, 2)
  const none = await fncache(['stats'])
  assert.is(none.code, 2)
  assert.match(none.stderr, /--dir <path>.*--redis <url>/)
  assert.is((await fncache(['stats', '--dir', '/tmp', '--redis', 'redis://x'])).code, 2)
  assert.is((await fncache(['ls', '--dir', '/tmp', '--limit', 'many'])).code, 2)
})

usage('a missing directory exits 3 with E_NO_DIRECTORY; --json puts the error on stdout', async () => {
  const r = await fncache(['stats', '--dir', '/nonexistent/fncache-cli'])
  assert.is(r.code, 3)
  assert.match(r.stderr, /\[E_NO_DIRECTORY\] --dir "\/nonexistent\/fncache-cli" does not exist/)
  const j = await fncache(['ls', '--dir', '/nonexistent/fncache-cli', '--json'])
  assert.equal(j.json().error.code, 'E_NO_DIRECTORY')
  assert.is(j.json().error.exitCode, 3)
  const f = join(tempDir(), 'plain-file')
  writeFileSync(f, 'x')
  assert.is((await fncache(['stats', '--dir', f])).code, 3)
})

usage.run()

// ---

const cli = suite('file backend')
cli.before(async (ctx) => {
  ctx.dir = tempDir()
  ctx.backend = file({ dir: ctx.dir, pruneInterval: 0 })
  ctx.fns = await fill(ctx.backend)
})
cli.after(async (ctx) => { await ctx.backend.close() })

cli('stats: entries, bytes and a row per function id', async ({ dir }) => {
  const r = await fncache(['stats', '--dir', dir])
  assert.is(r.code, 0, r.stderr)
  assert.match(r.stdout, /: 8 entries, [\d.]+ (B|KiB), 2 functions/)
  assert.match(r.stdout, /^FUNCTION\s+ENTRIES\s+BYTES\s+SHARE\s+VERSIONS$/m)
  assert.match(r.stdout, /^src\/users\.ts#getUser\s+5\s/m)
  assert.match(r.stdout, /^src\/posts\.ts#getPost\s+3\s/m)
  const j = (await fncache(['stats', '--dir', dir, '--json'])).json()
  assert.is(j.entries, 8)
  assert.equal(j.groups.map((g: any) => [g.functionId, g.entries]), [['src/users.ts#getUser', 5], ['src/posts.ts#getPost', 3]])
  assert.ok(j.bytes > 3 * 200)
  const byFile = (await fncache(['stats', '--dir', dir, '--by', 'file', '--json'])).json()
  assert.equal(byFile.groups.map((g: any) => g.file).sort(), ['src/posts.ts', 'src/users.ts'])
})

cli('ls: keys with age, TTL left and size; --prefix narrows; --json has the numbers', async ({ dir, fns }) => {
  const ran = { from: Date.now(), to: 0 }
  const j = (await fncache(['ls', '--dir', dir, '--prefix', 'src/users.ts#getUser:', '--json'])).json()
  ran.to = Date.now()
  assert.is(j.total, 5)
  const created = new Map<string, number>()
  for (const e of j.entries) {
    assert.ok(e.key.startsWith('src/users.ts#getUser:'))
    created.set(e.key, e.created)
    // Bounded by clock readings around the fill and the ls, not by a guess at how long they take.
    assert.is(checkUserTimes(e, fns.filled, ran), undefined)
    assert.ok(e.size > 0)
    assert.ok(e.tags.includes('users'))
  }
  const from = Date.now()
  const r = await fncache(['ls', '--dir', dir])
  const to = Date.now()
  assert.is(r.code, 0)
  assert.match(r.stdout, /^KEY\s+AGE\s+TTL\s+SIZE\s+VERSION$/m)
  // The AGE and TTL columns are the stored times seen at the CLI's clock reading, which lies in
  // [from, to]: each column is checked against the range that window allows, in whole seconds.
  const row = /^src\/users\.ts#getUser:"1"\s+(\S+)\s+(\S+)\s+\d+ B/m.exec(r.stdout)
  assert.ok(row, r.stdout)
  const c = created.get('src/users.ts#getUser:"1"')!
  const age = seconds(row![1]!)
  const ttl = seconds(row![2]!)
  assert.ok(age >= Math.floor((from - c) / 1000) && age <= Math.floor((to - c) / 1000), `age ${row![1]} for ${from - c}..${to - c} ms`)
  assert.ok(ttl >= Math.floor((USER_TTL_MS - (to - c)) / 1000) && ttl <= Math.floor((USER_TTL_MS - (from - c)) / 1000), `ttl ${row![2]} for ${from - c}..${to - c} ms`)
  assert.match(r.stdout, /^src\/posts\.ts#getPost:1\s+(\d+[hms])+\s+-\s/m) // no ttl: "-"
  const limited = await fncache(['ls', '--dir', dir, '--limit', '2'])
  assert.match(limited.stdout, /\.\.\. 6 more/)
})

cli('invalidate --tag: another process (this one) misses that entry next time', async ({ dir, fns }) => {
  const before = calls.user
  await fns.getUser('2')
  assert.is(calls.user, before, 'a hit before the CLI runs')
  const r = await fncache(['invalidate', '--dir', dir, '--tag', 'user:2', '--json'])
  assert.is(r.code, 0, r.stderr)
  assert.equal(r.json().removed, { tags: 1, prefixes: 0 })
  await fns.getUser('2')
  assert.is(calls.user, before + 1, 'a miss after')
  await fns.getUser('3')
  assert.is(calls.user, before + 1, 'other entries stay')
})

cli('invalidate --prefix, several at once; no --tag/--prefix is a usage error', async ({ dir }) => {
  const r = await fncache(['invalidate', '--dir', dir, '--prefix', 'src/posts.ts#getPost:1', '--prefix', 'src/posts.ts#getPost:2'])
  assert.is(r.code, 0, r.stderr)
  assert.match(r.stdout, /removed 2 entries \(0 by tag, 2 by prefix\)/)
  const j = (await fncache(['ls', '--dir', dir, '--prefix', 'src/posts.ts#', '--json'])).json()
  assert.equal(j.entries.map((e: any) => e.key), ['src/posts.ts#getPost:3'])
  assert.is((await fncache(['invalidate', '--dir', dir])).code, 2)
})

cli('a corrupt entry file is listed as unreadable, not a crash', async ({ dir }) => {
  const { readdirSync } = await import('node:fs')
  const g = join(dir, 'v1', 'g')
  const group = readdirSync(g)[0]!
  writeFileSync(join(g, group, 'f'.repeat(32)), 'not a record')
  const j = (await fncache(['ls', '--dir', dir, '--json'])).json()
  assert.ok(j.entries.some((e: any) => e.corrupt))
  const s = await fncache(['stats', '--dir', dir])
  assert.match(s.stdout, /\(unreadable\)/)
})

cli('a progress line on stderr for scans (forced with FNCACHE_PROGRESS=1); --no-progress silences it', async ({ dir }) => {
  const r = await fncache(['stats', '--dir', dir], { env: { FNCACHE_PROGRESS: '1' } })
  assert.match(r.stderr, /scanned \d+ entries/)
  const quiet = await fncache(['stats', '--dir', dir, '--no-progress'], { env: { FNCACHE_PROGRESS: '1' } })
  assert.is(quiet.stderr, '')
})

cli('clear needs --yes, then empties the directory', async ({ dir }) => {
  const refused = await fncache(['clear', '--dir', dir])
  assert.is(refused.code, 2)
  assert.match(refused.stderr, /--yes/)
  const r = await fncache(['clear', '--dir', dir, '--yes', '--json'])
  assert.equal(r.json().cleared, true)
  assert.is((await fncache(['stats', '--dir', dir, '--json'])).json().entries, 0)
})

cli.run()
