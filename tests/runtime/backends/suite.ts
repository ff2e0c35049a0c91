// The Backend contract, run against every backend: `backendSuite(name, create, expect)`. A backend
// passes when it stores bytes under keys, honours ttl and tags, invalidates by tag and prefix and
// says exactly how many records it removed, reports the counters it promises (`expect`), refuses
// stale writes when it stamps tags, closes cleanly, and keeps its sync twins consistent.

import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import type { Backend, BackendStats } from '../../../runtime/backends/backend.js'

export interface Harness {
  backend: Backend
  /** Moves the backend's clock forward (a fake clock, or the real one for servers). */
  advance(ms: number): Promise<void> | void
  /** The backend's clock, for `since` and `at` (ms). @default Date.now */
  now?: () => number
  cleanup?(): Promise<void> | void
}

/** What a backend promises beyond the common contract; the suite holds it to exactly that. */
export interface Expect {
  /** The stats() counters it always reports as numbers (all 0 on a new backend). */
  counters: readonly (keyof BackendStats)[]
  /**
   * How stats().entries follows writes: `'live'` at once, `'prune'` after its `prune()`, `'none'`
   * never reported (the store is shared and not counted), `'l1'` the entries of its in-process
   * tier (tiered(): the values the runtime holds, not the shared records).
   */
  entries: 'live' | 'prune' | 'none' | 'l1'
  /** stats().expirations counts a record found expired when read. */
  expirations: boolean
  /** It stamps tag invalidations and refuses a write whose `since` is at or before a stamp. */
  stamps: boolean
}

const bytes = (s: string) => new TextEncoder().encode(s)
const text = (b: Uint8Array | undefined) => (b === undefined ? undefined : new TextDecoder().decode(b))

/** Settles `p` or fails the test: an operation on a closed backend must not hang. */
function settles<T>(p: Promise<T>, what: string): Promise<{ value?: T; error?: unknown }> {
  let timer: ReturnType<typeof setTimeout>
  const hung = new Promise<never>((_, reject) => { timer = setTimeout(() => reject(new Error(`${what} did not settle within 30 s`)), 30_000) })
  return Promise.race([p.then((value) => ({ value }), (error) => ({ error })), hung]).finally(() => clearTimeout(timer))
}

