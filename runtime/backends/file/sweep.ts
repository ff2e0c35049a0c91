// prune(): expired entries, LRU eviction beyond maxEntries/maxBytes, and leftovers (trash, temp
// files of killed writers, stale tag claims), as a generator of small steps driven in slices that
// each hold the event loop for at most `sliceMs` (8 ms by default): stat() per file, no reads.

import { join } from 'node:path'
import { checkGroup, type Ctx } from './context.js'
import { isMissing, type Fs } from './io.js'
import { shardOf } from './layout.js'
import { isHash, removeName } from './safe.js'

/** The mtime of an entry that never expires (2100-01-01): mtime holds the expiry, see index.ts. */
export const NEVER_MS = 4_102_444_800_000
export const mtimeOf = (expires: number): number => (expires >= NEVER_MS ? NEVER_MS : Math.max(0, expires))

/** Temp files and claims older than this (real time) belong to a writer that died. */
const LEFTOVER_MS = 60_000

export interface PruneReport {
  /** Entries and allocated bytes left on disk after this prune. */
  entries: number
  bytes: number
  expired: number
  evicted: number
  /** Temp files, stale claims and trashed files removed. */
  leftovers: number
  slices: number
  /** The longest slice of this run, in ms. */
  maxSliceMs: number
}

// Nothing here follows a link: lstat, lutimes, and unlink of the name itself. A link or special
// file planted in trash/, as a group or as an entry is removed as a name, never entered or read.
/** A use of an entry file; the read copy's entries are their own (hot.ts), so a hit allocates none. */
export interface Touch { used: number; expires: number }

export interface SweepContext extends Ctx {
  now: () => number
  /** Entry path -> its last use (real ms) and expiry: atimes written back by prune(). */
  touched: Map<string, Touch>
  maxBytes: number
  maxEntries: number
  sliceMs: number
}

export class Sweeper {
  readonly #c: SweepContext
  maxSliceMs = 0

  constructor(c: SweepContext) {
    this.#c = c
  }

