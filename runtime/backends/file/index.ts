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
import { typeError, describe } from '../../errors.js'
import { Generations } from './generations.js'
import { HotCache } from './hot.js'
import { FileBackendError, code, isMissing, mkdirp, realFs, unlinkIfPresent, type Fs } from './io.js'
import { Layout, defaultDir, isEntryName, shardOf, type Location } from './layout.js'
import { decodeEntry, encodeEntry } from './record.js'
import { appendLines, claim, closeAll, confirm, lineOf } from './tag-index.js'
import { Sweeper, mtimeOf, type PruneReport } from './sweep.js'
import { Stamps } from './stamps.js'

export { defaultDir } from './layout.js'
export { FileBackendError } from './io.js'
export type { PruneReport } from './sweep.js'

/** Options of {@link file}. */
export interface FileOptions {
  /**
   * The cache directory, created on first use.
   * @default `node_modules/.cache/fncache` under the nearest package root of `process.cwd()`, else
   * `$XDG_CACHE_HOME/fncache` or `~/.cache/fncache` (`%LOCALAPPDATA%\fncache` on Windows)
   */
  dir?: string
  /**
   * Allocated bytes on disk (blocks, not value length) above which {@link FileBackend.prune}
   * evicts the least recently used entries. `Infinity`: no byte bound.
   * @default 1 GiB
   */
  maxBytes?: number
  /** Entries above which prune() evicts the least recently used. `Infinity`: no bound. @default 100_000 */
  maxEntries?: number
  /** fsync each entry and its directory before a set resolves (survives power loss; much slower). @default false */
  fsync?: boolean
  /** The clock for expiry, in ms since the epoch (tests pass a fake one). @default Date.now */
  now?: () => number
  /** Entries this process keeps in memory to answer hits without reading files; 0 disables. @default 20_000 */
  memoryEntries?: number
  /** Bytes of values this process keeps in memory. @default 32 MiB */
  memoryBytes?: number
  /**
   * Milliseconds between background prunes (expired entries, bounds, leftovers), which run in
   * slices of under 10 ms. `0`: only when prune() is called or this process has written a lot.
   * @default 60_000
   */
  pruneInterval?: number
  /** @internal a `node:fs` stand-in, to inject faults (ENOSPC, EACCES, EROFS) in tests. */
  fs?: Fs
  /** @internal the longest a prune slice may run, in ms. @default 8 */
  sliceMs?: number
}

/** {@link BackendStats} plus what only the file backend knows. */
export interface FileStats extends BackendStats {
  /** Entries held in this process's memory. */
  memoryEntries: number
  /** The longest prune slice so far, in ms (the event loop was held that long). */
  pruneMaxSliceMs: number
}

