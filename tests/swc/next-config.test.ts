// withFncache (fncache.macro/next) on config objects: what it adds for Turbopack and webpack, and
// how it merges with the rules and webpack() a project already has. The real builds are
// tests/integration/next-*.test.ts.
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { LOADER, TURBOPACK_GLOB, withFncache } from '../../swc-plugin/adapters/next.js'

const LOADER_RULE = { loaders: [{ loader: LOADER, options: { namespace: 'shop' } }], condition: { all: [{ not: 'foreign' }, { content: /['"]fncache\.macro['"]/ }] } }

const next = suite('withFncache')
next('adds a Turbopack rule (project files naming the macro) and keeps the other config keys', () => {
  const config = withFncache({ reactStrictMode: true, turbopack: { root: '/repo' } }, { namespace: 'shop' })
  assert.is(config.reactStrictMode, true)
  assert.is(config.turbopack!.root, '/repo')
  assert.equal(config.turbopack!.rules, { [TURBOPACK_GLOB]: LOADER_RULE })
})
next('merges with existing turbopack.rules: other globs kept, a rule for the same glob kept first', () => {
  const svg = { loaders: ['@svgr/webpack'], as: '*.js' }
  const mine = { loaders: ['my-loader'] }
  const config = withFncache({ turbopack: { rules: { '*.svg': svg, [TURBOPACK_GLOB]: mine } } }, { namespace: 'shop' })
  assert.equal(config.turbopack!.rules, { '*.svg': svg, [TURBOPACK_GLOB]: [mine, LOADER_RULE] })
})
next('webpack(): runs the project\'s webpack() first, then appends an enforce: "pre" rule', () => {
  const seen: unknown[] = []
  const config = withFncache({
    webpack(c: { module?: { rules?: unknown[] } }, context: unknown) {
      seen.push(context)
      c.module!.rules!.push('theirs')
      return c
    },
  })
  const out = config.webpack!({ module: { rules: ['next'] } }, { isServer: true }) as { module: { rules: unknown[] } }
  assert.equal(seen, [{ isServer: true }])
  assert.is(out.module.rules.length, 3)
  assert.equal(out.module.rules.slice(0, 2), ['next', 'theirs'])
  const rule = out.module.rules[2] as { enforce: string; test: RegExp; exclude: RegExp; use: { loader: string }[] }
  assert.is(rule.enforce, 'pre')
  assert.is(rule.use[0]!.loader, LOADER)
  assert.ok(rule.test.test('app/page.tsx') && rule.test.test('lib/x.mjs') && !rule.test.test('styles.css'))
  assert.ok(rule.exclude.test('/app/node_modules/react/index.js'))
  // Without a webpack() of the project's, a config with no module key gets one.
  const bare = withFncache({}).webpack!({}, {}) as { module: { rules: unknown[] } }
  assert.is(bare.module.rules.length, 1)
})
next('applies once, and accepts Next\'s function form', async () => {
  const once = withFncache(withFncache({}))
  assert.is(once.webpack!({}, {}).module!.rules!.length, 1)
  assert.equal(Object.keys(once.turbopack!.rules!), [TURBOPACK_GLOB])
  const fn = withFncache(async (phase: string) => ({ env: { phase } }))
  const config = await fn('phase-production-build', {})
  assert.equal(config.env, { phase: 'phase-production-build' })
  assert.equal(Object.keys(config.turbopack!.rules!), [TURBOPACK_GLOB])
})
next('include/exclude become Turbopack path conditions; a non-JSON option is refused with its name', () => {
  const config = withFncache({}, { include: /app\//, exclude: /legacy\// })
  const rule = config.turbopack!.rules![TURBOPACK_GLOB] as { loaders: { options: object }[]; condition: { all: unknown[] } }
  assert.equal(rule.condition.all.slice(2), [{ path: /app\// }, { not: { path: /legacy\// } }])
  assert.equal(rule.loaders[0]!.options, {})
  assert.throws(() => withFncache({}, { root: /x/ as never }), /withFncache\(\): option "root" must be a JSON value/)
})
next.run()
