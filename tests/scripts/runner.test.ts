// scripts/test.mjs over fixture files (tests/fixtures/runner): counts come from uvu's runners, and a
// crash, a non-zero exit, a hang or a swallowed hook error each count as a failure; a file that
// skips itself for want of redis-server counts as skipped.
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

// PATH holds node alone, so the skip fixture finds no redis-server.
const bin = mkdtempSync(join(tmpdir(), 'fncache-runner-'))
symlinkSync(process.execPath, join(bin, 'node'))
process.on('exit', () => rmSync(bin, { recursive: true, force: true }))

const TIMEOUT_MS = 20_000
const run = spawnSync(process.execPath, ['scripts/test.mjs'], {
  env: { ...process.env, PATH: bin, CI: '', FNCACHE_REQUIRE_REDIS: '', FNCACHE_TEST_ROOT: 'tests/fixtures/runner', FNCACHE_TEST_TIMEOUT_MS: String(TIMEOUT_MS) },
  encoding: 'utf8',
  // A runner that waits on a leftover grandchild's pipe would hang this file: fail it instead.
  timeout: 180_000,
})
const lines = run.stdout.split('\n')
/** The summary line test.mjs prints for one fixture file. */
const line = (name: string) => lines.find((l) => l.includes(`tests/fixtures/runner/${name}.test.ts`))?.replace(/\s+\(\d+ ms\)$/, '').replace(/\s+/g, ' ')

const runner = suite('scripts/test.mjs')

runner('the last line sums every file, and the exit code says a file failed', () => {
  assert.is(lines.filter(Boolean).at(-1), '6 passed, 7 failed, 1 skipped')
  assert.is(run.status, 1)
})

runner('passing and failing tests, with the failure printed', () => {
  assert.is(line('pass'), 'ok tests/fixtures/runner/pass.test.ts 2 passed')
  assert.is(line('fail'), 'FAIL tests/fixtures/runner/fail.test.ts 2 passed, 1 failed', 'a suite run after a top-level await counts')
  assert.match(run.stdout, 'FIXTURE-FAILURE-MESSAGE')
})

runner('an import that throws, a before hook that throws, a non-zero exit: failures', () => {
  assert.is(line('crash'), 'FAIL tests/fixtures/runner/crash.test.ts 0 passed, 1 failed')
  assert.match(run.stdout, 'FIXTURE-IMPORT-CRASH')
  assert.is(line('hooks'), 'FAIL tests/fixtures/runner/hooks.test.ts 0 passed, 2 failed')
  assert.is(line('exit'), 'FAIL tests/fixtures/runner/exit.test.ts 1 passed, 1 failed')
})

runner('a suite queued from a timer, after the results went out, fails the file instead of vanishing', () => {
  assert.is(line('late'), 'FAIL tests/fixtures/runner/late.test.ts 0 passed, 1 failed')
  assert.match(run.stdout, 'after the file had finished')
})

runner('a file that never exits is killed at the timeout with what it started, and fails', () => {
  assert.is(run.error, undefined, 'the runner itself finished')
  assert.is(line('hang'), 'FAIL tests/fixtures/runner/hang.test.ts 1 passed, 1 failed')
  assert.match(run.stdout, `killed after ${TIMEOUT_MS} ms`)
})

runner('a file without redis-server skips itself loudly', () => {
  assert.is(line('skip'), 'ok tests/fixtures/runner/skip.test.ts 0 passed, 1 skipped')
  assert.match(run.stdout, '!! SKIPPED: redis-server is not on PATH')
})

runner.run()
