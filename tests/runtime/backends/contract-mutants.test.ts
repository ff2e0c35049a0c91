// The contract suite can fail: run on deliberately broken memory backends
// (tests/fixtures/contract-mutants), it fails exactly the tests that cover each defect.
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { spawnSync } from 'node:child_process'

const run = spawnSync(process.execPath, ['scripts/test.mjs'], {
  env: { ...process.env, FNCACHE_TEST_ROOT: 'tests/fixtures/contract-mutants' },
  encoding: 'utf8',
})
/** "<passed> passed, <failed> failed" and the failing test names of one mutant file. */
function outcome(name: string) {
  const lines = run.stdout.split('\n')
  const at = lines.findIndex((l) => l.includes(`contract-mutants/${name}.test.ts`))
  const counts = /(\d+ passed, \d+ failed)/.exec(lines[at] ?? '')?.[1]
  const failed: string[] = []
  for (const l of lines.slice(at + 1)) {
    if (/^(ok|FAIL) /.test(l)) break
    const m = /FAIL {2}Backend contract: [^"]+"(.+)"$/.exec(l.trim())
    if (m) failed.push(m[1]!)
  }
  return { counts, failed }
}

const mutants = suite('contract suite on broken backends')

mutants('stats() returning {} fails the three stats tests', () => {
  assert.equal(outcome('stats-stub'), {
    counts: '14 passed, 3 failed',
    failed: [
      'stats() of a new backend: the promised counters, all zero',
      'stats().entries follows sets, replacements, deletes, invalidations and clear()',
      'stats().expirations counts a record read after its ttl; no other counter moves',
    ],
  })
})

mutants('invalidateTags() that removes but reports 0 fails every test that counts', () => {
  assert.equal(outcome('counts-zero'), {
    counts: '13 passed, 4 failed',
    failed: [
      'invalidateTags() removes every record under any of the tags, only those, and returns how many',
      'a record under several invalidated tags is removed and counted once',
      'a write whose computation started at or before a tag\'s invalidation is refused, if the backend stamps tags',
      'sync twins, when present, agree with the async methods',
    ],
  })
})

mutants('a close() that leaves the records served fails the close() test', () => {
  assert.equal(outcome('serves-after-close'), {
    counts: '16 passed, 1 failed',
    failed: ['close() settles, twice; afterwards an operation settles instead of hanging, and serves nothing'],
  })
})

mutants('a backend that ignores `since` but is held to stamping fails the refusal test', () => {
  assert.equal(outcome('ignores-since'), {
    counts: '16 passed, 1 failed',
    failed: ['a write whose computation started at or before a tag\'s invalidation is refused, if the backend stamps tags'],
  })
  assert.is(run.stdout.trim().split('\n').at(-1), '59 passed, 9 failed')
})

mutants.run()
