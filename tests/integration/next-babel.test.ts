// The Babel route for Next.js (.babelrc with next/babel + macros; Next's SWC is then off) with the
// real Next.js 16, for comparison: the same ids as withFncache, so processes built either way
// share entries (next-app.ts).
// test-timeout-ms: 600000
import { suite } from 'uvu'
import { app, packInstalled } from './pack.js'
import { FILES, PLAIN, check, nextBuild, serve } from './next-app.js'

const next = suite('next.js: .babelrc route')
next.before(async () => { await packInstalled() })
next('.babelrc (next/babel + macros) + next build + next start: the same ids and sharing', async () => {
  const dir = app('next-babel', { ...FILES, 'next.config.mjs': PLAIN, '.babelrc': '{ "presets": ["next/babel"], "plugins": ["macros"] }\n' })
  const ms = nextBuild(dir)
  check(await serve(dir))
  console.log(`next build with .babelrc: ${ms} ms (under load)`)
})
next.run()
