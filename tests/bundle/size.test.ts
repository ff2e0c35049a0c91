// The size guard (issue 15): a memory-only app, compiled by the SWC path and bundled like a client
// build (esbuild --bundle --minify --platform=browser, from this checkout's source, as bench
// scenario 12 does), must stay within its gzip budget plus 10 %, and must not contain the byte
// path at all: byte backends register it when they are made (call/bytes-call.ts enableBytes);
// nor the run-time option normaliser: compiled code calls wrapCompiled (runtime/wrap-compiled.ts).
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { gzipSync } from 'node:zlib'
import { build, type Metafile } from 'esbuild'
import { expand } from '../../swc-plugin/index.js'
import { ROOT } from '../helpers/package-layout.js'

/**
 * Gzip bytes of the memory-only app below. The target is 10 KB; the split reached 16.6 KB
 * (it was 35.6 KB before it), validate / earlyRefresh / emptyTtl (issue 19) took it to 18.3 KB,
 * and compiled code calling wrapCompiled (no run-time option normaliser, feature modules only
 * when used) brought it to 12.8 KB. Lower it when the runtime gets leaner; raising it needs a
 * reason in the commit.
 */
const BUDGET_GZIP = 12.8 * 1024
const SLACK = 1.1

/** Modules compiled code with build-checked options never needs: the run-time option normaliser and its table. */
const NORMALISER = /(^|\/)(runtime\/(options|uncompiled|nearest|duration)\.ts|shared\/(options|params|nearest|duration)\.ts)$/

/** Modules only byte backends need: none may be in a memory-only bundle. */
const BYTE_PATH = /(^|\/)(runtime\/(codec|codec-values|cbor-scan|record|sign|hash|breaker)\.ts|runtime\/call\/(bytes-call|bytes-flow|put-flow)\.ts|cbor-x\/)/

// Inside the repository, so 'fncache.macro' resolves to this checkout (package self-reference).
const DIR = join(ROOT, `.cache/size-test-${process.pid}`)
process.on('exit', () => rmSync(DIR, { recursive: true, force: true }))

const APP = `import cached from 'fncache.macro'
export const getUser = cached(async function getUser(id: string) { return { id } }, { ttl: '5m' })
export const out = [await getUser('1'), await getUser('1')]`

async function bundle(source: string, platform: 'browser' | 'node' = 'browser'): Promise<{ min: number; gzip: number; inputs: string[] }> {
  mkdirSync(DIR, { recursive: true })
  const out = expand(source, { filename: join(ROOT, 'src', 'app.ts'), cwd: ROOT, configFile: false })
  assert.ok(out && /compiled: true/.test(out.code), 'the app was expanded by the SWC path')
  const entry = join(DIR, 'app.ts')
  writeFileSync(entry, out!.code)
  const outfile = join(DIR, 'app.min.mjs')
  const r = await build({
    entryPoints: [entry], outfile, bundle: true, format: 'esm', minify: true, platform, metafile: true, external: ['ioredis'],
    logLevel: 'error', conditions: ['fncache-source'], nodePaths: [join(ROOT, 'node_modules')],
  })
  const code = readFileSync(outfile)
  const output = Object.values((r.metafile as Metafile).outputs)[0]!
  const inputs = Object.entries(output.inputs).filter(([, v]) => v.bytesInOutput > 0).map(([k]) => k)
  return { min: code.length, gzip: gzipSync(code).length, inputs }
}

const size = suite('memory-only bundle')

size('carries no byte path and stays within its gzip budget (+10 %)', async () => {
  const { min, gzip, inputs } = await bundle(APP)
  console.log(`memory-only app: ${(min / 1024).toFixed(1)} KB min, ${(gzip / 1024).toFixed(1)} KB gzip (budget ${(BUDGET_GZIP / 1024).toFixed(1)} KB +10 %)`)
  const bytePath = inputs.filter((f) => BYTE_PATH.test(f))
  assert.equal(bytePath, [], `byte-path modules in a memory-only bundle: ${bytePath.join(', ')}`)
  const normaliser = inputs.filter((f) => NORMALISER.test(f))
  assert.equal(normaliser, [], `option-normaliser modules in a compiled memory-only bundle: ${normaliser.join(', ')}`)
  assert.ok(gzip <= BUDGET_GZIP * SLACK, `the memory-only app is ${gzip} bytes gzip, over ${Math.round(BUDGET_GZIP * SLACK)} (budget ${BUDGET_GZIP} + 10 %). Inputs: ${inputs.join(', ')}`)
})

size('an app that makes a byte backend gets the byte path', async () => {
  const { inputs } = await bundle(`import cached, { configure } from 'fncache.macro'
import { redis } from 'fncache.macro/redis'
export const connect = () => configure({ backends: { shared: redis({ url: 'redis://127.0.0.1:1' }) } })
export const getUser = cached(async function getUser(id: string) { return { id } }, { ttl: '5m', backend: 'shared' })`, 'node')
  assert.ok(inputs.some((f) => /runtime\/call\/bytes-call\.ts$/.test(f)), 'bytes-call.ts is bundled')
  assert.ok(inputs.some((f) => /runtime\/record\.ts$/.test(f)), 'record.ts is bundled')
})

size.run()
