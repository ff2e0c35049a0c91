// The Babel config samples of docs/babel.md, as written there, in a `"type": "module"` project with
// the package installed (tests/helpers/package-layout.ts): Babel loads each config file itself
// (babel.config.json, babel.config.cjs) and the macro expands. Uses the repository's Babel 7 (the
// presets beside it are Babel 7's); CI's Babel 8 job covers the macro through tests/transform.
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { transformSync } from '@babel/core'
import { ROOT, layOutPackage } from '../helpers/package-layout.js'

const BASE = join(ROOT, `.cache/babel-config-tests-${process.pid}`)
if (process.env.KEEP !== '1') process.on('exit', () => rmSync(BASE, { recursive: true, force: true }))
layOutPackage(BASE)

const docs = readFileSync(join(ROOT, 'docs/babel.md'), 'utf8')
/** The first fenced block of `lang` after `marker` in docs/babel.md. */
function sample(marker: string, lang: string): string {
  const at = docs.indexOf(marker)
  assert.ok(at !== -1, `docs/babel.md has no "${marker}"`)
  const m = new RegExp('```' + lang + '\\n([\\s\\S]*?)```').exec(docs.slice(at))
  assert.ok(m, `no ${lang} block after "${marker}"`)
  return m![1]!
}

const SOURCE = `import cached from 'fncache.macro'
export const getUser = cached(async (id: string) => ({ id }), { ttl: '5m', tags: ['user:{id}'] })
`

function compileIn(name: string, configFile: string, config: string) {
  const dir = join(BASE, name)
  mkdirSync(join(dir, 'src'), { recursive: true })
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name, private: true, type: 'module' }) + '\n')
  writeFileSync(join(dir, configFile), config)
  const filename = join(dir, 'src/users.ts')
  writeFileSync(filename, SOURCE)
  // As a tool runs Babel: the project as cwd and root, config files loaded by Babel.
  return transformSync(SOURCE, { filename, cwd: dir, root: dir })!
}

const configs = suite('Babel config samples in an ESM project')

configs('babel.config.json', () => {
  const out = compileIn('json', 'babel.config.json', sample('`babel.config.json` works in every project', 'json'))
  assert.match(out.code!, /from "fncache\.macro\/runtime\/internal"/)
  assert.match(out.code!, /id: "src\/users\.ts#getUser"/)
  assert.match(out.code!, /namespace: "my-app"/)
})

configs('babel.config.cjs (module.exports in a "type": "module" project)', () => {
  const config = sample('`babel.config.cjs` to use `module.exports`', 'js')
  assert.match(config, 'module.exports')
  const out = compileIn('cjs', 'babel.config.cjs', config)
  assert.match(out.code!, /from "fncache\.macro\/runtime\/internal"/)
  assert.match(out.code!, /id: "src\/users\.ts#getUser"/)
})

configs('the README\'s one-line babel.config.json', () => {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8')
  const line = /```json\n\s*(\{ "presets": \["@babel\/preset-typescript"\], "plugins": \["macros"\] \})\n\s*```/.exec(readme)
  assert.ok(line, 'README has the babel.config.json sample')
  const out = compileIn('readme', 'babel.config.json', line![1]!)
  assert.match(out.code!, /id: "src\/users\.ts#getUser"/)
})

configs.run()
