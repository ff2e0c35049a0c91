// The read-your-writes matrix (issue 11): update the source of truth, invalidate, read back, with
// a computation in flight in this process and one in another process (a real child process),
// over {memory, file, Redis, Redis Cluster, tiered} x {invalidate, invalidateTags,
// invalidatePrefix, clear, CLI} x {no namespace, configure({ namespace }), transform-config
// namespace} x {Babel, SWC, uncompiled}. Judged by values and counts, never by timing.
// One test file per backend runs `matrix(kind)`, so the runner spreads them over its workers.

import { spawn, type ChildProcess } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { compile, ROOT } from '../transform/compile.js'
import { expand } from '../../swc-plugin/index.js'
import { configure, invalidatePrefix, invalidateTags } from '../../runtime/index.js'
import { main as cli } from '../../cli/index.js'
import { makeBackend, hook, type BackendKind, type BackendSpec } from '../fixtures/matrix/backend.js'
import { redisOrSkip, startCluster, startRedis } from './redis-server.js'
import { resetForTests } from '../../runtime/configure.js'

const CHILD = fileURLToPath(new URL('../fixtures/matrix/child.ts', import.meta.url))
const SOURCE = `import cached from 'fncache.macro'
const h = globalThis.__fncacheMatrix
export const get = cached(async function get(id) { return h.compute(id) }, { tags: ['user:{id}'], backend: 'm' })
`
const uncompiled = (ns: string | undefined) => `import { cached } from 'fncache.macro/runtime'
const h = globalThis.__fncacheMatrix
export const get = cached(async function get(id) { return h.compute(id) }, { id: 'matrix-uncompiled${ns ? '-' + ns : ''}#get', tags: ['user:{id}'], backend: 'm'${ns ? `, namespace: '${ns}'` : ''} })
`

type Compiler = 'babel' | 'swc' | 'uncompiled'
type Space = 'none' | 'configure' | 'transform'
type Kind = 'invalidate' | 'invalidateTags' | 'invalidatePrefix' | 'clear' | 'cli'
const COMPILERS: Compiler[] = ['babel', 'swc', 'uncompiled']
const SPACES: Space[] = ['none', 'configure', 'transform']
const KINDS: Kind[] = ['invalidate', 'invalidateTags', 'invalidatePrefix', 'clear', 'cli']

type Mod = { get: ((id: string) => Promise<string>) & { invalidate(id: string): Promise<boolean>; clear(): Promise<void>; key(id: string): string } }

/** Writes the module as each compiler builds it (inside the package, so `fncache.macro` resolves to this source). */
function buildModules(dir: string): Record<Compiler, Record<'none' | 'app', string>> {
  const out = {} as Record<Compiler, Record<'none' | 'app', string>>
  for (const c of COMPILERS) {
    out[c] = {} as Record<'none' | 'app', string>
    for (const ns of ['none', 'app'] as const) {
      const file = join(dir, `m-${c}-${ns}.mjs`)
      const filename = join(dir, `m-${c}-${ns}.ts`)
      const config = ns === 'app' ? { namespace: 'app' } : undefined
      let code: string
      if (c === 'babel') code = compile(SOURCE, filename, config ? { config } : {}).code!
      else if (c === 'swc') code = expand(SOURCE, { filename, configFile: false, ...(config ?? {}) })!.code
      else code = uncompiled(ns === 'app' ? 'app' : undefined)
      assert.ok(c === 'uncompiled' || /compiled: true/.test(code), `${c} expanded the wrap`)
      if (ns === 'app' && c !== 'uncompiled') assert.match(code, /namespace: "app"|namespace: 'app'/)
      writeFileSync(file, code)
      out[c][ns] = file
    }
  }
  return out
}

interface Child { send(msg: object): Promise<any>; kill(): void }

function startChild(): Child {
  const proc: ChildProcess = spawn(process.execPath, ['--conditions=fncache-source', '--import', 'tsx', CHILD], { stdio: ['pipe', 'pipe', 'inherit'], cwd: ROOT })
  const waiting: ((l: string) => void)[] = []
  createInterface({ input: proc.stdout! }).on('line', (l) => waiting.shift()?.(l))
  return {
    send: (msg) => new Promise((resolve, reject) => {
      waiting.push((line) => {
        const r = JSON.parse(line)
        if (r.error) reject(new Error(`child: ${r.error}`))
        else resolve(r)
      })
      proc.stdin!.write(JSON.stringify(msg) + '\n')
    }),
    kill: () => { if (proc.exitCode === null) proc.kill('SIGKILL') },
  }
}

const silently = async <T>(f: () => Promise<T>): Promise<T> => {
  const write = process.stdout.write
  process.stdout.write = (() => true) as never
  try { return await f() } finally { process.stdout.write = write }
}

