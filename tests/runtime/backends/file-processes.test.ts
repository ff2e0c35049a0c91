// The file backend across processes: 4 children hammering one directory, a writer killed with
// SIGKILL, and the runtime end to end with a second process reading what the first stored.
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { cached, configure, invalidatePrefix, invalidateTags } from '../../../runtime/index.js'
import { file } from '../../../runtime/backends/file/index.js'
import { fresh } from '../../helpers/runtime.js'

const fixture = (name: string) => fileURLToPath(new URL(`../../fixtures/file/${name}`, import.meta.url))
const tmp = () => mkdtempSync(join(tmpdir(), 'fncache-procs-'))

interface Child { lines: string[]; done: Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>; kill(sig: NodeJS.Signals): void; send(s: string): void; line(text: string): Promise<void> }

function child(script: string, args: string[]): Child {
  const p = spawn(process.execPath, ['--conditions=fncache-source', '--import', 'tsx', fixture(script), ...args], { stdio: ['pipe', 'pipe', 'pipe'] })
  const lines: string[] = []
  const waiters: [string, () => void][] = []
  let buf = ''
  let stderr = ''
  p.stdout.on('data', (d) => {
    buf += d
    for (let nl = buf.indexOf('\n'); nl >= 0; nl = buf.indexOf('\n')) {
      const l = buf.slice(0, nl)
      buf = buf.slice(nl + 1)
      lines.push(l)
      for (const w of waiters.filter(([t]) => t === l)) w[1]()
    }
  })
  p.stderr.on('data', (d) => { stderr += d })
  const done = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>((r) => p.on('close', (code, signal) => r({ code, signal, stderr })))
  return {
    lines, done,
    kill: (sig) => p.kill(sig),
    send: (s) => p.stdin.write(s),
    line: (text) => (lines.includes(text) ? Promise.resolve() : new Promise((r) => waiters.push([text, r]))),
  }
}

const last = (c: Child) => JSON.parse(c.lines[c.lines.length - 1]!)

// ---

const hammer = suite('file backend: 4 processes on one directory')

hammer('no corrupt read, no thrown error, no invalidation lost (checked by happens-before, not timing)', async () => {
  const dir = tmp()
  const log = join(dir, 'log')
  writeFileSync(log, '')
  try {
    const kids = [0, 1, 2, 3].map((i) => child('hammer.ts', [join(dir, 'cache'), log, '2500', String(i)]))
    await Promise.all(kids.map((k) => k.line('ready')))
    for (const k of kids) k.send('go\n')
    const ends = await Promise.all(kids.map((k) => k.done))
    const results = kids.map((k, i) => {
      assert.is(ends[i]!.code, 0, ends[i]!.stderr)
      return last(k)
    })
    for (const r of results) {
      assert.equal(r.errors, [], `child ${r.child} threw`)
      assert.equal(r.corrupt, [], `child ${r.child} read garbage`)
      assert.equal(r.violations, [], `child ${r.child} served an invalidated value`)
    }
    const sum = (f: string) => results.reduce((n, r) => n + r[f], 0)
    // The run did exercise what it claims to.
    assert.ok(sum('hits') > 100 && sum('sets') > 100 && sum('invalidations') > 20, JSON.stringify(results.map(({ gets, hits, sets, invalidations, deletes }) => ({ gets, hits, sets, invalidations, deletes }))))
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
})
hammer.run()

// ---

const kill = suite('file backend: SIGKILL mid-write')

kill('a writer killed mid-loop leaves each key old, new or missing, never garbage', async () => {
  const dir = tmp()
  try {
    const w = child('writer.ts', [dir])
    await w.line('ready')
    await new Promise((r) => setTimeout(r, 50 + Math.floor(Math.random() * 150)))
    w.kill('SIGKILL')
    const end = await w.done
    assert.is(end.signal, 'SIGKILL')
    const r = child('reader.ts', [dir])
    const e = await r.done
    assert.is(e.code, 0, e.stderr)
    const out = last(r)
    assert.equal(out.garbage, [])
    assert.is(out.corrupt, 0)
    assert.is(out.valid + out.misses, 40)
    assert.ok(out.valid >= 39, `the first round stored every key; at most the one being replaced may be missing (${out.valid} valid)`)
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
})
kill.run()

// ---

const e2e = suite('file backend through the runtime')
e2e.before.each(() => { fresh() })

e2e('sync and async functions, tags, prefix invalidation, and a second process reading what the first stored', async () => {
  const dir = tmp()
  try {
    const disk = file({ dir, pruneInterval: 0 })
    configure({ backends: { disk } })
    let calls = 0
    const square = cached((n: number) => { calls++; return { n, sq: n * n, from: 'parent' } }, { id: 'e2e.ts#square', backend: 'disk' })
    const user = cached(async (id: number) => { calls++; return { id, name: 'parent' } }, { id: 'e2e.ts#user', backend: 'disk', tags: ['user:{id}'] })
    assert.equal(square(3), { n: 3, sq: 9, from: 'parent' })
    assert.equal(square(3), { n: 3, sq: 9, from: 'parent' })
    assert.equal(await user(1), { id: 1, name: 'parent' })
    assert.equal(await user(1), { id: 1, name: 'parent' })
    await user(2)
    assert.is(calls, 3)
    assert.is(square.stats().hits, 1)

    const c = child('e2e-child.ts', [dir])
    const end = await c.done
    assert.is(end.code, 0, end.stderr)
    const other = last(c)
    assert.is(other.calls, 1, 'the child computed square(4) only')
    assert.equal(other.results, [{ n: 3, sq: 9, from: 'parent' }, { n: 4, sq: 16, from: 'child' }, { id: 1, name: 'parent' }, { id: 2, name: 'parent' }])

    // The child's square(4) is visible here; invalidations from here are visible to a new child.
    assert.equal(square(4), { n: 4, sq: 16, from: 'child' })
    await invalidateTags('user:1')
    await invalidatePrefix('e2e.ts#square:')
    const c2 = child('e2e-child.ts', [dir])
    assert.is((await c2.done).code, 0)
    const again = last(c2)
    assert.is(again.calls, 3, 'square(3), square(4) and user(1) were invalidated; user(2) was not')
    assert.equal(again.results[3], { id: 2, name: 'parent' })
    assert.is(disk.stats().corrupt, 0)
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
})
e2e.run()
