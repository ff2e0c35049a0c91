// fncache.macro/file: a durable cache directory shared safely by any number of processes, with
// sync and async access. Node-only (node:fs). Layout (under `<dir>/v1/`), and why:
//
//   g/<hash(group)>/<hash(key)>  one file per entry: header + full key + tags + value (record.ts),
//                                written to a temp file in the same directory and renamed (atomic);
//                                mtime = expiry, atime = last use, so prune() needs stat() only.
//   g/<hash(group)>/.name        the group's text: the key up to the first ':' after '#' (one
//                                function, layout.ts). Prefix invalidation renames whole matching
//                                group directories away (one rename each) and reads entries only in
//                                groups the prefix ends inside of: never every file.
//   t/<hash(tag)>                append-only index of the entries written with a tag (tag-index.ts).
//                                Invalidation claims it with one rename and removes only those
//                                entries (checked by inode, so a later untagged rewrite survives):
//                                1,000 of 100,000 entries = 1,000 stat+unlink, no reads.
//   gen/table                    65,536 8-byte change stamps, one per shard of keys (generations.ts).
//                                Each change writes a random stamp into its shard's slot before
//                                resolving; a process keeps recently read entries in memory (hot.ts)
//                                and serves them only while their slot (one 8-byte pread) is unchanged.
//   c/<hash(tag)>.<unique>       claimed tag indexes of running invalidations; a concurrent
//                                invalidation of the same tag processes them too (tag-index.ts).
//   trash/                       renamed-away groups and cleared trees, emptied by prune() in slices.
//
// No key or tag text ever reaches a path. Operations run synchronously (a page-cache hit costs
// less than one thread-pool hop); async methods wrap them, and the long ones (tag invalidation,
// prune) yield to the event loop every few milliseconds.

import { join } from 'node:path'
import type { BackendStats, InvalidateOptions, SetOptions, SyncBackend } from '../backend.js'
import { checkGroup, unsafe, type Ctx } from './context.js'
import { Generations } from './generations.js'
import { invalidatePrefix, makeGroup } from './groups.js'
import { HotCache } from './hot.js'
import { FileBackendError, isMissing, mkdirp, realFs, type Fs } from './io.js'
import { Layout, defaultDir, type Location } from './layout.js'
import { resolveOptions, type FileOptions } from './options.js'
import { decodeEntry, encodeEntry } from './record.js'
import { FOREIGN, kindOf, ownUid, readRegular, removeName } from './safe.js'
import { appendLines, closeAll, confirm, lineOf } from './tag-index.js'
import { claimTags, finishTags, removeIfSame } from './tags.js'
import { Sweeper, mtimeOf, type PruneReport } from './sweep.js'
import { Stamps } from './stamps.js'
import { softPrefixes, softStamps, softTags, softWrite } from './soft.js'

export { defaultDir } from './layout.js'
export { FileBackendError } from './io.js'
export type { PruneReport } from './sweep.js'

export type { FileOptions } from './options.js'

/** {@link BackendStats} plus what only the file backend knows. */
export interface FileStats extends BackendStats {
  /** Entries held in this process's memory. */
  memoryEntries: number
  /** The longest prune slice so far, in ms (the event loop was held that long). */
  pruneMaxSliceMs: number
}

let seq = 0

/** A file backend: `configure({ backends: { disk: file({ dir: '.cache/fn' }) } })`. */
export function file(options: FileOptions = {}): FileBackend {
  return new FileBackend(options)
}

export class FileBackend implements SyncBackend {
  readonly kind = 'file'
  readonly dir: string
  readonly maxBytes: number
  readonly maxEntries: number
  readonly #fs: Fs
  readonly #layout: Layout
  readonly #gens: Generations
  readonly #hot: HotCache
  readonly #now: () => number
  readonly #fsync: boolean
  readonly #sweeper: Sweeper
  readonly #c: Ctx
  readonly #counts = { corrupt: 0, errors: 0, expirations: 0, evictions: 0 }
  /** path -> [last use (real ms), expiry]: atimes written back by prune() (cheap approximate LRU). */
  readonly #touched = new Map<string, [number, number]>()
  #ready = false
  #closed = false
  #timer: ReturnType<typeof setInterval> | undefined
  #writes = 0
  #pruning: Promise<PruneReport> | undefined
  #last: PruneReport | undefined

