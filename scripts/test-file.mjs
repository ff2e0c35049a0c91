// Runs one uvu test file in this process through uvu's own queue (what uvu/run does: UVU_DEFER, a
// queue group per file, then each suite's runner, which returns [errors, passed, skipped, total])
// and hands the counts to scripts/test.mjs over IPC as data: nothing is read back from printed text.
// Usage (by scripts/test.mjs): node --conditions=fncache-source --import tsx scripts/test-file.mjs <file>
import { resolve } from 'node:path'
import { pathToFileURL } from 'node:url'

const file = process.argv[2]
/** Where tests/helpers/redis-server.ts records why a file skipped itself (redis-server missing). */
const SKIPS = Symbol.for('fncache.test.skips')
const counts = { passed: 0, failed: 0, skipped: 0, suites: 0, notices: [] }
const report = (extra) => new Promise((done) => process.send({ ...counts, ...extra }, () => { process.disconnect(); done() }))

// uvu reads these when it is first imported: suites queue up instead of running on a timer.
globalThis.UVU_DEFER = 1
globalThis.UVU_INDEX = 0
globalThis.UVU_QUEUE = [[file]]
try {
  await import('uvu')
  await import(pathToFileURL(resolve(file)).href)
  const group = globalThis.UVU_QUEUE[0]
  group.shift() // the group's name
  // Suites run in the order they were queued; one may queue another while it runs, or from a
  // callback of the same turn (hence one macrotask of grace).
  do {
    while (group.length > 0) {
      const [errors, passed, skipped, total] = await group.shift()()
      counts.suites++
      counts.passed += passed
      counts.skipped += skipped
      counts.failed += total - passed
      if (typeof errors === 'string') process.stdout.write('\n' + errors + '\n')
      // uvu's runner returns from `finally`, which swallows an error thrown by a before hook.
      else if (total > passed) process.stdout.write(`\n  ${total - passed} tests of this suite did not run: a before hook threw (uvu does not report it).\n`)
    }
    await new Promise((r) => setTimeout(r, 0))
  } while (group.length > 0)
  // A suite queued after this point would never run: make that a failure, not a silent pass.
  group.push = () => {
    process.stderr.write('a suite called .run() after the file had finished (from a timer or callback); use top-level await.\n')
    process.exitCode = 1
    return 0
  }
  counts.notices = [...(globalThis[SKIPS] ?? [])]
  // A code the file set itself (or sets later) stands: test.mjs counts a non-zero exit as a failure.
  if (counts.failed > 0) process.exitCode = 1
  await report({})
} catch (error) {
  // An import that throws, or an after hook that throws (uvu lets that one out of the runner).
  process.stderr.write(`${error?.stack ?? error}\n`)
  process.exitCode = 1
  await report({ crashed: String(error?.message ?? error) })
}
