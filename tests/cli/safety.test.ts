// The CLI facing mistakes and hostile input: a password in a URL is never printed (text, --json,
// FNCACHE_REDIS_URL), an invalidation that matches everything needs --yes, no command creates a
// cache layout in a directory that has none, bad input exits 2, and planted FIFOs and links in the
// directory neither hang a listing nor are followed.
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { execFileSync } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { file } from '../../runtime/backends/file/index.js'
import { Layout } from '../../runtime/backends/file/layout.js'
import { redact } from '../../cli/errors.js'
import { fncache } from './run.js'

const dirs: string[] = []
process.on('exit', () => { for (const d of dirs) rmSync(d, { recursive: true, force: true }) })
const tempDir = () => { const d = mkdtempSync(join(tmpdir(), 'fncache-cli-safety-')); dirs.push(d); return d }
const SECRET = 's3cr3t-Pa55'

const safety = suite('cli safety')

safety('redact(): the password of every URL in a text, with or without a user', () => {
  assert.is(redact(`redis://app:${SECRET}@h:6379/0 and rediss://:${SECRET}@h2 and redis://h3`), 'redis://app:***@h:6379/0 and rediss://:***@h2 and redis://h3')
  assert.is(redact(`"redis://${SECRET}@h"`), '"redis://***@h"')
  assert.is(redact('no url here'), 'no url here')
})

safety('a password in --redis or FNCACHE_REDIS_URL never reaches stderr or --json output', async () => {
  const bad = [
    ['stats', '--redis', `redis://app:${SECRET}@host:6379/not-a-db`],
    ['ls', '--redis', `redis://:${SECRET}@`, '--json'],
    ['stats', '--redis', `redis://app:${SECRET}@127.0.0.1:1`, '--timeout', '300', '--json'],
  ]
  for (const args of bad) {
    const r = await fncache(args)
    assert.is(r.code, 3, `${r.stdout}${r.stderr}`)
    assert.not.ok((r.stdout + r.stderr).includes(SECRET), `${r.stdout}${r.stderr}`)
    assert.match(r.stdout + r.stderr, /E_BAD_URL|E_UNREACHABLE/)
  }
  const env = await fncache(['stats', '--json'], { env: { FNCACHE_REDIS_URL: `redis://app:${SECRET}@host/x` } })
  assert.is(env.code, 3)
  assert.match(env.json().error.message, /FNCACHE_REDIS_URL: the database in "redis:\/\/app:\*\*\*@host\/x"/)
  assert.not.ok((env.stdout + env.stderr).includes(SECRET))
})

safety('an option another command reads is refused, not ignored: clear --soft exits 2 and removes nothing', async () => {
  const dir = tempDir()
  const b = file({ dir, pruneInterval: 0 })
  b.setSync('src/a.ts#f:1', new Uint8Array([1]))
  await b.close()
  const r = await fncache(['clear', '--dir', dir, '--yes', '--soft'])
  assert.is(r.code, 2)
  assert.match(r.stderr, /--soft is an option of invalidate; clear does not read it/)
  assert.match(r.stderr, /Try: fncache invalidate --help/)
  const b2 = file({ dir, pruneInterval: 0, memoryEntries: 0 })
  assert.ok(b2.getSync('src/a.ts#f:1') !== undefined, 'nothing removed')
  await b2.close()
  const stats = await fncache(['stats', '--dir', dir, '--tag', 'user:1'])
  assert.is(stats.code, 2)
  assert.match(stats.stderr, /--tag is an option of invalidate; stats does not read it/)
})

safety("--prefix '' needs --yes (exit 2 with the clear hint); a glob character in --namespace exits 2", async () => {
  const dir = tempDir()
  const b = file({ dir, pruneInterval: 0 })
  for (let i = 0; i < 3; i++) b.setSync(`src/a.ts#f:${i}`, new Uint8Array([i]))
  await b.close()
  const r = await fncache(['invalidate', '--dir', dir, '--prefix', ''])
  assert.is(r.code, 2)
  assert.match(r.stderr, /--prefix '' matches every entry; confirm with --yes/)
  assert.match(r.stderr, /Try: fncache clear/)
  const b2 = file({ dir, pruneInterval: 0, memoryEntries: 0 })
  assert.ok(b2.getSync('src/a.ts#f:1') !== undefined, 'nothing removed')
  const yes = await fncache(['invalidate', '--dir', dir, '--prefix', '', '--yes', '--json'])
  assert.is(yes.code, 0, yes.stderr)
  assert.is(yes.json().removed.prefixes, 3)
  assert.is(b2.getSync('src/a.ts#f:1'), undefined)
  await b2.close()
  const ns = await fncache(['stats', '--redis', 'redis://127.0.0.1:1', '--namespace', 'app*'])
  assert.is(ns.code, 2)
  assert.match(ns.stderr, /\[E_USAGE\] --namespace must not contain glob characters/)
})

safety('invalidate, clear, stats and ls create nothing in a directory that is not a cache', async () => {
  const dir = tempDir()
  writeFileSync(join(dir, 'keep.txt'), 'x')
  for (const args of [['invalidate', '--tag', 't'], ['invalidate', '--prefix', 'p'], ['clear', '--yes'], ['stats'], ['ls']]) {
    const r = await fncache([...args, '--dir', dir])
    assert.is(r.code, 0, `${args.join(' ')}: ${r.stderr}`)
  }
  assert.equal(readdirSync(dir), ['keep.txt'])
})

safety('ls and stats skip FIFOs, links and foreign names planted in the directory (no hang, nothing followed)', async () => {
  const dir = tempDir()
  const outside = tempDir()
  const b = file({ dir, pruneInterval: 0 })
  b.setSync('src/a.ts#f:1', new Uint8Array([1]))
  b.setSync('src/a.ts#f:2', new Uint8Array([2]))
  await b.close()
  const l = new Layout(dir)
  const loc = l.locate('src/a.ts#f:1')
  rmSync(loc.path)
  execFileSync('mkfifo', [loc.path])
  rmSync(join(loc.groupDir, '.name'))
  execFileSync('mkfifo', [join(loc.groupDir, '.name')])
  symlinkSync('/dev/zero', join(loc.groupDir, 'ffffffffffffffffffffffffffffffff'))
  mkdirSync(join(outside, 'g'))
  writeFileSync(join(outside, 'g', '0123456789abcdef0123456789abcdef'), 'not ours')
  symlinkSync(join(outside, 'g'), join(l.groups, 'abababababababababababababababab'))
  const r = await fncache(['ls', '--dir', dir, '--prefix', 'src/a.ts#f:', '--json'])
  assert.is(r.code, 0, r.stderr)
  const keys = r.json().entries.map((e: { key: string }) => e.key)
  assert.ok(keys.includes('src/a.ts#f:2'), JSON.stringify(keys))
  assert.not.ok(keys.some((k: string) => k.includes('0123456789abcdef')), 'the linked group was not listed')
  assert.ok(existsSync(join(outside, 'g', '0123456789abcdef0123456789abcdef')))
})

safety.run()
