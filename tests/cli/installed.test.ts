// The CLI as installed without its optional peers: the package laid out as npm installs it
// (tests/helpers/package-layout.ts) in a folder outside this repository whose node_modules hold
// only the package's own dependencies, so ioredis cannot be resolved. File-backend commands must
// work; --redis must say which package to install (exit 2); the bin must run as npm runs it.
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { spawnSync } from 'node:child_process'
import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { file } from '../../runtime/backends/file/index.js'
import { ROOT, layOutPackage } from '../helpers/package-layout.js'
import { fill } from './fill.js'
// @ts-expect-error: a plain .mjs script without declarations
import { finishBuild } from '../../scripts/build-finish.mjs'

const BASE = mkdtempSync(join(tmpdir(), 'fncache-installed-'))
process.on('exit', () => rmSync(BASE, { recursive: true, force: true }))
const PKG = layOutPackage(BASE)
// The package's own runtime dependencies, as npm installs them with it; nothing else (no ioredis).
for (const dep of Object.keys(JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).dependencies as Record<string, string>)) {
  if (dep.includes('/')) spawnSync('mkdir', ['-p', join(BASE, 'node_modules', dep.split('/')[0]!)])
  symlinkSync(join(ROOT, 'node_modules', dep), join(BASE, 'node_modules', dep), 'dir')
}
const BIN = join(PKG, JSON.parse(readFileSync(join(PKG, 'package.json'), 'utf8')).bin.fncache)

const run = (command: string, args: string[], cwd = BASE) => spawnSync(command, args, {
  cwd, encoding: 'utf8', timeout: 60_000,
  env: { ...process.env, NODE_OPTIONS: '', FNCACHE_REDIS_URL: '', FNCACHE_PROGRESS: '', NO_COLOR: '1' },
})

const installed = suite('CLI installed without ioredis')

installed('the premise: ioredis cannot be resolved from the installed package', () => {
  assert.throws(() => createRequire(join(PKG, 'package.json')).resolve('ioredis'), /Cannot find module 'ioredis'/)
})

installed('stats, invalidate and clear --dir work without ioredis', async () => {
  const dir = mkdtempSync(join(BASE, 'cache-'))
  const backend = file({ dir })
  await fill(backend)
  await backend.close()
  const stats = run(process.execPath, [BIN, 'stats', '--dir', dir, '--json'])
  assert.is(stats.status, 0, stats.stderr)
  assert.not.match(stats.stderr, 'ioredis')
  const ids = JSON.stringify(JSON.parse(stats.stdout))
  assert.match(ids, 'src/users.ts#getUser')
  assert.match(ids, 'src/posts.ts#getPost')
  const inv = run(process.execPath, [BIN, 'invalidate', '--dir', dir, '--tag', 'users', '--json'])
  assert.is(inv.status, 0, inv.stderr)
  const clear = run(process.execPath, [BIN, 'clear', '--dir', dir, '--yes'])
  assert.is(clear.status, 0, clear.stderr)
})

installed('--redis without ioredis: exit 2, E_MISSING_PEER and the install command', () => {
  const r = run(process.execPath, [BIN, 'stats', '--redis', 'redis://127.0.0.1:6379'])
  assert.is(r.status, 2, r.stderr)
  assert.match(r.stderr, '[E_MISSING_PEER] --redis needs the ioredis package, which is not installed.')
  assert.match(r.stderr, 'Try: npm install ioredis')
})

installed('the build makes the bin executable, and `npx fncache` runs it inside the package', () => {
  // tsc writes files 0644 (esbuild, used by the layout, already marks hashbang files executable):
  // start from what tsc leaves, then apply the build's last step.
  chmodSync(BIN, 0o644)
  finishBuild(PKG)
  assert.is(statSync(BIN).mode & 0o111, 0o111)
  const direct = run(BIN, ['--help'])
  assert.is(direct.status, 0, direct.stderr)
  assert.match(direct.stdout, 'fncache <command> [options]')
  // --no-install: never reach for the registry (an unrelated package is named fncache there).
  const npx = run('npx', ['--no-install', 'fncache', '--help'], PKG)
  assert.is(npx.status, 0, npx.stderr)
  assert.match(npx.stdout, 'fncache <command> [options]')
})

installed.run()
