// Tiny temporary projects for the adapter tests, under .cache/swc-tests/ (gitignored). The
// package is not in its own node_modules: .cache/swc-tests/node_modules/fncache.macro is a
// symlink to the repository, and the tests run with the `fncache-source` condition (no build
// step: `fncache.macro/runtime` resolves to runtime/index.ts, compiled by the tool under test).
import { mkdirSync, rmSync, symlinkSync, writeFileSync, existsSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

export const ROOT = fileURLToPath(new URL('../..', import.meta.url)).replace(/\/$/, '')
export const BASE = join(ROOT, '.cache/swc-tests')

/** Writes `files` into a fresh project folder and returns its path (removed at exit unless KEEP=1). */
export function project(name: string, files: Record<string, string>): string {
  const link = join(BASE, 'node_modules/fncache.macro')
  if (!existsSync(link)) {
    mkdirSync(dirname(link), { recursive: true })
    try { symlinkSync(ROOT, link, 'dir') } catch (error) { if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error }
  }
  const dir = join(BASE, `${name}-${process.pid}`)
  rmSync(dir, { recursive: true, force: true })
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true })
    writeFileSync(join(dir, path), text)
  }
  if (process.env.KEEP !== '1') process.on('exit', () => rmSync(dir, { recursive: true, force: true }))
  return dir
}

/** The module every adapter test compiles: two wraps, a tag template, recursion through the cache. */
export const USERS_TS = `import cached, { metrics } from 'fncache.macro'

export const calls = { n: 0 }
export const getUser = cached(async (id: string) => {
  calls.n++
  return { id, name: 'user ' + id }
}, { ttl: '5m', tags: ['user:{id}'] })

export const fib = cached(function fib(n: number): number {
  return n < 2 ? n : fib(n - 1) + fib(n - 2)
})

export { metrics }
`

/** Checks the compiled module behaves as compiled code must (pass an id no other build in the process used). */
export const CHECK_TS = `import { calls, getUser, fib } from './users.js'

export async function check(id: string) {
  await getUser(id)
  await getUser(id)
  return { id: getUser.id, fibId: fib.id, calls: calls.n, fib: fib(30), hits: getUser.stats().hits }
}
`

export const EXPECTED = { id: 'src/users.ts#getUser', fibId: 'src/users.ts#fib', calls: 1, fib: 832040, hits: 1 }