const GiB = 1024 ** 3
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
    if (options === null || typeof options !== 'object') throw typeError('E_OPTION', `file() expects an options object; received ${describe(options)}.`)
    const known = ['dir', 'maxBytes', 'maxEntries', 'fsync', 'now', 'memoryEntries', 'memoryBytes', 'pruneInterval', 'fs', 'sliceMs']
    for (const k of Object.keys(options)) {
      if (!known.includes(k)) throw typeError('E_OPTION', `file() has no option "${k}"; valid options are ${known.slice(0, 8).join(', ')}.`)
    }
    const count = (name: string, v: unknown, dflt: number, min: number): number => {
      if (v === undefined) return dflt
      if (v === Infinity || (typeof v === 'number' && Number.isInteger(v) && v >= min)) return v
      throw typeError('E_OPTION', `file(): option ${name} must be an integer >= ${min} or Infinity; received ${describe(v)}.`)
    }
    if (options.dir !== undefined && (typeof options.dir !== 'string' || options.dir === '')) {
      throw typeError('E_OPTION', `file(): option dir must be a non-empty path string; received ${describe(options.dir)}.`)
    }
    if (options.now !== undefined && typeof options.now !== 'function') throw typeError('E_OPTION', `file(): option now must be a function returning milliseconds; received ${describe(options.now)}.`)
    this.dir = options.dir ?? defaultDir()
    this.maxBytes = count('maxBytes', options.maxBytes, GiB, 1)
    this.maxEntries = count('maxEntries', options.maxEntries, 100_000, 1)
    const interval = count('pruneInterval', options.pruneInterval, 60_000, 0)
    this.#fs = options.fs ?? realFs
    this.#now = options.now ?? Date.now
    this.#fsync = options.fsync === true
    this.#layout = new Layout(this.dir)
    this.#gens = new Generations(this.#fs, this.#layout.gens)
    this.#hot = new HotCache(count('memoryEntries', options.memoryEntries, 20_000, 0), count('memoryBytes', options.memoryBytes, 32 * 1024 * 1024, 0))
    this.#gens.onReset = () => { this.#hot.clear(); this.#ready = false }
    this.#sweeper = new Sweeper({
      fs: this.#fs, layout: this.#layout, gens: this.#gens, now: this.#now, counts: this.#counts,
      touched: this.#touched, maxBytes: this.maxBytes, maxEntries: this.maxEntries, sliceMs: options.sliceMs ?? 8,
    })
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
    let buf: Buffer
    try {
      gen = this.#gens.snapshot(loc.shard) // before the read: a change during it shows next time
      buf = this.#fs.readFileSync(loc.path)
    } catch (e) {
      if (isMissing(e)) return undefined
      if (code(e) === 'EISDIR') return this.#corrupt(loc)
      throw this.#fail('read an entry', e)
    }
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

  setSync(key: string, value: Uint8Array, options?: SetOptions): void {
    this.#open()
    const ttl = options?.ttl
    const expires = ttl === undefined || ttl === Infinity ? Infinity : this.#now() + ttl
    const tags = options?.tags ?? []
    const loc = this.#layout.locate(key)
    this.#hot.delete(key)
    const since = options?.since
    // A value computed before one of its tags was invalidated (by any process) is not written.
    if (since !== undefined && tags.length > 0 &&
      this.#guard('set', () => this.#stampsOf().overtook(tags.map((t) => this.#layout.tagHash(t)), since))) return
    this.#write(loc, encodeEntry(key, value, expires, tags), expires, tags, 0)
    if (++this.#writes >= this.#pruneEvery()) {
      this.#writes = 0
      this.prune().catch(() => {})
    }
  }

  set(key: string, value: Uint8Array, options?: SetOptions): Promise<void> {
    try {
      this.setSync(key, value, options)
      return Promise.resolve()
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
    const tmp = join(loc.groupDir, `.t${process.pid}-${++seq}`)
    let fd = -1
    let renamed = false
    try {
      try {
        fd = fs.openSync(tmp, 'wx')
      } catch (e) {
        if (code(e) !== 'ENOENT') throw e
        this.#makeGroup(loc)
        fd = fs.openSync(tmp, 'wx')
      }
      for (let off = 0; off < bytes.length;) off += fs.writeSync(fd, bytes, off, bytes.length - off)
      fs.futimesSync(fd, this.#stamp() / 1000, mtimeOf(expires) / 1000)
      if (this.#fsync) fs.fsyncSync(fd)
      const ino = tags.length > 0 ? fs.fstatSync(fd).ino : 0
      fs.closeSync(fd)
      fd = -1
      const paths = tags.map((t) => this.#layout.tagPath(t))
      const line = lineOf(loc.gh, loc.kh, ino)
      const tagFds = tags.length > 0 ? appendLines(fs, paths, line) : []
      try {
        fs.renameSync(tmp, loc.path)
        renamed = true
      } finally {
        if (!renamed) closeAll(fs, tagFds)
      }
      if (tags.length > 0) confirm(fs, paths, tagFds, line)
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

  #makeGroup(loc: Location): void {
    if (!mkdirp(this.#fs, loc.groupDir)) return
    // A new group: record its text for prefix invalidation (readers treat a missing .name as "scan").
    const tmp = join(loc.groupDir, `.n${process.pid}-${++seq}`)
    const fd = this.#fs.openSync(tmp, 'w')
    try { this.#fs.writeSync(fd, loc.group) } finally { this.#fs.closeSync(fd) }
    this.#fs.renameSync(tmp, join(loc.groupDir, '.name'))
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
    const removed = unlinkIfPresent(this.#fs, loc.path)
    // Even when absent: another process may have unlinked it and not bumped yet.
    this.#gens.bump(loc.shard)
    return removed
  }

  deleteSync(key: string): boolean {
    this.#open()
    this.#hot.delete(key)
    return this.#guard('delete an entry', () => this.#remove(this.#layout.locate(key)))
  }

  delete(key: string): Promise<boolean> {
    return this.#async(() => this.deleteSync(key))
  }

  invalidateTagsSync(tags: readonly string[], options?: InvalidateOptions): number {
    this.#open()
    return this.#guard('invalidate tags', () => {
      this.#stampTags(tags, options)
      const work = this.#claimTags(tags)
      let n = 0
      for (const [rel, ino] of work.lines) n += this.#removeIfSame(rel, ino, work.shards)
      return this.#finishTags(work, n)
    })
  }

  async invalidateTags(tags: readonly string[], options?: InvalidateOptions): Promise<number> {
    this.#open()
    const work = this.#guard('invalidate tags', () => {
      this.#stampTags(tags, options)
      return this.#claimTags(tags)
    })
    let n = 0
    let t0 = performance.now()
    for (const [rel, ino] of work.lines) {
      n += this.#guard('invalidate tags', () => this.#removeIfSame(rel, ino, work.shards))
      // Yield every ~5 ms: 1,000 entries take ~20 ms, and other callers should not wait for all of it.
      if (performance.now() - t0 > 5) {
        await new Promise((r) => setImmediate(r))
        t0 = performance.now()
      }
    }
    return this.#guard('invalidate tags', () => this.#finishTags(work, n))
  }

  #stamps: Stamps | undefined

  #stampsOf(): Stamps {
    return (this.#stamps ??= new Stamps(this.#fs, this.#layout.stamps))
  }

  /** Stamps come before the claim: a write that checks after the stamp is refused, one before it is in the claimed index. */
  #stampTags(tags: readonly string[], options: InvalidateOptions | undefined): void {
    if (options?.at === undefined) return
    for (const tag of new Set(tags)) this.#stampsOf().raise(this.#layout.tagHash(tag), options.at)
  }

  #claimTags(tags: readonly string[]): { lines: Map<string, number>; claimed: string[]; shards: Set<number> } {
    const lines = new Map<string, number>()
    const claimed: string[] = []
    for (const tag of new Set(tags)) {
      const th = this.#layout.tagHash(tag)
      const c = claim(this.#fs, join(this.#layout.tags, th), this.#layout.claims, th)
      if (c.claimed !== undefined) claimed.push(c.claimed)
      // An entry rewritten with the tag is listed once per inode: whichever is current goes.
      for (const l of c.lines) lines.set(l.rel + ' ' + l.ino, l.ino)
    }
    return { lines, claimed, shards: new Set() }
  }

  /** Removes the entry at `rel` if it is still the file written with the tag (same inode). */
  #removeIfSame(relIno: string, ino: number, shards: Set<number>): number {
    const rel = relIno.slice(0, relIno.indexOf(' '))
    const path = join(this.#layout.groups, rel)
    // Bumped even when the entry is already gone: a concurrent invalidation may have removed it
    // without bumping yet, and this one must not resolve while readers could still serve it.
    shards.add(shardOf(rel.slice(33)))
    let st
    try { st = this.#fs.statSync(path) } catch (e) { if (isMissing(e)) return 0; throw e }
    return st.ino === ino && unlinkIfPresent(this.#fs, path) ? 1 : 0
  }

  #finishTags(work: { claimed: string[]; shards: Set<number> }, n: number): number {
    for (const s of work.shards) this.#gens.bump(s)
    for (const c of work.claimed) unlinkIfPresent(this.#fs, c)
    return n
  }

  invalidatePrefixSync(prefixes: readonly string[]): number {
    this.#open()
    return this.#guard('invalidate prefixes', () => {
      const fs = this.#fs
      let n = 0
      let groups: string[]
      try { groups = fs.readdirSync(this.#layout.groups) } catch (e) { if (isMissing(e)) return 0; throw e }
      for (const gh of groups) {
        const dir = join(this.#layout.groups, gh)
        const name = this.#groupName(dir)
        if (name !== null && prefixes.some((p) => name.startsWith(p))) {
          n += this.#trashGroup(dir, gh)
        } else if (name === null || prefixes.some((p) => p.startsWith(name))) {
          n += this.#scanGroup(dir, prefixes)
        }
      }
      // Always: a concurrent invalidation may have moved the group away and not bumped yet.
      this.#gens.bumpAll()
      return n
    })
  }

  invalidatePrefix(prefixes: readonly string[]): Promise<number> {
    return this.#async(() => this.invalidatePrefixSync(prefixes))
  }

  #groupName(dir: string): string | null {
    try {
      return this.#fs.readFileSync(join(dir, '.name'), 'utf8')
    } catch (e) {
      if (isMissing(e)) return null
      throw e
    }
  }

  /** One rename makes the whole group invisible; prune() deletes the files later, in slices. */
  #trashGroup(dir: string, gh: string): number {
    const to = join(this.#layout.trash, `${gh}.${process.pid}-${++seq}`)
    try {
      this.#fs.renameSync(dir, to)
    } catch (e) {
      if (isMissing(e)) return 0
      throw e
    }
    return this.#fs.readdirSync(to).filter(isEntryName).length
  }

  /** The prefix ends inside this group's keys: read this group's entries (and only these). */
  #scanGroup(dir: string, prefixes: readonly string[]): number {
    let n = 0
    let names: string[]
    try { names = this.#fs.readdirSync(dir) } catch (e) { if (isMissing(e)) return 0; throw e }
    for (const name of names) {
      if (!isEntryName(name)) continue
      const path = join(dir, name)
      let buf: Buffer
      try { buf = this.#fs.readFileSync(path) } catch (e) { if (isMissing(e)) continue; throw e }
      const rec = decodeEntry(buf)
      if (rec === undefined || prefixes.some((p) => rec.key.startsWith(p))) {
        if (unlinkIfPresent(this.#fs, path) && rec !== undefined) n++
      }
    }
    return n
  }

  clearSync(): void {
    this.#open()
    this.#guard('clear', () => {
      const stamp = `${process.pid}-${++seq}`
      for (const sub of [this.#layout.groups, this.#layout.tags]) {
        try { this.#fs.renameSync(sub, join(this.#layout.trash, `${sub.slice(-1)}.${stamp}`)) } catch (e) { if (!isMissing(e)) throw e }
        mkdirp(this.#fs, sub)
      }
      this.#hot.clear()
      this.#gens.bumpAll()
    })
  }

  clear(): Promise<void> {
    return this.#async(() => this.clearSync())
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
      for (const d of [this.#layout.groups, this.#layout.tags, this.#layout.gens, this.#layout.trash, this.#layout.claims, this.#layout.stamps]) mkdirp(this.#fs, d)
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