  async run(): Promise<PruneReport> {
    const rep: PruneReport = { entries: 0, bytes: 0, expired: 0, evicted: 0, leftovers: 0, slices: 0, maxSliceMs: 0 }
    const steps = this.#sweep(rep)
    for (;;) {
      const t0 = performance.now()
      let r: IteratorResult<void, void>
      do r = steps.next(); while (!r.done && performance.now() - t0 < this.#c.sliceMs)
      const ms = performance.now() - t0
      rep.slices++
      if (ms > rep.maxSliceMs) rep.maxSliceMs = ms
      if (ms > this.maxSliceMs) this.maxSliceMs = ms
      if (r.done) return rep
      await new Promise((res) => setImmediate(res))
    }
  }

  *#sweep(rep: PruneReport): Generator<void, void> {
    const { fs, layout } = this.#c
    // 1. Access times recorded by hits become atimes (one utimes per used entry, not per hit).
    const touched = [...this.#c.touched]
    this.#c.touched.clear()
    const checked = new Map<string, boolean>()
    for (const [path, { used: at, expires }] of touched) {
      // lutimes: an entry replaced by a link is not followed; its group directory is checked once.
      const group = path.slice(0, -33)
      let ok = checked.get(group)
      if (ok === undefined) {
        try { ok = checkGroup(this.#c, group) === 'dir' } catch { ok = false }
        checked.set(group, ok)
      }
      if (ok) try { fs.lutimesSync(path, at / 1000, mtimeOf(expires) / 1000) } catch { /* gone or rewritten */ }
      yield
    }
    // 2. Trash: groups and trees already invisible to readers.
    for (const name of yield* this.#list(layout.trash)) rep.leftovers += yield* this.#removeTree(join(layout.trash, name))
    // 3. Claims of tag invalidations that died midway.
    for (const name of yield* this.#list(layout.claims)) {
      rep.leftovers += this.#removeIfOld(join(layout.claims, name))
      yield
    }
    // 4. Scan: expire, and collect what stays for the bounds.
    const now = this.#c.now()
    const paths: string[] = []
    const atimes: number[] = []
    const sizes: number[] = []
    for (const gh of yield* this.#list(layout.groups)) {
      // Only names of the layout's shape; a link or file planted as a group is removed (checkGroup).
      if (!isHash(gh)) { this.#c.counts.corrupt++; continue } // not ours: counted, left alone
      const dir = join(layout.groups, gh)
      if (checkGroup(this.#c, dir) !== 'dir') continue
      for (const name of yield* this.#list(dir)) {
        const path = join(dir, name)
        if (!isHash(name)) {
          if (name !== '.name') rep.leftovers += this.#removeIfOld(path)
        } else {
          const st = stat(fs, path)
          if (st === undefined) continue
          if (!st.isFile()) {
            // A link, FIFO or directory where an entry belongs: the name goes (a directory stays).
            if (removeName(fs, path)) this.#c.counts.corrupt++
          } else if (st.mtimeMs < NEVER_MS - 1000 && st.mtimeMs <= now) {
            if (this.#unlink(path, name)) { rep.expired++; this.#c.counts.expirations++ }
          } else {
            paths.push(path)
            atimes.push(st.atimeMs)
            sizes.push(Math.max(st.size, (st.blocks ?? 0) * 512))
          }
        }
        yield
      }
    }
    rep.entries = paths.length
    rep.bytes = sizes.reduce((a, b) => a + b, 0)
    // 5. Bounds: evict the least recently used. A histogram of atimes instead of a sort, so no
    // step is O(n log n) in one go.
    let needEntries = rep.entries - this.#c.maxEntries
    let needBytes = rep.bytes - this.#c.maxBytes
    if (needEntries <= 0 && needBytes <= 0) return
    let lo = Infinity
    let hi = -Infinity
    for (const a of atimes) { if (a < lo) lo = a; if (a > hi) hi = a }
    const B = 4096
    const width = (hi - lo) / B || 1
    const bucket = (a: number) => Math.min(B - 1, Math.floor((a - lo) / width))
    const counts = new Float64Array(B)
    const bytes = new Float64Array(B)
    for (let i = 0; i < paths.length; i++) {
      const b = bucket(atimes[i]!)
      counts[b]!++
      bytes[b]! += sizes[i]!
      if ((i & 1023) === 0) yield
    }
    // Every bucket below `cut` goes; within `cut`, entries go until the bounds hold.
    let cut = 0
    for (let e = needEntries, y = needBytes; cut < B && (e > 0 || y > 0); cut++) { e -= counts[cut]!; y -= bytes[cut]! }
    cut--
    for (let i = 0; i < paths.length && (needEntries > 0 || needBytes > 0); i++) {
      const b = bucket(atimes[i]!)
      if (b >= cut) continue // the cut bucket: below, oldest first
      if (this.#unlink(paths[i]!, undefined)) { rep.evicted++; this.#c.counts.evictions++ }
      needEntries--; needBytes -= sizes[i]!
      rep.entries--; rep.bytes -= sizes[i]!
      yield
    }
    // Within the cut bucket, oldest first (a small sort: one bucket's entries).
    const last: number[] = []
    for (let i = 0; i < paths.length; i++) if (bucket(atimes[i]!) === cut) last.push(i)
    last.sort((a, b) => atimes[a]! - atimes[b]!)
    for (const i of last) {
      if (needEntries <= 0 && needBytes <= 0) break
      if (this.#unlink(paths[i]!, undefined)) { rep.evicted++; this.#c.counts.evictions++ }
      needEntries--; needBytes -= sizes[i]!
      rep.entries--; rep.bytes -= sizes[i]!
      yield
    }
  }

  #unlink(path: string, name: string | undefined): boolean {
    try {
      this.#c.fs.unlinkSync(path)
    } catch (e) {
      if (isMissing(e)) return false
      throw e
    }
    this.#c.gens.bump(shardOf(name ?? path.slice(-32)))
    return true
  }

  #removeIfOld(path: string): number {
    const st = stat(this.#c.fs, path)
    if (st === undefined || Date.now() - st.ctimeMs < LEFTOVER_MS) return 0
    try { return removeName(this.#c.fs, path) ? 1 : 0 } catch { return 0 }
  }

  /** Directory names, read a few at a time (a directory of 100,000 entries is not one step). */
  *#list(dir: string): Generator<void, string[]> {
    let d
    try { d = this.#c.fs.opendirSync(dir) } catch (e) { if (isMissing(e)) return []; throw e }
    const names: string[] = []
    try {
      for (let e = d.readSync(); e !== null; e = d.readSync()) {
        names.push(e.name)
        if ((names.length & 255) === 0) yield
      }
    } finally {
      d.closeSync()
    }
    return names
  }

  *#removeTree(path: string): Generator<void, number> {
    let n = 0
    // lstat: a link in trash/ is a name to unlink, never a tree to enter.
    const st = stat(this.#c.fs, path)
    if (st === undefined) return 0
    if (st.isDirectory()) {
      for (const name of yield* this.#list(path)) n += yield* this.#removeTree(join(path, name))
      try { this.#c.fs.rmdirSync(path) } catch { /* someone else emptied it */ }
    } else {
      try { this.#c.fs.unlinkSync(path); n++ } catch { /* gone */ }
      yield
    }
    return n
  }
}

function stat(fs: Fs, path: string) {
  try {
    return fs.lstatSync(path)
  } catch (e) {
    if (isMissing(e)) return undefined
    throw e
  }
}
