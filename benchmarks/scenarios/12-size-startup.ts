// Scenario 12: what a memory-only app pays to ship and to start. Each contender is a tiny app that
// caches one function on its library's in-memory store; esbuild bundles it like a client build
// (--bundle --minify --platform=browser), and the table gives minified and gzip bytes. A second
// table times a cold `await import()` of each app's bundle (platform node, unminified) in fresh
// processes: the median of RUNS processes, contenders alternating. The fncache apps are compiled
// by the SWC path first, as a user's build would, and bundled from this checkout's source.
import { execFileSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { gzipSync } from 'node:zlib'
import { build } from 'esbuild'
import { expand } from '../../swc-plugin/index.js'
import { type Row, type Scenario, errText, median } from '../harness.js'

const here = dirname(fileURLToPath(import.meta.url))
const root = join(here, '..', '..')
const peers = join(here, '..', 'node_modules')
const RUNS = Number(process.env.BENCH_STARTUP_RUNS ?? 20)

/** Each app calls its cached function twice and exports the results, so nothing is tree-shaken away. */
const APPS: Record<string, { source: string; compile?: boolean; platform?: 'node'; external?: string[]; note?: string }> = {
  'fncache (memory)': {
    compile: true,
    source: `import cached from 'fncache.macro'
export const getUser = cached(async function getUser(id: string) { return { id } }, { ttl: '5m' })
export const out = [await getUser('1'), await getUser('1')]`,
  },
  'fncache (Redis)': {
    compile: true, platform: 'node', external: ['ioredis'], note: 'platform node; ioredis external (the peer every Redis app installs)',
    source: `import cached, { configure } from 'fncache.macro'
import { redis } from 'fncache.macro/redis'
configure({ backends: { shared: redis({ url: 'redis://127.0.0.1:1' }) } })
export const getUser = cached(async function getUser(id: string) { return { id } }, { ttl: '5m', backend: 'shared' })`,
  },
  'lru-cache': {
    source: `import { LRUCache } from 'lru-cache'
const c = new LRUCache<string, { id: string }>({ max: 1000, ttl: 300_000 })
const getUser = async (id: string) => { let v = c.get(id); if (!v) { v = { id }; c.set(id, v) } return v }
export const out = [await getUser('1'), await getUser('1')]`,
  },
  memoizee: {
    source: `import memoize from 'memoizee'
const getUser = memoize(async (id: string) => ({ id }), { promise: true, maxAge: 300_000 })
export const out = [await getUser('1'), await getUser('1')]`,
  },
  'async-cache-dedupe': {
    source: `import { createCache } from 'async-cache-dedupe'
const cache = createCache({ ttl: 300, storage: { type: 'memory' } }).define('getUser', async (id: string) => ({ id }))
export const out = [await cache.getUser('1'), await cache.getUser('1')]`,
  },
  bentocache: {
    source: `import { BentoCache, bentostore } from 'bentocache'
import { memoryDriver } from 'bentocache/drivers/memory'
const bento = new BentoCache({ default: 'memory', stores: { memory: bentostore().useL1Layer(memoryDriver({ maxItems: 1000 })) } })
export const out = [await bento.getOrSet({ key: 'user:1', factory: () => ({ id: '1' }), ttl: '5m' })]`,
  },
}

async function bundle(name: string, dir: string, platform: 'browser' | 'node', minify: boolean): Promise<string> {
  const app = APPS[name]
  const entry = join(dir, `${name.replace(/\W+/g, '-')}.ts`)
  let source = app.source
  if (app.compile) {
    const out = expand(source, { filename: join(root, 'src', 'app.ts'), cwd: root, configFile: false })
    if (!out || !/compiled: true/.test(out.code)) throw new Error(`${name}: the app was not expanded`)
    source = out.code
  }
  writeFileSync(entry, source)
  const outfile = entry.replace(/\.ts$/, `.${platform}${minify ? '.min' : ''}.mjs`)
  await build({
    entryPoints: [entry], outfile, bundle: true, format: 'esm', minify, platform: app.platform ?? platform,
    external: app.external, logLevel: 'error',
    // CommonJS dependencies (object-hash in bentocache, ...) call require() for Node built-ins.
    banner: (app.platform ?? platform) === 'node' ? { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" } : undefined, conditions: ['fncache-source'],
    nodePaths: [peers, join(root, 'node_modules')],
  })
  return outfile
}

/** Milliseconds from process start of the measuring code to the import's settling, in a fresh process. */
function coldImport(file: string): number {
  const code = `const t = performance.now(); await import(${JSON.stringify('file://' + file)}); console.log(performance.now() - t)`
  return Number(execFileSync(process.execPath, ['--input-type=module', '-e', code], { encoding: 'utf8', timeout: 60_000 }).trim().split('\n').pop())
}

const scenario: Scenario = {
  id: '12',
  title: 'bundle size and cold start',
  async run() {
    const dir = mkdtempSync(join(tmpdir(), 'fncache-size-'))
    // `fncache.macro` resolves through its package.json "exports" (source condition), as installed.
    mkdirSync(join(dir, 'node_modules'))
    symlinkSync(root, join(dir, 'node_modules', 'fncache.macro'))
    const names = Object.keys(APPS)
    const sizeRows: Row[] = []
    for (const name of names) {
      try {
        let file: string
        try {
          file = await bundle(name, dir, 'browser', true)
        } catch (e) {
          // Some peers import Node built-ins and cannot be bundled for a browser at all.
          if (!/Could not resolve "(node:)?(util|crypto|diagnostics_channel|events|fs)"/.test(errText(e))) throw e
          file = await bundle(name, dir, 'node', true)
          APPS[name].note = 'not bundleable for browsers (imports Node built-ins): platform node'
        }
        const bytes = readFileSync(file)
        sizeRows.push({ name, reference: name === 'lru-cache', ops: bytes.length, extra: { 'min KB': +(bytes.length / 1024).toFixed(1), 'gzip KB': +(gzipSync(bytes, { level: 9 }).length / 1024).toFixed(1) }, note: APPS[name].note })
      } catch (e) {
        sizeRows.push({ name, error: errText(e) })
      }
    }
    const ref = sizeRows.find((r) => r.reference)?.extra?.['gzip KB'] as number
    for (const r of sizeRows) if (r.extra) r.ratio = (r.extra['gzip KB'] as number) / ref

    const memoryOnly = ['fncache (memory)', 'lru-cache', 'memoizee', 'async-cache-dedupe', 'bentocache']
    const files = new Map<string, string>()
    const startRows: Row[] = []
    for (const name of memoryOnly) {
      try { files.set(name, await bundle(name, dir, 'node', false)) } catch (e) { startRows.push({ name, error: errText(e) }) }
    }
    const times = new Map<string, number[]>([...files.keys()].map((n) => [n, []]))
    for (let r = 0; r < RUNS; r++) {
      const order = r % 2 ? [...files].reverse() : [...files]
      for (const [name, file] of order) {
        try { times.get(name)!.push(coldImport(file)) } catch (e) { files.delete(name); times.delete(name); startRows.push({ name, error: errText(e).split('\n').slice(0, 3).join(' ') }) }
      }
    }
    const lru = median(times.get('lru-cache') ?? [NaN])
    for (const [name, ts] of times) {
      const ms = median(ts)
      startRows.push({ name, reference: name === 'lru-cache', ops: ms, ratio: ms / lru, extra: { 'ms (median)': +ms.toFixed(2), 'min ms': +Math.min(...ts).toFixed(2) } })
    }
    return [
      { id: '12a', title: 'bundle of a memory-only app (esbuild --bundle --minify --platform=browser; lower is better)', unit: 'bytes', reference: 'lru-cache', rows: sizeRows,
        notes: ['ratio = gzip bytes / lru-cache gzip bytes (lower is better); target for fncache (memory): <= 10 KB gzip'] },
      { id: '12b', title: `cold import() of each app's bundle in a fresh node process (median of ${RUNS}; lower is better)`, unit: 'ms', reference: 'lru-cache', rows: startRows,
        notes: ['ratio = ms / lru-cache ms (lower is better); target for fncache (memory): <= 2x'] },
    ]
  },
}
export default scenario
