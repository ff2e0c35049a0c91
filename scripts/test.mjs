// Runs every tests/**/*.test.ts in its own Node process (uvu suites, TypeScript through tsx,
// package self-imports resolved to source via the "fncache-source" condition), two at a time,
// and ends with one plain line "N passed, N failed" for CI.
// Usage: node scripts/test.mjs [filter-regex]
import { spawn } from 'node:child_process'
import { readFileSync, readdirSync, statSync } from 'node:fs'
import { join, relative } from 'node:path'
import { availableParallelism } from 'node:os'

const filter = process.argv[2] ? new RegExp(process.argv[2]) : null
const files = []
;(function walk(dir) {
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name)
    if (name === 'fixtures' || name === 'node_modules') continue
    if (statSync(path).isDirectory()) walk(path)
    else if (name.endsWith('.test.ts') && (!filter || filter.test(path))) files.push(path)
  }
})('tests')

const strip = (s) => s.replace(/\x1b\[[0-9;]*m/g, '')
// A file that hangs (an open handle, a promise that never settles) fails instead of stalling CI.
// A file may ask for more with a `// test-timeout-ms: N` line (real-tool builds such as Next.js).
const FILE_TIMEOUT_MS = Number(process.env.FNCACHE_TEST_TIMEOUT_MS ?? 240_000)
const timeoutOf = (file) => Math.max(FILE_TIMEOUT_MS, Number(/^\/\/ test-timeout-ms: (\d+)$/m.exec(readFileSync(file, 'utf8'))?.[1] ?? 0))
const runFile = (file) => new Promise((resolve) => {
  const started = Date.now()
  const timeoutMs = timeoutOf(file)
  const child = spawn(process.execPath, ['--conditions=fncache-source', '--import', 'tsx', file], {
    env: { ...process.env, FORCE_COLOR: '0', NO_COLOR: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let out = ''
  let timedOut = false
  const timer = setTimeout(() => {
    timedOut = true
    child.kill('SIGKILL')
  }, timeoutMs)
  child.stdout.on('data', (d) => { out += d })
  child.stderr.on('data', (d) => { out += d })
  child.on('close', (code, signal) => {
    clearTimeout(timer)
    if (timedOut) out += `\n(killed after ${timeoutMs} ms: the file did not finish)\n`
    const text = strip(out)
    const total = Number(/Total:\s+(\d+)/.exec(text)?.[1] ?? NaN)
    const passed = Number(/Passed:\s+(\d+)/.exec(text)?.[1] ?? NaN)
    // A file that cannot run here (redis-server missing, outside CI) says so and exits cleanly.
    const notice = Number.isNaN(total) && code === 0 && !timedOut && /!! SKIPPED:/.test(text)
    const skipped = notice ? 1 : Number(/Skipped:\s+(\d+)/.exec(text)?.[1] ?? 0)
    let failed = total - passed - skipped
    if (notice) failed = 0
    // A crash before uvu's summary (or a non-zero exit with a clean summary) is one failure.
    else if (Number.isNaN(total) || timedOut) failed = Math.max(1, failed || 0)
    else if (code !== 0 && failed === 0) failed = 1
    resolve({ file, passed: Number.isNaN(passed) ? 0 : passed, failed, skipped, code, signal, text, ms: Date.now() - started })
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
