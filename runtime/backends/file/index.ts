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
//   gen/table slot 65,536        the stamp epoch: moved by every invalidation stamp (stamps.ts).
//   s/                           invalidation stamps (tags, keys, prefixes; soft ones in s/soft/)
//                                and write marks, one counter file per instance (s/m/, marks.ts).
//   c/<hash(tag)>.<unique>       claimed tag indexes of running invalidations; a concurrent
//                                invalidation of the same tag processes them too (tag-index.ts).
//   trash/                       renamed-away groups and cleared trees, emptied by prune() in slices.
//
// This module wires the steps (read.ts, set.ts, write.ts, invalidation.ts, soft.ts, sweep.ts) and
// gives each its sync and async form. No key or tag text ever reaches a path. Operations run synchronously (a page-cache hit costs
// less than one thread-pool hop); async methods wrap them, and the long ones (tag invalidation,
// prune) yield to the event loop every few milliseconds.

import type { BackendStats, InvalidateOptions, SetOptions, SyncBackend } from '../backend.js'
import { openDirs } from './context.js'
import { Generations } from './generations.js'
import { HotCache } from './hot.js'
import { clearAll, deleteKey, invalidatePrefixes, invalidateTagsNow, invalidateTagsYielding, type InvalidationCtx } from './invalidation.js'
import { FileBackendError, realFs, type Fs } from './io.js'
import { Layout, defaultDir } from './layout.js'
import { resolveOptions, type FileOptions } from './options.js'
import { getEntry, type ReadCtx } from './read.js'
import { ownUid } from './safe.js'
import { storeEntry } from './set.js'
import { Sweeper, type PruneReport, type Touch } from './sweep.js'
import { Stamps } from './stamps.js'
import type { WriteCtx } from './write.js'
import { softInvalidatePrefixes, softInvalidateTags } from './soft.js'
import { enableBytes } from '../../call/bytes-call.js'

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
  readonly #sweeper: Sweeper
  /** What the step modules (write.ts, invalidation.ts, groups.ts, tags.ts, sweep.ts) share. */
  readonly #c: WriteCtx & InvalidationCtx & ReadCtx
  readonly #counts = { corrupt: 0, errors: 0, expirations: 0, evictions: 0 }
  /** path -> last use (real ms) and expiry: atimes written back by prune() (cheap approximate LRU). */
  readonly #touched = new Map<string, Touch>()
  #ready = false
  #closed = false
  #timer: ReturnType<typeof setInterval> | undefined
  #writes = 0
  #pruning: Promise<PruneReport> | undefined
  #last: PruneReport | undefined

  constructor(options: FileOptions = {}) {
    // This backend stores bytes: load the byte path (a memory-only app never does).
    enableBytes()
    const o = resolveOptions(options)
    this.dir = o.dir ?? defaultDir()
    this.maxBytes = o.maxBytes
    this.maxEntries = o.maxEntries
    this.#fs = o.fs ?? realFs
    this.#now = o.now
    this.#layout = new Layout(this.dir)
    this.#gens = new Generations(this.#fs, this.#layout.gens, o.fileMode)
    this.#hot = new HotCache(o.memoryEntries, o.memoryBytes)
    this.#gens.onReset = () => { this.#hot.clear(); this.#ready = false }
    this.#c = {
      fs: this.#fs, layout: this.#layout, gens: this.#gens, counts: this.#counts, maxEntrySize: o.maxEntrySize,
      fileMode: o.fileMode, dirMode: o.dirMode, owner: (o.dirMode & 0o077) === 0 ? ownUid() : undefined,
      fsync: o.fsync, stamp: () => this.#stamp(), fail: (operation, e) => this.#fail(operation, e),
      stamps: () => this.#stampsOf(), guard: (operation, f) => this.#guard(operation, f),
      hot: this.#hot, now: this.#now, touch: (path, t) => this.#touch(path, t),
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
    return getEntry(this.#c, key)
  }

  get(key: string): Promise<Uint8Array | undefined> {
    try {
      return Promise.resolve(this.getSync(key))
    } catch (e) {
      return Promise.reject(e)
    }
  }

  #touch(path: string, t: Touch): void {
    t.used = this.#stamp()
    // The entry's own record is filed (no allocation per hit); a later use only updates it.
    if (this.#touched.get(path) !== t && this.#touched.size < 50_000) this.#touched.set(path, t)
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
    const written = storeEntry(this.#c, key, value, options)
    if (written !== false && ++this.#writes >= this.#pruneEvery()) {
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

  #pruneEvery(): number {
    return this.maxEntries === Infinity ? 10_000 : Math.max(64, Math.min(10_000, Math.floor(this.maxEntries / 8)))
  }

  // --- deletes and invalidation ---

  deleteSync(key: string, options?: InvalidateOptions): boolean {
    this.#open()
    this.#hot.delete(key)
    return deleteKey(this.#c, key, options)
  }

  delete(key: string, options?: InvalidateOptions): Promise<boolean> {
    return this.#async(() => this.deleteSync(key, options))
  }

  invalidateTagsSync(tags: readonly string[], options?: InvalidateOptions): number {
    this.#open()
    if (options?.soft === true) return softInvalidateTags(this.#c, tags, options.at)
    return invalidateTagsNow(this.#c, tags, options)
  }

  invalidateTags(tags: readonly string[], options?: InvalidateOptions): Promise<number> {
    try {
      this.#open()
      if (options?.soft === true) return Promise.resolve(softInvalidateTags(this.#c, tags, options.at))
      return invalidateTagsYielding(this.#c, tags, options)
    } catch (e) {
      return Promise.reject(e)
    }
  }

  invalidatePrefixSync(prefixes: readonly string[], options?: InvalidateOptions): number {
    this.#open()
    if (options?.soft === true) return softInvalidatePrefixes(this.#c, prefixes, options.at)
    return invalidatePrefixes(this.#c, prefixes, options)
  }

  invalidatePrefix(prefixes: readonly string[], options?: InvalidateOptions): Promise<number> {
    return this.#async(() => this.invalidatePrefixSync(prefixes, options))
  }

  clearSync(options?: InvalidateOptions): void {
    this.#open()
    clearAll(this.#c, options)
    this.#hot.clear()
  }

  clear(options?: InvalidateOptions): Promise<void> {
    return this.#async(() => this.clearSync(options))
  }

  #stamps: Stamps | undefined

  #stampsOf(): Stamps {
    return (this.#stamps ??= new Stamps(this.#fs, this.#layout.stamps, this.#gens))
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
    this.#stamps?.marks.close()
    this.#gens.close()
    this.#hot.clear()
  }

  #open(): void {
    if (this.#closed) throw new FileBackendError('use the cache', this.dir, new Error('the backend is closed'))
    if (this.#ready) return
    try {
      openDirs(this.#c)
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