export async function matrix(kind: BackendKind): Promise<void> {
  if (kind !== 'memory' && kind !== 'file' && !redisOrSkip(`the ${kind} matrix`)) return
  const cacheDir = join(ROOT, '.cache') // gitignored, inside the package: `fncache.macro` resolves to this source
  mkdirSync(cacheDir, { recursive: true })
  const modDir = mkdtempSync(join(cacheDir, `fncache-matrix-${kind}-`))
  const cleanups: (() => Promise<void> | void)[] = [() => rmSync(modDir, { recursive: true, force: true })]
  let spec: BackendSpec = { kind }
  if (kind === 'file') {
    const dir = mkdtempSync(join(tmpdir(), 'fncache-matrix-'))
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }))
    spec = { kind, dir }
  } else if (kind === 'redis' || kind === 'tiered') {
    const server = await startRedis()
    cleanups.push(() => server.stop())
    spec = { kind, url: server.url }
  } else if (kind === 'cluster') {
    const c = await startCluster()
    cleanups.push(() => c.stop())
    spec = { kind, startup: c.startup }
  }
  const modules = buildModules(modDir)
  const child = kind === 'memory' ? null : startChild()
  if (child) cleanups.push(() => child.kill())

  const test = suite(`read-your-writes matrix: ${kind}`)
  test.after(async () => { for (const c of cleanups.reverse()) await c() })

  // One hook per process: the modules read it once, when first imported.
  const h = hook()
  let seq = 0
  for (const space of SPACES) {
    test(`${kind}, ${space === 'none' ? 'no namespace' : space === 'configure' ? 'configure({ namespace })' : 'transform-config namespace'}: every entry point x every compiler`, async () => {
      resetForTests()
      const backend = await makeBackend(spec)
      cleanups.push(() => backend.close().catch(() => {}))
      configure({ backends: { m: backend }, ...(space === 'configure' ? { namespace: 'cfg' } : {}) })
      await child?.send({ cmd: 'backend', spec, namespace: space === 'configure' ? 'cfg' : '' })
      let ran = 0
      for (const compiler of COMPILERS) {
        const file = modules[compiler][space === 'transform' ? 'app' : 'none']
        const { get } = (await import(pathToFileURL(file).href)) as Mod
        for (const k of KINDS) {
          // The CLI reaches memory of no process; it has no Cluster support.
          if (k === 'cli' && (kind === 'memory' || kind === 'cluster')) continue
          const id = `k${++seq}`
          const where = `${compiler} / ${k} / ${id}`
          h.db = 'v1'
          h.n = 0
          // A computation in flight here, and one in another process, both reading v1.
          const held = h.hold()
          const a = get(id)
          await held.started
          if (child) assert.is((await child.send({ cmd: 'start', file, id, db: 'v1' })).ok, true)
          h.db = 'v2'
          await invalidate(k, get, id, spec, space)
          // The one assumption: clocks agree. A computation that starts in the very millisecond its
          // invalidation was stamped may have its write refused (safe, one more computation later), so
          // b starts in a later millisecond than anything the invalidation stamped.
          const at = Date.now()
          while (Date.now() <= at) await new Promise((r) => setTimeout(r, 1))
          // Where this process heard of the invalidation, b starts afresh at once; where it could not
          // (the CLI, on file and Redis) it waits for the call in flight, whose write is refused, and
          // then starts afresh. Either way it never returns the older value.
          const b = get(id)
          if (child) assert.is((await child.send({ cmd: 'release' })).value, `${id}=v1`, `${where}: the other process's caller gets its own result`)
          held.release()
          assert.is(await a, `${id}=v1`, `${where}: the detached call still answers its own caller`)
          assert.is(await b, `${id}=v2`, `${where}: a call after the invalidation resolved sees the update`)
          assert.is(h.n, 2, `${where}: computed once before and once after the invalidation`)
          assert.is(await get(id), `${id}=v2`, `${where}: no late write replaced the update`)
          assert.is(h.n, 2, `${where}: served from the cache`)
          if (child) {
            const r = await child.send({ cmd: 'read', file, id, db: 'v3' })
            assert.is(r.value, `${id}=v2`, `${where}: the other process reads the update back (no stale L1, no late write)`)
          }
          ran++
        }
      }
      assert.ok(ran >= 12, `${ran} scenarios`)
    })
  }

  async function invalidate(k: Kind, get: Mod['get'], id: string, s: BackendSpec, space: Space): Promise<void> {
    switch (k) {
      case 'invalidate': await get.invalidate(id); return
      case 'invalidateTags': await invalidateTags([`user:${id}`]); return
      case 'invalidatePrefix': await invalidatePrefix([get.key(id)]); return
      case 'clear': await get.clear(); return
      case 'cli': {
        const target = s.kind === 'file' ? ['--dir', s.dir!] : ['--redis', s.url!, '--namespace', s.kind === 'tiered' ? 'mxt' : 'mx']
        const scope = space === 'configure' ? ['--scope', 'cfg'] : space === 'transform' ? ['--scope', 'app'] : []
        const code = await silently(() => cli(['invalidate', ...target, ...scope, '--tag', `user:${id}`, '--json', '--no-progress']))
        assert.is(code, 0, 'the CLI succeeded')
      }
    }
  }

  test.run()
}
