// The Jest transformer (fncache.macro/swc/jest, wrapping @swc/jest), run by the real jest CLI
// (--ci --runInBand) on a tiny project whose test imports a module with wraps.
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { spawnSync } from 'node:child_process'
import { createRequire } from 'node:module'
import { join } from 'node:path'
import { CHECK_TS, EXPECTED, ROOT, USERS_TS, project } from './project.js'

const require = createRequire(import.meta.url)
const JEST = join(require.resolve('jest/package.json'), '..', 'bin/jest.js')

const config = {
  testEnvironment: 'node',
  testMatch: ['**/*.spec.ts'],
  moduleFileExtensions: ['ts', 'js', 'json'],
  // TypeScript's `./x.js` imports of `./x.ts` (the runtime's sources use them too).
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  testEnvironmentOptions: { customExportConditions: ['fncache-source', 'node', 'require', 'default'] },
  transform: { '\\.ts$': [join(ROOT, 'swc-plugin/adapters/jest.ts'), { jsc: { target: 'es2022' } }] },
  cacheDirectory: '<rootDir>/.jest-cache',
}

const jest = suite('jest transformer')
jest('jest runs a test against compiled wraps (ids from the build, hits) and maps errors to source lines', () => {
  const dir = project('jest', {
    'package.json': '{ "name": "app" }\n',
    'jest.config.json': JSON.stringify(config),
    'src/users.ts': USERS_TS,
    'src/main.ts': CHECK_TS,
    'src/fail.ts': "import cached from 'fncache.macro'\n\nexport const fail = cached((id: string) => {\n  throw new Error('boom ' + id)\n})\n",
    'src/app.spec.ts': `import { check } from './main'
import { fail } from './fail'
test('compiled', async () => {
  expect(await check('jest')).toEqual(${JSON.stringify(EXPECTED)})
})
test('source maps', () => {
  try { fail('1'); throw new Error('unreachable') } catch (e) { expect((e as Error).stack).toMatch(/fail\\.ts:4:/) }
})
`,
  })
  const out = spawnSync(process.execPath, ['--conditions=fncache-source', '--import', 'tsx', JEST, '--ci', '--runInBand', '--rootDir', dir], { cwd: dir, encoding: 'utf8', timeout: 120_000 })
  const text = out.stdout + out.stderr
  assert.is(out.status, 0, text)
  assert.match(text, /Tests:\s+2 passed/)
})
jest.run()
