// fncache.macro/next + `next build --webpack` with the real Next.js 16: the loader as an
// `enforce: 'pre'` rule before next-swc-loader; same ids and sharing as Turbopack (next-app.ts).
// test-timeout-ms: 600000
import { suite } from 'uvu'
import { app, packInstalled } from './pack.js'
import { FILES, addFont, WITH_FNCACHE, check, nextBuild, serve } from './next-app.js'

const next = suite('next.js: withFncache + webpack')
next.before(async () => { await packInstalled() })
next('next build --webpack + next start: compiled ids, the page, a server action and the route share one entry, next/font works', async () => {
  const dir = app('next-webpack', { ...FILES, 'next.config.mjs': WITH_FNCACHE })
  addFont(dir)
  const ms = nextBuild(dir, ['--webpack'])
  check(await serve(dir), true)
  console.log(`next build --webpack: ${ms} ms (under load)`)
})
next.run()
