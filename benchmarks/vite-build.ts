// Issue 13 target: a Vite 8 production build of a generated 200-module app with 20 cached
// functions, with and without the SWC adapter (fncache.macro/swc/vite); the adapter should add at
// most 10 % to the build time. Builds alternate (without, with, ...) so load drifts hit both alike;
// medians are reported. The package stays external in both (the runtime is the same code either
// way; only the transform's cost is measured).
// Run: npm run build && node --import tsx benchmarks/vite-build.ts [rounds=7]   (SOURCE=1: the source)
import { mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { build, version } from 'vite'
import type viteAdapter from '../swc-plugin/adapters/vite.js'

// The shipped dist/ (after `npm run build`) by default: under tsx, the source pays esbuild's
// keepNames wrappers per closure, which the build does not have. SOURCE=1: the source instead.
const adapterPath = process.env.SOURCE === '1' ? '../swc-plugin/adapters/vite.js' : '../dist/esm/swc-plugin/adapters/vite.js'
const fncache = ((await import(adapterPath)) as { default: typeof viteAdapter }).default

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const DIR = join(ROOT, '.cache/vite-build-bench')
const MODULES = 200
const CACHED = 20

function generate() {
  rmSync(DIR, { recursive: true, force: true })
  mkdirSync(join(DIR, 'src'), { recursive: true })
  writeFileSync(join(DIR, 'package.json'), '{ "name": "bench-app", "type": "module" }\n')
  const imports: string[] = []
  for (let i = 0; i < MODULES; i++) {
    const deps = i > 0 ? [`import { value${i - 1} } from './m${i - 1}'`] : []
    const body = [
      ...deps,
      i < CACHED ? "import cached from 'fncache.macro'" : '',
      `interface Row${i} { id: number; label: string; tags: string[] }`,
      `const rows${i}: Row${i}[] = Array.from({ length: 20 }, (_, k) => ({ id: k, label: 'row ${i}-' + k, tags: ['t' + (k % 3)] }))`,
      `export function find${i}(id: number): Row${i} | undefined { return rows${i}.find((r) => r.id === id) }`,
      i < CACHED
        ? `export const load${i} = cached(async (id: number, page: number = 1) => ({ row: find${i}(id), page }), { ttl: '5m', tags: ['row:{id}'] })`
        : `export const load${i} = async (id: number, page: number = 1) => ({ row: find${i}(id), page })`,
      `export const value${i}: number = ${i > 0 ? `value${i - 1} + ` : ''}${i}`,
    ]
    writeFileSync(join(DIR, `src/m${i}.ts`), body.filter(Boolean).join('\n') + '\n')
    imports.push(`export { load${i} } from './m${i}'`)
  }
  writeFileSync(join(DIR, 'src/main.ts'), imports.join('\n') + '\n')
}

// Wall time, and this process's CPU time (every thread: Rolldown's workers included), which a
// loaded machine disturbs less than wall time.
async function once(withAdapter: boolean): Promise<[number, number]> {
  const cpu = process.cpuUsage()
  const started = performance.now()
  await build({
    root: DIR, configFile: false, logLevel: 'silent', plugins: withAdapter ? [fncache()] : [],
    build: { outDir: 'dist', emptyOutDir: true, minify: true, sourcemap: true, lib: { entry: 'src/main.ts', formats: ['es'], fileName: 'main' }, rollupOptions: { external: (id) => id.startsWith('fncache.macro') } },
  })
  const ms = performance.now() - started
  const used = process.cpuUsage(cpu)
  // The two builds must differ the way the adapter makes them differ: wraps compiled, or not.
  const out = readdirSync(join(DIR, 'dist')).filter((f) => f.endsWith('.js')).map((f) => readFileSync(join(DIR, 'dist', f), 'utf8')).join('')
  const compiled = (out.match(/compiled:\s*!0|compiled:\s*true/g) ?? []).length
  if (compiled !== (withAdapter ? CACHED : 0)) throw new Error(`expected ${withAdapter ? CACHED : 0} compiled wraps in the output, found ${compiled}`)
  return [ms, (used.user + used.system) / 1000]
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!
const rounds = Number(process.argv[2] ?? 7)
generate()
await once(false) // warm-up: module loading, first-run JIT
await once(true)
const without: number[] = []
const withAdapter: number[] = []
const cpuWithout: number[] = []
const cpuWith: number[] = []
for (let r = 0; r < rounds; r++) {
  const [a, ca] = await once(false)
  const [b, cb] = await once(true)
  without.push(a); cpuWithout.push(ca); withAdapter.push(b); cpuWith.push(cb)
}
if (process.env.KEEP !== "1") rmSync(DIR, { recursive: true, force: true })
const a = median(without)
const b = median(withAdapter)
const ca = median(cpuWithout)
const cb = median(cpuWith)
console.log(`vite ${version}, ${MODULES} modules, ${CACHED} cached functions, ${rounds} rounds (medians): without ${a.toFixed(0)} ms, with the SWC adapter ${b.toFixed(0)} ms = ${((b / a - 1) * 100).toFixed(1)} %; CPU time ${ca.toFixed(0)} ms vs ${cb.toFixed(0)} ms = ${((cb / ca - 1) * 100).toFixed(1)} %`)
console.log(JSON.stringify({ without: without.map(Math.round), with: withAdapter.map(Math.round), cpuWithout: cpuWithout.map(Math.round), cpuWith: cpuWith.map(Math.round) }))
