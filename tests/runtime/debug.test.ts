import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { spawnSync } from 'node:child_process'
import { debugEnabledFor } from '../../runtime/debug.js'

const flags = suite('NODE_DEBUG flags')
flags('turn logging on for fncache, wildcards and lists, and not for other names', () => {
  for (const on of ['fncache', 'FNCACHE', 'fnc*', '*', 'http,fncache', 'net fncache']) assert.ok(debugEnabledFor(on), on)
  for (const off of ['', 'http', 'fncache2', 'cache']) assert.not.ok(debugEnabledFor(off), off)
})
flags.run()

// ---

const SCRIPT = `
import { cached, invalidateTags } from './runtime/index.ts'
const f = cached((id) => ({ id }), { id: 'src/u.ts#getUser', tags: ['user:{id}'] })
f('42'); f('42')
f('x'.repeat(200))
await invalidateTags(['user:42'])
`

const run = (env: Record<string, string>) => spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', SCRIPT], {
  env: { ...process.env, ...env }, encoding: 'utf8',
})

const log = suite('debug log')
log('logs misses, stores, hits and invalidations, with short keys only', () => {
  const r = run({ NODE_DEBUG: 'fncache' })
  assert.is(r.status, 0, r.stderr)
  const lines = r.stderr.split('\n').filter((l) => l.startsWith('FNCACHE '))
  const events = lines.map((l) => l.replace(/^FNCACHE \d+: /, ''))
  assert.equal(events.slice(0, 3), [
    'miss src/u.ts#getUser src/u.ts#getUser:"42"',
    'store src/u.ts#getUser src/u.ts#getUser:"42"',
    'hit src/u.ts#getUser src/u.ts#getUser:"42"',
  ])
  assert.ok(events.includes('miss src/u.ts#getUser (a key of 219 chars)'), events.join('\n'))
  assert.ok(events.includes('invalidate tags user:42'), events.join('\n'))
})
log('is silent without NODE_DEBUG', () => {
  const r = run({ NODE_DEBUG: '' })
  assert.is(r.status, 0, r.stderr)
  assert.not.match(r.stderr, 'FNCACHE')
})
log.run()
