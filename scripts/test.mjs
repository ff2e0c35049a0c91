// Runs every tests/**/*.test.ts in its own Node process (uvu suites, TypeScript through tsx,
// package self-imports resolved to source via the "fncache-source" condition), two at a time, each
// through scripts/test-file.mjs, which runs uvu's queue and sends back its counts over IPC. Ends
// with one plain line "N passed, N failed[, N skipped]" for CI.
// A file that crashes, exits non-zero, or does not finish within FNCACHE_TEST_TIMEOUT_MS counts as
// (at least) one failure.
// Usage: node scripts/test.mjs [filter-regex]
import { spawn } from 'node:child_process'
import { readFileSync, readdirSync, statSync } from 'node:fs'
import { join, relative } from 'node:path'
import { availableParallelism } from 'node:os'
import { fileURLToPath } from 'node:url'

const filter = process.argv[2] ? new RegExp(process.argv[2]) : null
const files = []
;(function walk(dir) {
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name)
    if (name === 'fixtures' || name === 'node_modules') continue
    if (statSync(path).isDirectory()) walk(path)
    else if (name.endsWith('.test.ts') && (!filter || filter.test(path))) files.push(path)
  }
})(process.env.FNCACHE_TEST_ROOT ?? 'tests') // another root: tests/scripts/runner.test.ts

const RUN_FILE = fileURLToPath(new URL('./test-file.mjs', import.meta.url))
// A file that hangs (an open handle, a promise that never settles) fails instead of stalling CI.
// A file may ask for more with a `// test-timeout-ms: N` line (real-tool builds such as Next.js).
const FILE_TIMEOUT_MS = Number(process.env.FNCACHE_TEST_TIMEOUT_MS ?? 240_000)

const timeoutOf = (file) => Math.max(FILE_TIMEOUT_MS, Number(/^\/\/ test-timeout-ms: (\d+)$/m.exec(readFileSync(file, 'utf8'))?.[1] ?? 0))
const groups = new Set()
const killGroup = (child) => {
  try { process.platform === 'win32' ? child.kill('SIGKILL') : process.kill(-child.pid, 'SIGKILL') } catch {}
}
// Detached groups do not get the terminal's Ctrl-C: pass it on.
for (const sig of ['SIGINT', 'SIGTERM']) {
  process.once(sig, () => {
    for (const pid of groups) { try { process.kill(-pid, 'SIGKILL') } catch {} }
    process.exit(130)
  })
}
const runFile = (file) => new Promise((resolve) => {
  const started = Date.now()
  const timeoutMs = timeoutOf(file)
  const child = spawn(process.execPath, ['--conditions=fncache-source', '--import', 'tsx', RUN_FILE, file], {
    env: { ...process.env, FORCE_COLOR: '0', NO_COLOR: '1' },
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    // Its own process group, so a timeout also kills what the file started (a redis-server, a
    // build): a grandchild left alive holds the output pipe open and 'close' would never come.
    detached: process.platform !== 'win32',
  })
  groups.add(child.pid)
  let text = ''
  let counts
  let timedOut = false
  const timer = setTimeout(() => {
    timedOut = true
    killGroup(child)
  }, timeoutMs)
  // Leftovers of a file that exited are leaks: they go with it, so its pipes close.
  child.on('exit', () => killGroup(child))
  child.stdout.on('data', (d) => { text += d })
  child.stderr.on('data', (d) => { text += d })
  child.on('message', (m) => { counts = m })
  child.on('close', (code, signal) => {
    clearTimeout(timer)
    groups.delete(child.pid)
    const r = { file, passed: 0, failed: 0, skipped: 0, notices: [], code, signal, text, ms: Date.now() - started }
    if (counts !== undefined) Object.assign(r, { passed: counts.passed, failed: counts.failed, skipped: counts.skipped, notices: counts.notices })
    // A file that skips itself (no redis-server outside CI) runs no suite and counts as one skip.
    if (counts !== undefined && counts.suites === 0 && counts.notices.length > 0 && !counts.crashed) r.skipped += 1
    if (timedOut) r.text += `\n(killed after ${timeoutMs} ms: the file did not finish)\n`
    else if (counts === undefined) r.text += `\n(exited with ${signal ?? `code ${code}`} before reporting its results)\n`
    else if (counts.crashed) r.text += `\n(crashed: ${counts.crashed})\n`
    if (counts === undefined || counts.crashed || timedOut || code !== 0) r.failed = Math.max(1, r.failed)
    resolve(r)
  })
})

const queue = [...files]
const results = []
const workers = Array.from({ length: Math.max(1, Math.min(2, availableParallelism())) }, async () => {
  while (queue.length) {
    const r = await runFile(queue.shift())
    results.push(r)
    const mark = r.failed ? 'FAIL' : 'ok  '
    console.log(`${mark} ${relative('.', r.file)}  ${r.passed} passed${r.skipped ? `, ${r.skipped} skipped` : ''}${r.failed ? `, ${r.failed} failed` : ''}  (${r.ms} ms)`)
    for (const n of r.notices) console.log(`     !! SKIPPED: ${n}`)
    if (r.failed) console.log(r.text.split('\n').map((l) => '    ' + l).join('\n'))
  }
})
await Promise.all(workers)

const passed = results.reduce((n, r) => n + r.passed, 0)
const failed = results.reduce((n, r) => n + r.failed, 0)
const skipped = results.reduce((n, r) => n + r.skipped, 0)
if (files.length === 0) console.log('no test files found')
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`)
process.exitCode = failed || files.length === 0 ? 1 : 0
