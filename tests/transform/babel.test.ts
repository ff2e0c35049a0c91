// Walks tests/fixtures/transform/<case>/: input.ts (+ config.json) through Babel with the macro;
// compares output.babel.js and plan.json (the Plan golden shared with the SWC side), or
// error.txt for error cases. UPDATE=1 rewrites the goldens.
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { ROOT, compile, portable } from './compile.js'

const FIXTURES = join(ROOT, 'tests/fixtures/transform')
const UPDATE = process.env.UPDATE === '1'

function golden(file: string, actual: string) {
  if (UPDATE) { writeFileSync(file, actual); return }
  if (!existsSync(file)) assert.unreachable(`missing golden ${portable(file)} (run with UPDATE=1)`)
  assert.fixture(actual, readFileSync(file, 'utf8'))
}

const fixtures = suite('babel fixtures')
for (const name of readdirSync(FIXTURES).sort()) {
  const dir = join(FIXTURES, name)
  const input = join(dir, 'input.ts')
  if (!existsSync(input)) continue
  fixtures(name, () => {
    const configFile = join(dir, 'config.json')
    const config = existsSync(configFile) ? JSON.parse(readFileSync(configFile, 'utf8')) : undefined
    let result
    try {
      result = compile(readFileSync(input, 'utf8'), input, { config })
    } catch (error) {
      // Cases named error-* must fail to compile; any other case must compile.
      if (!name.startsWith('error-')) throw error
      const message = portable((error as Error).message) + '\n'
      golden(join(dir, 'error.txt'), message)
      return
    }
    assert.not.ok(name.startsWith('error-'), 'expected a build error, but it compiled')
    golden(join(dir, 'output.babel.js'), portable(result.code!) + '\n')
    const meta = (result.metadata as { fncache?: unknown }).fncache ?? { plans: [], imports: [] }
    golden(join(dir, 'plan.json'), JSON.stringify(meta, null, 2) + '\n')
  })
}
fixtures.run()
