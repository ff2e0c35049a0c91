// The Backend contract, run against every backend: `backendSuite(name, create)`. A backend
// passes when it stores bytes under keys, honours ttl and tags, invalidates by tag and prefix,
// and keeps its sync twins consistent with the async methods.

import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import type { Backend } from '../../../runtime/backends/backend.js'

export interface Harness {
  backend: Backend
  /** Moves the backend's clock forward (a fake clock, or the real one for servers). */
  advance(ms: number): Promise<void> | void
  cleanup?(): Promise<void> | void
}

const bytes = (s: string) => new TextEncoder().encode(s)
const text = (b: Uint8Array | undefined) => (b === undefined ? undefined : new TextDecoder().decode(b))

export function backendSuite(name: string, create: () => Promise<Harness> | Harness): void {
  const s = suite<{ h: Harness }>(`Backend contract: ${name}`)
  s.before.each(async (ctx) => { ctx.h = await create() })
  s.after.each(async (ctx) => {
    await ctx.h.backend.close()
    await ctx.h.cleanup?.()
  })

  s('get() returns undefined for a missing key', async ({ h }) => {
    assert.is(await h.backend.get('missing'), undefined)
  })

  s('set() then get() returns the same bytes; set() replaces', async ({ h }) => {
    await h.backend.set('a', bytes('one'))
    assert.is(text(await h.backend.get('a')), 'one')
    await h.backend.set('a', bytes('two'))
    assert.is(text(await h.backend.get('a')), 'two')
  })

  s('keys are exact: no key sees another key', async ({ h }) => {
    const keys = ['k', 'k ', 'K', 'k:1', 'k:10', 'ü', '😀', '../etc/passwd', 'a*b?[c]', 'x'.repeat(300)]
    for (const k of keys) await h.backend.set(k, bytes('v' + k))
    for (const k of keys) assert.is(text(await h.backend.get(k)), 'v' + k, k)
  })

  s('binary values round-trip byte for byte', async ({ h }) => {
    const all = new Uint8Array(256).map((_, i) => i)
    await h.backend.set('bin', all)
    assert.equal(Array.from((await h.backend.get('bin'))!), Array.from(all))
  })

  s('delete() returns true if a record was deleted, false otherwise', async ({ h }) => {
    await h.backend.set('d', bytes('x'))
    assert.is(await h.backend.delete('d'), true)
    assert.is(await h.backend.delete('d'), false)
    assert.is(await h.backend.get('d'), undefined)
  })

  s('a record with a ttl is gone once the ttl passes', async ({ h }) => {
    await h.backend.set('t', bytes('x'), { ttl: 1000 })
    await h.advance(500)
    assert.is(text(await h.backend.get('t')), 'x')
    await h.advance(600)
    assert.is(await h.backend.get('t'), undefined)
  })

  s('invalidateTags() removes every record under any of the tags, and only those', async ({ h }) => {
    await h.backend.set('u1', bytes('1'), { tags: ['users', 'user:1'] })
    await h.backend.set('u2', bytes('2'), { tags: ['users', 'user:2'] })
    await h.backend.set('p1', bytes('p'), { tags: ['posts'] })
    await h.backend.set('plain', bytes('x'))
    await h.backend.invalidateTags(['user:1'])
    assert.is(await h.backend.get('u1'), undefined)
    assert.is(text(await h.backend.get('u2')), '2')
    await h.backend.invalidateTags(['users', 'nothing'])
    assert.is(await h.backend.get('u2'), undefined)
    assert.is(text(await h.backend.get('p1')), 'p')
    assert.is(text(await h.backend.get('plain')), 'x')
  })

  s('a record set again without a tag is no longer under it', async ({ h }) => {
    await h.backend.set('r', bytes('1'), { tags: ['t'] })
    await h.backend.set('r', bytes('2'))
    await h.backend.invalidateTags(['t'])
    assert.is(text(await h.backend.get('r')), '2')
  })

  s('invalidatePrefix() removes the records whose key starts with a prefix', async ({ h }) => {
    for (const k of ['src/a.ts#f:1', 'src/a.ts#f:2', 'src/a.ts#g:1', 'src/b.ts#f:1', 'src/a.ts#f*:1']) await h.backend.set(k, bytes(k))
    await h.backend.invalidatePrefix(['src/a.ts#f:'])
    assert.is(await h.backend.get('src/a.ts#f:1'), undefined)
    assert.is(await h.backend.get('src/a.ts#f:2'), undefined)
    assert.is(text(await h.backend.get('src/a.ts#g:1')), 'src/a.ts#g:1')
    assert.is(text(await h.backend.get('src/a.ts#f*:1')), 'src/a.ts#f*:1', 'glob characters are literal')
    await h.backend.invalidatePrefix(['src/a.ts#', 'src/b'])
    assert.is(await h.backend.get('src/a.ts#g:1'), undefined)
    assert.is(await h.backend.get('src/b.ts#f:1'), undefined)
  })

  s('clear() removes everything', async ({ h }) => {
    await h.backend.set('a', bytes('1'), { tags: ['t'] })
    await h.backend.set('b', bytes('2'))
    await h.backend.clear()
    assert.is(await h.backend.get('a'), undefined)
    assert.is(await h.backend.get('b'), undefined)
  })

  s('stats() answers without throwing', async ({ h }) => {
    await h.backend.set('a', bytes('1'))
    const st = h.backend.stats()
    assert.type(st, 'object')
    if (st.entries !== undefined) assert.is(st.entries, 1)
  })

  s('sync twins, when present, agree with the async methods', async ({ h }) => {
    const b = h.backend
    if (!b.getSync) return
    b.setSync!('s', bytes('sync'), { tags: ['st'] })
    assert.is(text(await b.get('s')), 'sync')
    await b.set('a', bytes('async'))
    assert.is(text(b.getSync('a')), 'async')
    assert.is(b.invalidateTagsSync!(['st']) >= 0, true)
    assert.is(b.getSync('s'), undefined)
    b.invalidatePrefixSync!(['a'])
    assert.is(b.getSync('a'), undefined)
    b.setSync!('z', bytes('z'))
    assert.is(b.deleteSync!('z'), true)
    b.setSync!('y', bytes('y'))
    b.clearSync!()
    assert.is(b.getSync('y'), undefined)
  })

  s.run()
}
