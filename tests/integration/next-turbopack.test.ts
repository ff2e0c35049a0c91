// fncache.macro/next + `next build` (Turbopack, Next's own SWC kept) with the real Next.js 16:
// compiled ids, a server page and a route handler sharing one entry (see next-app.ts). With
// FNCACHE_NEXT_BASELINE=1 it also builds the app without the transform, for the build-time ratio.
// test-timeout-ms: 600000
import { suite } from 'uvu'
import { app, packInstalled } from './pack.js'
import { FILES, addFont, PLAIN, WITH_FNCACHE, check, nextBuild, serve } from './next-app.js'

const times: Record<string, number> = {}
const next = suite('next.js: withFncache + Turbopack')
next.before(async () => { await packInstalled() })
next('next build (Turbopack) + next start: compiled ids, the page, a server action and the route share one entry, next/font works', async () => {
  const dir = app('next-turbopack', { ...FILES, 'next.config.mjs': WITH_FNCACHE })
  addFont(dir)
  times.withFncache = nextBuild(dir)
  check(await serve(dir), true)
})
if (process.env.FNCACHE_NEXT_BASELINE === '1') {
  next('baseline: the same app without the transform, for the build-time comparison', () => {
    const dir = app('next-baseline', { ...FILES, 'lib/users.js': "export const getUser = async (id) => ({ id, name: 'user ' + id })\nexport const metrics = () => ({})\n", 'next.config.mjs': PLAIN })
    times.without = nextBuild(dir, [], false)
  })
}
next.after(() => { console.log(`next build (Turbopack) times, ms, under load: ${JSON.stringify(times)}`) })
next.run()
