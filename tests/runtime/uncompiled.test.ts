// The uncompiled fallback under a real minifier: a module using cached(...) that no transform
// compiled is minified by esbuild and by terser (parameters renamed, function names dropped),
// then run in its own Node process. It must load, return correct results, cache what it still
// can, run uncached (with one warning naming the function, the tag and the fix) what it cannot.
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { spawnSync } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { createRequire } from 'node:module'
import { project } from '../swc/project.js'

const require = createRequire(import.meta.url)

const APP = `import cached from 'fncache.macro'

export const calls = { user: 0, page: 0, square: 0 }
export const getUser = cached(async function getUser(userId) {
  calls.user++
  return { userId, name: 'user ' + userId }
}, { tags: ['users', 'user:{userId}'] })
export const getPage = cached(function (userId, page) {
  calls.page++
  return userId + '/' + page
}, { key: ['userId', 'page'] })
export const square = cached(function square(n) {
  calls.square++
  return n * n
})
`

// Runs the minified app, collecting warnings; prints one JSON line.
const RUN = `const warnings = []
process.on('warning', (w) => { if (w.name === 'FncacheWarning') warnings.push({ code: w.code, message: w.message }) })
const app = await import(process.argv[2])
const users = [await app.getUser('42'), await app.getUser('42')]
const pages = [app.getPage('a', 1), app.getPage('a', 1), app.getPage('a', 2)]
const squares = [app.square(7), app.square(7)]
const peek = await app.getUser.peek('42')
await new Promise((r) => setTimeout(r, 10))
console.log(JSON.stringify({ users, pages, squares, peek: peek ?? null, calls: app.calls,
  ids: { user: app.getUser.id, page: app.getPage.id }, misses: app.getUser.stats().misses, warnings }))
`

interface Outcome {
  users: unknown[]; pages: string[]; squares: number[]; peek: unknown; calls: Record<string, number>
  ids: { user: string; page: string }; misses: number; warnings: { code: string; message: string }[]
}

async function minifiers(): Promise<Record<string, (code: string) => Promise<string>>> {
  const esbuild = require('esbuild') as typeof import('esbuild')
  const terser = require('terser') as typeof import('terser')
  return {
    esbuild: async (code) => (await esbuild.transform(code, { minify: true, format: 'esm', target: 'es2022' })).code,
    terser: async (code) => (await terser.minify(code, { module: true, mangle: true, compress: true })).code!,
  }
}

const minified = suite('uncompiled + minified')

for (const [name, minify] of Object.entries(await minifiers())) {
  minified(`${name}: loads, stays correct, caches what it can, warns once naming the function, the tag and the fix`, async () => {
    const code = await minify(APP)
    // The premise: the minifier renamed the parameter the tag template names.
    assert.not.match(code, /\(userId[,)]/)
    const dir = project(`uncompiled-${name}`, { 'app.mjs': code, 'run.mjs': RUN })
    writeFileSync(join(dir, 'package.json'), '{ "type": "module" }\n')
    const r = spawnSync(process.execPath, ['--conditions=fncache-source', '--import', 'tsx', join(dir, 'run.mjs'), join(dir, 'app.mjs')],
      // Under Next.js' server runtime (NEXT_RUNTIME is set there) the fix names Next's adapter.
      { cwd: dir, encoding: 'utf8', env: { ...process.env, NODE_OPTIONS: '', NEXT_RUNTIME: name === 'esbuild' ? 'nodejs' : '' } })
    assert.is(r.status, 0, r.stderr)
    const out = JSON.parse(r.stdout.trim().split('\n').pop()!) as Outcome
    // Correct results, every time.
    assert.equal(out.users, [{ userId: '42', name: 'user 42' }, { userId: '42', name: 'user 42' }])
    assert.equal(out.pages, ['a/1', 'a/1', 'a/2'])
    assert.equal(out.squares, [49, 49])
    // The tag template cannot be resolved: getUser runs uncached (both calls reach it, nothing to peek).
    assert.is(out.calls.user, 2)
    assert.is(out.peek, null)
    assert.is(out.misses, 2)
    // Key names cannot be resolved either: getPage runs uncached too.
    assert.is(out.calls.page, 3)
    // No name-based option: still cached after minification.
    assert.is(out.calls.square, 1)
    const uncached = out.warnings.filter((w) => w.code === 'FNCACHE_UNCACHED')
    assert.is(uncached.length, 2, JSON.stringify(out.warnings))
    const user = uncached.find((w) => w.message.includes('user:{userId}'))!
    assert.ok(user, 'a warning names the tag')
    assert.ok(user.message.startsWith(`${out.ids.user}: tag "user:{userId}" names {userId}, which is not a parameter (parameters as it runs: `), user.message)
    assert.match(user.message, 'runs uncached: every call goes to the function')
    assert.match(user.message, "plugins: ['macros']")
    if (name === 'esbuild') assert.match(user.message, "Next.js: wrap next.config with withFncache from 'fncache.macro/next'")
    else assert.not.match(user.message, 'Next.js')
    assert.match(user.message, 'https://github.com/fncache/fncache/blob/main/docs/setup.md')
    assert.match(user.message, /Its id "[^"]+" comes from (load order|the function's name as it runs)/)
    const page = uncached.find((w) => w !== user)!
    assert.ok(page.message.startsWith(`${out.ids.page}: option key names "userId", which is not a parameter (parameters as it runs: `), page.message)
    // The anonymous function's id (its number depends on what loaded first) is flagged as unstable.
    assert.match(out.ids.page, /^anonymous(~\d+)?$/)
    assert.match(page.message, `Its id "${out.ids.page}" comes from load order and is unstable`)
    assert.is(out.warnings.filter((w) => w.code === 'FNCACHE_UNCOMPILED').length, 1)
  })
}

minified.run()
