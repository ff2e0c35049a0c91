// The Babel route on Vite 8 with @vitejs/plugin-react 6, which dropped its `babel` option (the
// old `react({ babel: { plugins: ['macros'] } })` is ignored there): Babel runs through
// @rolldown/plugin-babel, `babel({ plugins: ['macros'] })`, beside `react()`. Built with the real
// tools against the package as installed (babel-plugin-macros resolves the macro through "main"),
// then the SSR bundle is imported and checked: ids equal the SWC adapter's, hits counted, no
// FNCACHE_UNCOMPILED warning.
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { spawnSync } from 'node:child_process'
import { createRequire } from 'node:module'
import { join } from 'node:path'
import { app, packInstalled } from './pack.js'

const USERS = `import cached, { metrics } from 'fncache.macro'

export const calls = { n: 0 }
export const getUser = cached(async (id: string) => {
  calls.n++
  return { id, name: 'user ' + id }
}, { ttl: '5m', tags: ['user:{id}'] })

export { metrics }
`
const MAIN = `import { calls, getUser } from './users'

export async function check() {
  await getUser('1')
  await getUser('1')
  return { id: getUser.id, calls: calls.n, hits: getUser.stats().hits }
}
`
const CONFIG = `import { defineConfig } from 'vite'
import react from '@vitejs/plugin-react'
import babel from '@rolldown/plugin-babel'

export default defineConfig({
  plugins: [react(), babel({ plugins: ['macros'] })],
  build: { ssr: 'src/main.ts', outDir: 'dist', rollupOptions: { output: { entryFileNames: 'main.mjs' } } },
})
`
// Run as a user would: `vite build` in the app, then `node` imports the output (a separate
// process, so no test-runner condition or loader is involved).
const RUN = `const m = await import('./dist/main.mjs'); console.log(JSON.stringify(await m.check()))`

const require_ = createRequire(import.meta.url).resolve

const vite = suite('vite 8 + plugin-react 6: the Babel route')
vite('react() + @rolldown/plugin-babel with plugins: [\'macros\']: wraps compiled, same ids as SWC', async () => {
  await packInstalled()
  const dir = app('vite-babel', { 'package.json': '{ "name": "app", "type": "module" }\n', 'vite.config.mjs': CONFIG, 'src/users.ts': USERS, 'src/main.ts': MAIN })
  const vite = spawnSync(process.execPath, [join(require_('vite/package.json'), '..', 'bin/vite.js'), 'build', '--logLevel', 'warn'], { cwd: dir, encoding: 'utf8', timeout: 120_000 })
  assert.is(vite.status, 0, vite.stdout + vite.stderr)
  const out = spawnSync(process.execPath, ['--input-type=module', '-e', RUN], { cwd: dir, encoding: 'utf8', timeout: 60_000 })
  assert.is(out.status, 0, out.stdout + out.stderr)
  assert.not.match(out.stderr, /FNCACHE_UNCOMPILED/)
  assert.equal(JSON.parse(out.stdout.trim()), { id: 'src/users.ts#getUser', calls: 1, hits: 1 })
})
vite.run()
