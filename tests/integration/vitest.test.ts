// Vitest with the Vite plugin (fncache.macro/swc/vite), as docs/setup.md shows it: the real
// `vitest run` in a tiny project that has the package installed; its spec checks compiled ids
// and a hit, and the run must not print FNCACHE_UNCOMPILED.
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { spawnSync } from 'node:child_process'
import { createRequire } from 'node:module'
import { join } from 'node:path'
import { app, packInstalled } from './pack.js'

const VITEST = join(createRequire(import.meta.url).resolve('vitest/package.json'), '..', 'vitest.mjs')

const vitest = suite('vitest')
vitest('vitest run with plugins: [fncache()]: the spec sees compiled wraps', async () => {
  await packInstalled()
  const dir = app('vitest', {
    'package.json': '{ "name": "app", "type": "module" }\n',
    'vitest.config.js': "import fncache from 'fncache.macro/swc/vite'\nexport default { plugins: [fncache()] }\n",
    'src/users.ts': "import cached from 'fncache.macro'\n\nexport const calls = { n: 0 }\nexport const getUser = cached(async (id: string) => {\n  calls.n++\n  return { id }\n}, { tags: ['user:{id}'] })\n",
    'src/users.test.ts': `import { expect, test } from 'vitest'
import { calls, getUser } from './users'

test('compiled', async () => {
  await getUser('1')
  await getUser('1')
  expect({ id: getUser.id, calls: calls.n, hits: getUser.stats().hits }).toEqual({ id: 'src/users.ts#getUser', calls: 1, hits: 1 })
})
`,
  })
  const out = spawnSync(process.execPath, [VITEST, 'run'], { cwd: dir, encoding: 'utf8', timeout: 120_000, env: { ...process.env, CI: 'true', NO_COLOR: '1' } })
  const text = out.stdout + out.stderr
  assert.is(out.status, 0, text)
  assert.match(text, /Tests\s+1 passed/)
  assert.not.match(text, /FNCACHE_UNCOMPILED/)
})
vitest.run()