export function backendSuite(name: string, create: () => Promise<Harness> | Harness, expect: Expect): void {
  const s = suite<{ h: Harness }>(`Backend contract: ${name}`)
  s.before.each(async (ctx) => { ctx.h = await create() })
  s.after.each(async (ctx) => {
    await ctx.h.backend.close()
    await ctx.h.cleanup?.()
  })

  /** stats().entries once the backend has counted (after prune() where that is how it counts). */
  const entries = async (b: Backend): Promise<number | undefined> => {
    if (expect.entries === 'prune') await (b as Backend & { prune(): Promise<unknown> }).prune()
    return b.stats().entries
  }

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
    // On a server's real clock a stall under load can push the read past the ttl: the read is
    // judged when the time measured since the write began is inside the ttl, else the write is
    // retried, so a late read neither passes nor fails by chance. (Fake clocks: the first one.)
    let judged = false
    for (let attempt = 0; attempt < 5 && !judged; attempt++) {
      const t0 = performance.now()
      await h.backend.set('t', bytes('x'), { ttl: 1000 })
      await h.advance(500)
      const got = text(await h.backend.get('t'))
      if (performance.now() - t0 < 1000) { assert.is(got, 'x'); judged = true }
    }
    assert.ok(judged, 'five writes in a row were read back only after their ttl: the machine stalled past it each time')
    await h.advance(600)
    assert.is(await h.backend.get('t'), undefined)
  })

  s('invalidateTags() removes every record under any of the tags, only those, and returns how many', async ({ h }) => {
    await h.backend.set('u1', bytes('1'), { tags: ['users', 'user:1'] })
    await h.backend.set('u2', bytes('2'), { tags: ['users', 'user:2'] })
    await h.backend.set('p1', bytes('p'), { tags: ['posts'] })
    await h.backend.set('plain', bytes('x'))
    assert.is(await h.backend.invalidateTags(['user:1']), 1)
    assert.is(await h.backend.get('u1'), undefined)
    assert.is(text(await h.backend.get('u2')), '2')
    assert.is(await h.backend.invalidateTags(['users', 'nothing']), 1)
    assert.is(await h.backend.get('u2'), undefined)
    assert.is(text(await h.backend.get('p1')), 'p')
    assert.is(text(await h.backend.get('plain')), 'x')
    assert.is(await h.backend.invalidateTags(['users']), 0, 'nothing left under the tag')
  })

  s('a record under several invalidated tags is removed and counted once', async ({ h }) => {
    await h.backend.set('m', bytes('1'), { tags: ['a', 'b'] })
    await h.backend.set('n', bytes('2'), { tags: ['b'] })
    assert.is(await h.backend.invalidateTags(['a', 'b']), 2)
    assert.is(await h.backend.get('m'), undefined)
    assert.is(await h.backend.get('n'), undefined)
  })

  s('a record set again without a tag is no longer under it', async ({ h }) => {
    await h.backend.set('r', bytes('1'), { tags: ['t'] })
    await h.backend.set('r', bytes('2'))
    assert.is(await h.backend.invalidateTags(['t']), 0)
    assert.is(text(await h.backend.get('r')), '2')
  })

  s('invalidatePrefix() removes the records whose key starts with a prefix, and returns how many', async ({ h }) => {
    for (const k of ['src/a.ts#f:1', 'src/a.ts#f:2', 'src/a.ts#g:1', 'src/b.ts#f:1', 'src/a.ts#f*:1']) await h.backend.set(k, bytes(k))
    assert.is(await h.backend.invalidatePrefix(['src/a.ts#f:']), 2)
    assert.is(await h.backend.get('src/a.ts#f:1'), undefined)
    assert.is(await h.backend.get('src/a.ts#f:2'), undefined)
    assert.is(text(await h.backend.get('src/a.ts#g:1')), 'src/a.ts#g:1')
    assert.is(text(await h.backend.get('src/a.ts#f*:1')), 'src/a.ts#f*:1', 'glob characters are literal')
    assert.is(await h.backend.invalidatePrefix(['src/a.ts#', 'src/b']), 3)
    assert.is(await h.backend.get('src/a.ts#g:1'), undefined)
    assert.is(await h.backend.get('src/b.ts#f:1'), undefined)
    assert.is(await h.backend.invalidatePrefix(['src/']), 0)
  })

  s('clear() removes everything', async ({ h }) => {
    await h.backend.set('a', bytes('1'), { tags: ['t'] })
    await h.backend.set('b', bytes('2'))
    await h.backend.clear()
    assert.is(await h.backend.get('a'), undefined)
    assert.is(await h.backend.get('b'), undefined)
    assert.is(await h.backend.invalidateTags(['t']), 0, 'clear() emptied the tag too')
  })

  s('stats() of a new backend: the promised counters, all zero', async ({ h }) => {
    const st = h.backend.stats()
    for (const c of expect.counters) assert.is(st[c], 0, c)
    if (expect.entries === 'none') assert.is(st.entries, undefined, 'entries is not reported')
    else if (expect.entries === 'l1') assert.equal([st.entries, (h.backend as unknown as { l1: Backend }).l1.stats().entries], [0, 0])
    else assert.is(await entries(h.backend), 0, 'entries')
  })

  s('stats().entries follows sets, replacements, deletes, invalidations and clear()', async ({ h }) => {
    if (expect.entries !== 'live' && expect.entries !== 'prune') return
    const b = h.backend
    await b.set('a', bytes('1'), { tags: ['t'] })
    await b.set('b', bytes('2'), { tags: ['t'] })
    await b.set('c', bytes('3'))
    await b.set('c', bytes('33'))
    await b.set('d', bytes('4'))
    assert.is(await entries(b), 4)
    await b.delete('d')
    assert.is(await entries(b), 3)
    await b.invalidateTags(['t'])
    assert.is(await entries(b), 1)
    await b.clear()
    assert.is(await entries(b), 0)
  })

  s('stats().expirations counts a record read after its ttl; no other counter moves', async ({ h }) => {
    const b = h.backend
    await b.set('t', bytes('x'), { ttl: 1000 })
    await b.set('u', bytes('y'))
    await h.advance(1100)
    assert.is(await b.get('t'), undefined)
    assert.is(text(await b.get('u')), 'y')
    const st = b.stats()
    if (expect.expirations) assert.is(st.expirations, 1)
    for (const c of expect.counters) if (c !== 'expirations') assert.is(st[c], 0, c)
  })

  s('a write whose computation started at or before a tag\'s invalidation is refused, if the backend stamps tags', async ({ h }) => {
    const b = h.backend
    const at = (h.now ?? Date.now)()
    await b.set('before', bytes('0'), { tags: ['t'] })
    assert.is(await b.invalidateTags(['t'], { at }), 1)
    await b.set('stale', bytes('1'), { tags: ['t'], since: at - 1 })
    await b.set('same', bytes('2'), { tags: ['x', 't'], since: at })
    await b.set('later', bytes('3'), { tags: ['t'], since: at + 1 })
    await b.set('other', bytes('4'), { tags: ['other'], since: at - 1 })
    await b.set('untagged', bytes('5'), { since: at - 1 })
    const got = async (k: string) => text(await b.get(k))
    assert.is(await got('stale'), expect.stamps ? undefined : '1')
    assert.is(await got('same'), expect.stamps ? undefined : '2')
    assert.is(await got('later'), '3')
    assert.is(await got('other'), '4')
    assert.is(await got('untagged'), '5')
    assert.is(await b.invalidateTags(['t']), expect.stamps ? 1 : 3, 'only stored records are filed under the tag')
  })

  s('close() settles, twice; afterwards an operation settles instead of hanging, and serves nothing', async ({ h }) => {
    const b = h.backend
    await b.set('k', bytes('v'))
    assert.is((await settles(b.close(), 'close()')).error, undefined)
    assert.is((await settles(b.close(), 'a second close()')).error, undefined)
    const after = await settles(b.get('k'), 'get() after close()')
    assert.is(after.value, undefined, 'no record is served by a closed backend')
  })

  s('sync twins, when present, agree with the async methods', async ({ h }) => {
    const b = h.backend
    if (!b.getSync) return
    b.setSync!('s', bytes('sync'), { tags: ['st'] })
    assert.is(text(await b.get('s')), 'sync')
    await b.set('a', bytes('async'))
    assert.is(text(b.getSync('a')), 'async')
    assert.is(b.invalidateTagsSync!(['st']), 1)
    assert.is(b.getSync('s'), undefined)
    assert.is(b.invalidatePrefixSync!(['a']), 1)
    assert.is(b.getSync('a'), undefined)
    b.setSync!('z', bytes('z'))
    assert.is(b.deleteSync!('z'), true)
    assert.is(b.deleteSync!('z'), false)
    b.setSync!('y', bytes('y'))
    b.clearSync!()
    assert.is(b.getSync('y'), undefined)
    assert.is(await b.get('y'), undefined)
  })

  s.run()
}
