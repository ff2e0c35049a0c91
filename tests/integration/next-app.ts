// The Next.js app the next-*.test.ts files build with the real `next` (one build per file: a
// build takes 1-3 minutes on this shared 2-core machine, so the variants run as separate files).
// A server page (through a server action) and a route handler both use one cached function from a
// shared module; the app is started with `next start` on a free loopback port and requested: the
// page, then the route twice. The route returns metrics(); the cache lives on globalThis, so one
// id for both entries shows as one function with 1 miss (the page) and 2 hits (the route),
// whatever bundles Next splits them into.
import * as assert from 'uvu/assert'
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { copyFileSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { createServer } from 'node:net'
import { join } from 'node:path'
import { ROOT } from './pack.js'

const require = createRequire(import.meta.url)
const NEXT = join(require.resolve('next/package.json'), '..', 'dist/bin/next')
const env = { ...process.env, NEXT_TELEMETRY_DISABLED: '1', NODE_ENV: 'production' } as NodeJS.ProcessEnv
delete env.NODE_OPTIONS

const USERS = `import cached, { metrics } from 'fncache.macro'

export const getUser = cached(async (id) => {
  return { id, name: 'user ' + id }
}, { ttl: '5m', tags: ['user:{id}'] })

export { metrics }
`
export const FILES = {
  'package.json': '{ "name": "next-app", "private": true }\n',
  'lib/users.js': USERS,
  'app/layout.jsx': 'export default function Layout({ children }) {\n  return <html><body>{children}</body></html>\n}\n',
  // A server action module: Next's SWC compiles its 'use server' exports after our transform.
  'app/actions.js': `'use server'
import { getUser } from '../lib/users'

export async function loadUser(id) {
  return getUser(id)
}
`,
  'app/page.jsx': `import { getUser } from '../lib/users'
import { loadUser } from './actions'

export const dynamic = 'force-dynamic'

export default async function Page() {
  const user = await loadUser('1')
  return <pre id="user">{JSON.stringify({ id: getUser.id, name: user.name })}</pre>
}
`,
  'app/api/user/route.js': `import { getUser, metrics } from '../../../lib/users'

export const dynamic = 'force-dynamic'

export async function GET() {
  const user = await getUser('1')
  return Response.json({ id: getUser.id, name: user.name, metrics: metrics() })
}
`,
}
const ROOTS = `turbopack: { root: ${JSON.stringify(ROOT)} }, outputFileTracingRoot: ${JSON.stringify(ROOT)}`
export const WITH_FNCACHE = `import { withFncache } from 'fncache.macro/next'\nexport default withFncache({ ${ROOTS} })\n`
export const PLAIN = `export default { ${ROOTS} }\n`

/**
 * next/font in the layout (a local font: no network), for the withFncache builds: Next's own SWC
 * must still run after our loader (the .babelrc route turns it off; its file leaves this out).
 */
export function addFont(dir: string) {
  copyFileSync(join(require.resolve('next/package.json'), '..', 'dist/next-devtools/server/font/geist-latin.woff2'), join(dir, 'app/geist.woff2'))
  writeFileSync(join(dir, 'app/layout.jsx'), `import localFont from 'next/font/local'

const geist = localFont({ src: './geist.woff2' })

export default function Layout({ children }) {
  return <html className={geist.className}><body>{children}</body></html>
}
`)
}

/** `next build` in `dir`; returns its wall time in ms. */
export function nextBuild(dir: string, args: string[] = [], compiled = true): number {
  const started = performance.now()
  const out = spawnSync(process.execPath, [NEXT, 'build', ...args], { cwd: dir, env, encoding: 'utf8', timeout: 420_000 })
  assert.is(out.status, 0, `next build ${args.join(' ')} failed:\n${out.stdout}\n${out.stderr}`)
  if (compiled) assert.not.match(out.stdout + out.stderr, /FNCACHE_UNCOMPILED/)
  return Math.round(performance.now() - started)
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number }
      server.close(() => resolve(port))
    }).on('error', reject)
  })
}

/** `next start` on a free loopback port; requests the page, then the route twice; stops the server. */
export async function serve(dir: string): Promise<{ page: string; route: { id: string; name: string; metrics: { functions: Record<string, { hits: number; misses: number }> } } }> {
  const port = await freePort()
  const child: ChildProcess = spawn(process.execPath, [NEXT, 'start', '-p', String(port), '-H', '127.0.0.1'], { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'] })
  let log = ''
  child.stdout!.on('data', (d) => { log += d })
  child.stderr!.on('data', (d) => { log += d })
  try {
    const base = `http://127.0.0.1:${port}`
    for (let i = 0; ; i++) {
      if (child.exitCode !== null) throw new Error(`next start exited:\n${log}`)
      try { await fetch(base + '/api/does-not-exist'); break } catch { /* not listening yet */ }
      if (i > 600) throw new Error(`next start did not listen within 60 s:\n${log}`)
      await new Promise((r) => setTimeout(r, 100))
    }
    const page = await (await fetch(base + '/')).text()
    await fetch(base + '/api/user')
    const route = await (await fetch(base + '/api/user')).json()
    assert.not.match(log, /FNCACHE_UNCOMPILED/, log)
    return { page, route }
  } finally {
    child.kill('SIGTERM')
    if (child.exitCode === null) await new Promise((r) => child.once('exit', r))
  }
}

/** The page and the route used one compiled function id: 1 miss (page), 2 hits (route). */
export function check({ page, route }: Awaited<ReturnType<typeof serve>>, font = false) {
  // next/font/local emits the file under /_next/static/media (preloaded) and puts its generated
  // class on <html>.
  if (font) {
    assert.match(page, /<html class="[^"]*className[^"]*"/, page.slice(0, 500))
    assert.match(page, /\/_next\/static\/media\/[^"\\]+\.woff2/)
  }
  const id = 'lib/users.js#getUser'
  assert.is(route.id, id)
  assert.is(route.name, 'user 1')
  assert.ok(page.includes(JSON.stringify({ id, name: 'user 1' }).replace(/"/g, '&quot;')), page.slice(0, 2000))
  // One function, shared by the page and the route: the page missed, the route hit twice.
  const functions = route.metrics.functions
  assert.equal(Object.keys(functions), [id])
  assert.is(functions[id]!.misses, 1)
  assert.is(functions[id]!.hits, 2)
}