  constructor(options: FileOptions = {}) {
    const o = resolveOptions(options)
    this.dir = o.dir ?? defaultDir()
    this.maxBytes = o.maxBytes
    this.maxEntries = o.maxEntries
    this.#fs = o.fs ?? realFs
    this.#now = o.now
    this.#fsync = o.fsync
    this.#layout = new Layout(this.dir)
    this.#gens = new Generations(this.#fs, this.#layout.gens, o.fileMode)
    this.#hot = new HotCache(o.memoryEntries, o.memoryBytes)
    this.#gens.onReset = () => { this.#hot.clear(); this.#ready = false }
    this.#c = {
      fs: this.#fs, layout: this.#layout, gens: this.#gens, counts: this.#counts, maxEntrySize: o.maxEntrySize,
      fileMode: o.fileMode, dirMode: o.dirMode, owner: (o.dirMode & 0o077) === 0 ? ownUid() : undefined,
    }
    this.#sweeper = new Sweeper({
      ...this.#c, now: this.#now, touched: this.#touched, maxBytes: this.maxBytes, maxEntries: this.maxEntries, sliceMs: o.sliceMs,
    })
    const interval = o.pruneInterval
    if (interval > 0 && interval !== Infinity) {
      this.#timer = setInterval(() => { this.prune().catch(() => {}) }, interval)
      this.#timer.unref?.()
    }
  }

  // --- reads ---

  getSync(key: string): Uint8Array | undefined {
    if (!this.#ready) {
      // A directory that cannot be created holds nothing: a miss. The set that follows reports it.
      try { this.#open() } catch (e) { if ((e as FileBackendError).fsCode === undefined) throw e; return undefined }
    }
    const h = this.#hot.get(key)
    if (h !== undefined) {
      // Served from memory only while no process has changed this shard since the file was read.
      if (this.#gens.snapshot(h.shard) === h.gen && h.expires > this.#now()) {
        this.#touch(h.path, h.expires)
        return h.value
      }
      this.#hot.delete(key)
    }
    return this.#read(key)
  }

  get(key: string): Promise<Uint8Array | undefined> {
    try {
      return Promise.resolve(this.getSync(key))
    } catch (e) {
      return Promise.reject(e)
    }
  }

  #read(key: string): Uint8Array | undefined {
    const loc = this.#layout.locate(key)
    let gen: number
    let buf: Buffer | undefined | typeof FOREIGN
    try {
      gen = this.#gens.snapshot(loc.shard) // before the read: a change during it shows next time
      // Never a link, FIFO or device, never more than maxEntrySize: those are corrupt entries.
      buf = readRegular(this.#fs, loc.path, this.#c.maxEntrySize)
    } catch (e) {
      throw this.#fail('read an entry', e)
    }
    if (buf === undefined) return undefined
    if (buf === FOREIGN) return this.#corrupt(loc)
    const rec = decodeEntry(buf)
    if (rec === undefined || rec.key !== key) return this.#corrupt(loc)
    if (rec.expires <= this.#now()) {
      this.#counts.expirations++
      this.#guard('remove an expired entry', () => this.#remove(loc))
      return undefined
    }
    this.#hot.set(key, { value: rec.value, expires: rec.expires, shard: loc.shard, gen, path: loc.path })
    this.#touch(loc.path, rec.expires)
    return rec.value
  }

  #corrupt(loc: Location): undefined {
    this.#counts.corrupt++
    try { this.#remove(loc) } catch { /* best effort: the next set replaces it */ }
    return undefined
  }

  #touch(path: string, expires: number): void {
    if (this.#touched.size < 50_000) this.#touched.set(path, [this.#stamp(), expires])
  }

  #lastStamp = 0
  /** Real time for access order (not the expiry clock), strictly increasing within the process. */
  #stamp(): number {
    const t = Date.now()
    return (this.#lastStamp = t > this.#lastStamp ? t : this.#lastStamp + 0.01)
  }

  // --- writes ---

  setSync(key: string, value: Uint8Array, options?: SetOptions): boolean | 'stale' {
    this.#open()
    const ttl = options?.ttl
    const expires = ttl === undefined || ttl === Infinity ? Infinity : this.#now() + ttl
    const tags = options?.tags ?? []
    const loc = this.#layout.locate(key)
    this.#hot.delete(key)
    const since = options?.since
    let written: boolean | 'stale' = true
    if (since === undefined) this.#write(loc, encodeEntry(key, value, expires, tags), expires, tags, 0)
    else {
      // A value computed before its key, a prefix of it or one of its tags was invalidated (by any
      // process) is not written. Marked in progress first: see stamps.ts for why that closes the window.
      const stamps = this.#stampsOf()
      const mark = this.#guard('set', () => stamps.begin())
      try {
        if (this.#guard('set', () => stamps.overtook(tags.map((t) => this.#layout.tagHash(t)), 'k' + this.#layout.tagHash(key), key, since))) return false
        // soft invalidation (soft.ts): overtaken by a soft stamp only, the value is written marked stale
        const soft = this.#guard('set', () => softWrite(this.#softOf(), tags.map((t) => this.#layout.tagHash(t)), 'k' + this.#layout.tagHash(key), key, since, value))
        if (soft === undefined) return false
        if (soft !== 'fresh') written = 'stale'
        this.#write(loc, encodeEntry(key, soft === 'fresh' ? value : soft, expires, tags), expires, tags, 0)
      } finally {
        stamps.end(mark)
      }
    }
    if (++this.#writes >= this.#pruneEvery()) {
      this.#writes = 0
      this.prune().catch(() => {})
    }
    return written
  }

  set(key: string, value: Uint8Array, options?: SetOptions): Promise<boolean | 'stale'> {
    try {
      return Promise.resolve(this.setSync(key, value, options))
    } catch (e) {
      return Promise.reject(e)
    }
  }

  /**
   * temp file (same directory) → write → mtime := expiry → [fsync] → tag lines → rename → confirm
   * tag lines → bump the shard's generation. Any failure removes the temp file: no partial entry.
   */
  #write(loc: Location, bytes: Uint8Array, expires: number, tags: readonly string[], attempt: number): void {
    const fs = this.#fs
    // Too big to be read back (maxEntrySize): the old entry goes, the new one is not written.
    if (bytes.length > this.#c.maxEntrySize) return void this.#guard('remove an entry', () => this.#remove(loc))
    // Never write through a link planted as the group directory (or `g/`): it is removed first.
    if (this.#guard('check a group', () => checkGroup(this.#c, loc.groupDir)) === 'foreign') throw this.#fail('write an entry', unsafe(loc.groupDir, 'not a directory of this user'))
    const tmp = join(loc.groupDir, `.t${process.pid}-${++seq}`)
    let fd = -1
    let renamed = false
    try {
      try {
        fd = fs.openSync(tmp, 'wx', this.#c.fileMode)
      } catch (e) {
        if (!isMissing(e)) throw e
        makeGroup(this.#c, loc.groupDir, loc.group)
        fd = fs.openSync(tmp, 'wx', this.#c.fileMode)
      }
      for (let off = 0; off < bytes.length;) off += fs.writeSync(fd, bytes, off, bytes.length - off)
      fs.futimesSync(fd, this.#stamp() / 1000, mtimeOf(expires) / 1000)
      if (this.#fsync) fs.fsyncSync(fd)
      const ino = tags.length > 0 ? fs.fstatSync(fd).ino : 0
      fs.closeSync(fd)
      fd = -1
      const paths = tags.map((t) => this.#layout.tagPath(t))
      const line = lineOf(loc.gh, loc.kh, ino)
      const tagFds = tags.length > 0 ? appendLines(fs, paths, line, this.#c.fileMode) : []
      try {
        fs.renameSync(tmp, loc.path)
        renamed = true
      } finally {
        if (!renamed) closeAll(fs, tagFds)
      }
      if (tags.length > 0) confirm(fs, paths, tagFds, line, this.#c.fileMode)
      if (this.#fsync) this.#syncDir(loc.groupDir)
      this.#gens.bump(loc.shard)
    } catch (e) {
      if (fd >= 0) try { fs.closeSync(fd) } catch { /* closed */ }
      if (!renamed) try { fs.unlinkSync(tmp) } catch { /* moved or never made */ }
      if (!renamed && isMissing(e) && fd < 0) {
        // The group directory was renamed away by a concurrent invalidation or clear: write again.
        // After a few such races in a row the write is dropped; it raced invalidations each time.
        if (attempt < 4) return this.#write(loc, bytes, expires, tags, attempt + 1)
        return
      }
      throw this.#fail('write an entry', e)
    }
  }

  #syncDir(dir: string): void {
    const fd = this.#fs.openSync(dir, 'r')
    try { this.#fs.fsyncSync(fd) } finally { this.#fs.closeSync(fd) }
  }

  #pruneEvery(): number {
    return this.maxEntries === Infinity ? 10_000 : Math.max(64, Math.min(10_000, Math.floor(this.maxEntries / 8)))
  }

  // --- deletes and invalidation ---

  #remove(loc: Location): boolean {
    // Removing through a planted group link would delete a file elsewhere: check, then unlink the name.
    const removed = checkGroup(this.#c, loc.groupDir) === 'dir' && removeName(this.#fs, loc.path)
    // Even when absent: another process may have unlinked it and not bumped yet.
    this.#gens.bump(loc.shard)
    return removed
  }

  deleteSync(key: string, options?: InvalidateOptions): boolean {
    this.#open()
    this.#hot.delete(key)
    return this.#guard('delete an entry', () => {
      if (options?.at !== undefined) {
        this.#stampsOf().raise('k' + this.#layout.tagHash(key), options.at)
        this.#stampsOf().drain()
      }
      return this.#remove(this.#layout.locate(key))
    })
  }

  delete(key: string, options?: InvalidateOptions): Promise<boolean> {
    return this.#async(() => this.deleteSync(key, options))
  }

  invalidateTagsSync(tags: readonly string[], options?: InvalidateOptions): number {
    this.#open()
    if (options?.soft === true) return this.#guard('invalidate tags', () => softTags(this.#c, tags, this.#softStamp(tags, undefined, options.at)))
    return this.#guard('invalidate tags', () => {
      this.#stampTags(tags, options)
      const work = claimTags(this.#c, tags)
      let n = 0
      for (const [rel, ino] of work.lines) n += removeIfSame(this.#c, rel, ino, work)
      return finishTags(this.#c, work, n)
    })
  }

  async invalidateTags(tags: readonly string[], options?: InvalidateOptions): Promise<number> {
    this.#open()
    if (options?.soft === true) return this.invalidateTagsSync(tags, options)
    const work = this.#guard('invalidate tags', () => {
      this.#stampTags(tags, options)
      return claimTags(this.#c, tags)
    })
    let n = 0
    let t0 = performance.now()
    for (const [rel, ino] of work.lines) {
      n += this.#guard('invalidate tags', () => removeIfSame(this.#c, rel, ino, work))
      // Yield every ~5 ms: 1,000 entries take ~20 ms, and other callers should not wait for all of it.
      if (performance.now() - t0 > 5) {
        await new Promise((r) => setImmediate(r))
        t0 = performance.now()
      }
    }
    return this.#guard('invalidate tags', () => finishTags(this.#c, work, n))
  }

  #stamps: Stamps | undefined
  #softStamps: Stamps | undefined

  #softOf(): Stamps {
    return (this.#softStamps ??= softStamps(this.#c))
  }

  /** Soft stamps first, then the writes in progress elsewhere are waited for (as for hard stamps); returns the time. */
  #softStamp(tags: readonly string[] | undefined, prefixes: readonly string[] | undefined, at = Date.now()): number {
    const soft = this.#softOf()
    for (const tag of new Set(tags ?? [])) soft.raise(this.#layout.tagHash(tag), at)
    if (prefixes !== undefined) soft.raisePrefixes(prefixes, at)
    this.#stampsOf().drain()
    return at
  }

  #stampsOf(): Stamps {
    return (this.#stamps ??= new Stamps(this.#fs, this.#layout.stamps))
  }

  /**
   * Stamps come before the claim: a write that checks after the stamp is refused; one that checked
   * before it is waited for (drain), so its line is in the claimed index and its entry in place.
   */
  #stampTags(tags: readonly string[], options: InvalidateOptions | undefined): void {
    if (options?.at === undefined) return
    for (const tag of new Set(tags)) this.#stampsOf().raise(this.#layout.tagHash(tag), options.at)
    this.#stampsOf().drain()
  }

  invalidatePrefixSync(prefixes: readonly string[], options?: InvalidateOptions): number {
    this.#open()
    if (options?.soft === true) return this.#guard('invalidate prefixes', () => softPrefixes(this.#c, prefixes, this.#softStamp(undefined, prefixes, options.at)))
    return this.#guard('invalidate prefixes', () => {
      if (options?.at !== undefined) {
        this.#stampsOf().raisePrefixes(prefixes, options.at)
        this.#stampsOf().drain()
      }
      const n = invalidatePrefix(this.#c, prefixes)
      // Always: a concurrent invalidation may have moved the group away and not bumped yet.
      this.#gens.bumpAll()
      return n
    })
  }

  invalidatePrefix(prefixes: readonly string[], options?: InvalidateOptions): Promise<number> {
    return this.#async(() => this.invalidatePrefixSync(prefixes, options))
  }

  clearSync(options?: InvalidateOptions): void {
    this.#open()
    this.#guard('clear', () => {
      if (options?.at !== undefined) {
        this.#stampsOf().raisePrefixes([''], options.at)
        this.#stampsOf().drain()
      }
      const stamp = `${process.pid}-${++seq}`
      for (const sub of [this.#layout.groups, this.#layout.tags]) {
        try { this.#fs.renameSync(sub, join(this.#layout.trash, `${sub.slice(-1)}.${stamp}`)) } catch (e) { if (!isMissing(e)) throw e }
        mkdirp(this.#fs, sub, this.#c.dirMode)
      }
      this.#hot.clear()
      this.#gens.bumpAll()
    })
  }

  clear(options?: InvalidateOptions): Promise<void> {
    return this.#async(() => this.clearSync(options))
  }

  // --- maintenance ---

  /**
   * Removes expired entries, evicts the least recently used beyond maxEntries/maxBytes, and deletes
   * leftovers (trash, temp files of killed writers, stale claims), in slices that each hold the
   * event loop under ~10 ms. Runs on a timer too; concurrent calls share one run.
   */
  prune(): Promise<PruneReport> {
    if (this.#closed) return Promise.reject(new FileBackendError('prune', this.dir, new Error('the backend is closed')))
    if (this.#pruning) return this.#pruning
    this.#ready = false // each prune checks again that v1/ and its directories are still ours
    try { this.#open() } catch (e) { return Promise.reject(e) }
    const p = this.#sweeper.run().then((r) => { this.#last = r; return r }, (e) => { throw this.#fail('prune', e) })
    this.#pruning = p
    const done = () => { if (this.#pruning === p) this.#pruning = undefined }
    p.then(done, done)
    return p
  }

  stats(): FileStats {
    const s: FileStats = { ...this.#counts, memoryEntries: this.#hot.size, pruneMaxSliceMs: this.#sweeper.maxSliceMs }
    if (this.#last) {
      s.entries = this.#last.entries
      s.bytes = this.#last.bytes
    }
    return s
  }

  async close(): Promise<void> {
    if (this.#closed) return
    this.#closed = true
    this.#ready = false // reads go through #open() again, which refuses: a closed backend serves nothing
    if (this.#timer) clearInterval(this.#timer)
    await this.#pruning?.catch(() => {})
    this.#gens.close()
    this.#hot.clear()
  }

  #open(): void {
    if (this.#closed) throw new FileBackendError('use the cache', this.dir, new Error('the backend is closed'))
    if (this.#ready) return
    try {
      const dirs = [this.#layout.groups, this.#layout.tags, this.#layout.gens, this.#layout.trash, this.#layout.claims, this.#layout.stamps]
      for (const d of dirs) mkdirp(this.#fs, d, this.#c.dirMode)
      // The directory given is trusted (it may be a link); everything under v1/ must be ours.
      for (const d of [this.#layout.root, ...dirs]) {
        if (kindOf(this.#fs, d, this.#c.owner) !== 'dir') throw unsafe(d, 'not a directory of this user (a link?)')
      }
    } catch (e) {
      throw this.#fail('create the cache directory', e)
    }
    this.#ready = true
  }

  #guard<T>(operation: string, f: () => T): T {
    try {
      return f()
    } catch (e) {
      throw this.#fail(operation, e)
    }
  }

  #async<T>(f: () => T): Promise<T> {
    try {
      return Promise.resolve(f())
    } catch (e) {
      return Promise.reject(e)
    }
  }

  #fail(operation: string, e: unknown): FileBackendError {
    if (e instanceof FileBackendError) return e
    this.#counts.errors++
    return new FileBackendError(operation, this.dir, e)
  }
}
