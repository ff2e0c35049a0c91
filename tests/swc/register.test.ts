// The Node register hook (fncache.macro/swc/register): `node --import fncache.macro/swc/register
// src/app.ts` on a tiny project; the app's wraps must be compiled by the hook (build ids, no
// FNCACHE_UNCOMPILED warning), and an error inside a wrap must point at its source line.
// tsx is loaded first only so that the hook's own TypeScript sources can run unbuilt; the hook
// registers after it, so it is the one that compiles the app (tsx alone would leave `cached`
// uncompiled, and warn).
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { spawnSync } from 'node:child_process'
import { CHECK_TS, EXPECTED, USERS_TS, project } from './project.js'

const register = suite('node register hook')
register('node --import fncache.macro/swc/register runs a TypeScript app with compiled wraps', () => {
  const dir = project('register', {
    'package.json': '{ "name": "app", "type": "module" }\n',
    'src/users.ts': USERS_TS,
    'src/main.ts': CHECK_TS,
    'src/fail.ts': "import cached from 'fncache.macro'\n\nexport const fail = cached((id: string) => {\n  throw new Error('boom ' + id)\n})\n",
    'src/app.ts': `import { check } from './main.js'
import { fail } from './fail.js'
const result = await check('register')
let frame = ''
try { fail('1') } catch (e) { frame = (e as Error).stack!.split('\\n').find((l) => l.includes('fail.ts')) ?? '' }
console.log(JSON.stringify({ result, frame }))
`,
  })
  const out = spawnSync(process.execPath, ['--conditions=fncache-source', '--import', 'tsx', '--import', 'fncache.macro/swc/register', '--enable-source-maps', 'src/app.ts'], { cwd: dir, encoding: 'utf8', timeout: 60_000 })
  assert.is(out.status, 0, out.stdout + out.stderr)
  assert.not.match(out.stderr, /FNCACHE_UNCOMPILED/)
  const { result, frame } = JSON.parse(out.stdout.trim().split('\n').pop()!)
  assert.equal(result, EXPECTED)
  assert.match(frame, /fail\.ts:4:\d+/)
})
register.run()
