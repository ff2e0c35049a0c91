// Invalidation reaches every entry whatever namespace it was stored under: configure()'s, the
// function's own (the transform config's `namespace`, emitted as a wrap() option), or both.
// Real file backend and a byte backend; the matrix test adds Redis, tiered and the compilers.

import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { configure, invalidatePrefix, invalidateTags } from '../../runtime/index.js'
import { wrap } from '../../runtime/internal.js'
import { file } from '../../runtime/backends/file/index.js'
import { bytesBackend } from '../helpers/bytes-backend.js'
import { fresh } from '../helpers/runtime.js'

const test = suite('namespaces')
const dirs: string[] = []
test.before.each(() => { fresh() })
test.after(() => { for (const d of dirs) rmSync(d, { recursive: true, force: true }) })

const SPACES = [
  { name: 'no namespace', configure: undefined, fn: undefined },
  { name: 'configure({ namespace })', configure: 'cfg', fn: undefined },
  { name: 'function namespace (transform config)', configure: undefined, fn: 'app' },
  { name: 'both', configure: 'cfg', fn: 'app' },
] as const

const KINDS = [
  { name: 'invalidateTags', run: (_f: { id: string }) => invalidateTags(['user:1']) },
  { name: 'invalidatePrefix', run: (f: { key(id: string): string }) => invalidatePrefix([f.key('1')]) },
  { name: 'fn.invalidate', run: (f: { invalidate(id: string): Promise<boolean> }) => f.invalidate('1') },
  { name: 'fn.clear', run: (f: { clear(): Promise<void> }) => f.clear() },
] as const

let seq = 0
for (const backend of ['file', 'bytes'] as const) {
  for (const space of SPACES) {
    for (const kind of KINDS) {
      test(`${backend}, ${space.name}: ${kind.name} reaches the entry`, async () => {
        let be
        if (backend === 'file') {
          const dir = mkdtempSync(join(tmpdir(), 'fncache-ns-'))
          dirs.push(dir)
          be = file({ dir, pruneInterval: 0 })
        } else be = bytesBackend()
        configure({ backends: { b: be }, ...(space.configure ? { namespace: space.configure } : {}) })
        const s = { db: 'v1', n: 0 }
        // What the transform emits for `cached(async (id) => ..., { tags: ['user:{id}'] })` with a namespace in its config.
        const f = wrap(async (id: string) => { s.n++; return `${id}=${s.db}` }, {
          id: `ns-${++seq}`, compiled: true, async: true, params: ['id'], backend: 'b',
          tags: (_r: unknown, id: string) => [`user:${id}`],
          ...(space.fn ? { namespace: space.fn } : {}),
        } as never) as unknown as ((id: string) => Promise<string>) & { id: string; key(id: string): string; invalidate(id: string): Promise<boolean>; clear(): Promise<void> }
        assert.is(await f('1'), '1=v1')
        assert.is(await f('1'), '1=v1')
        assert.is(s.n, 1, 'stored and served')
        s.db = 'v2'
        await kind.run(f as never)
        assert.is(await f('1'), '1=v2', 'the next call recomputes')
        assert.is(s.n, 2)
        await be.close()
      })
    }
  }
}

test.run()
