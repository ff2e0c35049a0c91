// Invalidation stamps, under `v1/s/`:
//   <hash(tag)>      when the tag was last invalidated (ms, the runtime's clock)
//   k<hash(key)>     when the key was last invalidated (a function's invalidate())
//   prefixes         recent prefix invalidations, one line `<at> <JSON prefix>` each (clear() is
//                    the prefix "")
//   m/, w/           writes in progress (marks.ts): marked before a write checks the stamps,
//                    unmarked once its entry and tag lines are in place
// An invalidation raises its stamps, then waits for the writes that were in progress in other
// processes (they may have checked before the stamp), then removes entries: so a write either saw
// the stamp and was refused, or finished before the removal, which then finds it. No window is
// left in which a value computed before the invalidation becomes visible after it resolved.
//
// Every raise also writes a fresh random value into the stamp epoch (one slot of the change table,
// generations.ts) after its stamp is in place, so a writer reads the stamps it needs from disk
// only when the epoch moved since it last read them: one 8-byte pread per conditional write in
// the common case instead of an lstat per tag, key and prefix file (hard and soft). Order: a
// raise writes its stamp, then the epoch, then drains; a writer marks, reads the epoch, then the
// stamps. Either the writer sees the new epoch (and reads the stamp again), or the raise had not
// written it yet, and the drain then finds the writer's mark and waits for its write.

import { join } from 'node:path'
import type { Generations } from './generations.js'
import { isMissing, type Fs } from './io.js'
import { WriteMarks } from './marks.js'
import { FOREIGN, openAppend, readRegular } from './safe.js'

/** Prefix stamps older than this are dropped when the file is rewritten (ms). */
const PREFIX_LIFE = 3_600_000
/** The prefix stamp file is compacted past this size, and never read beyond a larger bound. */
const PREFIX_COMPACT = 64 * 1024
const PREFIX_MAX_READ = 1024 * 1024
/** Stamp values kept between epoch moves; past this many names the copy starts again. */
const MAX_CACHED = 16_384

export class Stamps {
  #seq = 0
  readonly #prefixes: string
  /** Marks of this instance's writes in progress (hard stamps only: soft ones share the drain). */
  readonly marks: WriteMarks
  /** Stamps read under `#epoch` (see the header): valid until the epoch moves. */
  readonly #cache = new Map<string, number>()
  #prefixCache: { at: number; prefix: string }[] | undefined
  #epoch: number | undefined

  constructor(private readonly fs: Fs, private readonly dir: string, private readonly gens: Generations) {
    this.#prefixes = join(dir, 'prefixes')
    this.marks = new WriteMarks(fs, dir)
  }

  /** Drops the stamps read so far when another raise happened since (call before reading any). */
  #fresh(): void {
    const e = this.gens.stampEpoch()
    if (e === this.#epoch && this.#cache.size < MAX_CACHED) return
    this.#cache.clear()
    this.#prefixCache = undefined
    this.#epoch = e
  }

  #cached(name: string): number {
    let v = this.#cache.get(name)
    if (v === undefined) this.#cache.set(name, (v = this.read(name)))
    return v
  }

  /** The stamp of a tag hash (or of `k<key hash>`) on disk, 0 when it was never invalidated. */
  read(name: string): number {
    const path = join(this.dir, name)
    // Most stamps were never written, and every conditional write reads one per tag plus the
    // key's: an lstat answers "absent" without the cost of a thrown ENOENT (~4x cheaper).
    if (this.fs.lstatSync(path, { throwIfNoEntry: false }) === undefined) return 0
    try {
      // Bounded, never a link or FIFO (someone else may write this directory): those read as 0.
      const b = readRegular(this.fs, path, 64)
      return b === undefined || b === FOREIGN ? 0 : Number(b.toString('latin1')) || 0
    } catch (e) {
      if (isMissing(e)) return 0
      throw e
    }
  }

  /** Raises a stamp to `at` (never lowers it); atomic by rename. */
  raise(name: string, at: number): void {
    if (at <= this.read(name)) return
    this.#replace(join(this.dir, name), String(at))
    this.gens.bumpStampEpoch()
  }

  #replace(path: string, text: string): void {
    const tmp = `${path}.${process.pid}.${++this.#seq}.tmp`
    const fd = this.fs.openSync(tmp, 'wx', 0o600) // 'wx': a link planted at the temp name is not followed
    try {
      this.fs.writeSync(fd, text)
    } finally {
      this.fs.closeSync(fd)
    }
    this.fs.renameSync(tmp, path)
  }

  /** Records prefix invalidations at `at` (one append; compacted when the file grows). */
  raisePrefixes(prefixes: readonly string[], at: number): void {
    const lines = prefixes.map((p) => `${at} ${JSON.stringify(p)}\n`).join('')
    const fd = openAppend(this.fs, this.#prefixes, 0o600) // never through a planted link or FIFO
    let size: number
    try {
      this.fs.writeSync(fd, lines)
      size = this.fs.fstatSync(fd).size
    } finally {
      this.fs.closeSync(fd)
    }
    if (size > PREFIX_COMPACT) {
      const keep = this.#prefixLines().filter((l) => l.at >= at - PREFIX_LIFE)
      this.#replace(this.#prefixes, keep.map((l) => `${l.at} ${JSON.stringify(l.prefix)}\n`).join(''))
    }
    this.gens.bumpStampEpoch()
  }

  /** The last parse of the prefix file, reused while the file is unchanged (every write reads it). */
  #parsed: { sig: string; lines: { at: number; prefix: string }[] } | undefined

  /** The prefix stamps; a file too large to read whole is one stamp of everything, now (refuses every write: safe). */
  #prefixLines(): { at: number; prefix: string }[] {
    let text: string
    let sig: string
    try {
      // lstat: a planted link or special file is never followed (it reads as "everything, now").
      const st = this.fs.lstatSync(this.#prefixes, { throwIfNoEntry: false })
      if (st === undefined) return []
      if (!st.isFile() || st.size > PREFIX_MAX_READ) return [{ at: Infinity, prefix: '' }]
      sig = `${st.ino}:${st.size}:${st.mtimeMs}`
      if (this.#parsed?.sig === sig) return this.#parsed.lines
      const b = readRegular(this.fs, this.#prefixes, PREFIX_MAX_READ)
      if (b === FOREIGN) return [{ at: Infinity, prefix: '' }]
      if (b === undefined) return []
      text = b.toString('utf8')
    } catch (e) {
      if (isMissing(e)) return []
      throw e
    }
    const out: { at: number; prefix: string }[] = []
    for (const line of text.split('\n')) {
      const sp = line.indexOf(' ')
      if (sp <= 0) continue
      const at = Number(line.slice(0, sp))
      let prefix: unknown
      try { prefix = JSON.parse(line.slice(sp + 1)) } catch { continue } // a torn line: its invalidation never resolved
      if (Number.isFinite(at) && typeof prefix === 'string') out.push({ at, prefix })
    }
    // Only a parse of the whole file (its size as stated) is reused: an append in between changes the size.
    if (Buffer.byteLength(text) === Number(sig.split(':')[1])) this.#parsed = { sig, lines: out }
    return out
  }

  #prefixesNow(): { at: number; prefix: string }[] {
    return (this.#prefixCache ??= this.#prefixLines())
  }

  /** Whether a tag, the key or a prefix of `key` was invalidated at or after `since`. */
  overtook(tagHashes: readonly string[], keyName: string, key: string, since: number): boolean {
    this.#fresh()
    for (const th of tagHashes) if (this.#cached(th) >= since) return true
    if (this.#cached(keyName) >= since) return true
    for (const l of this.#prefixesNow()) if (l.at >= since && key.startsWith(l.prefix)) return true
    return false
  }

  /** The earliest stamp at or after `since` of a tag, the key or a prefix of `key`; Infinity: none. */
  earliestSince(tagHashes: readonly string[], keyName: string, key: string, since: number): number {
    this.#fresh()
    let at = Infinity
    for (const th of tagHashes) { const s = this.#cached(th); if (s >= since && s < at) at = s }
    const k = this.#cached(keyName)
    if (k >= since && k < at) at = k
    for (const l of this.#prefixesNow()) if (l.at >= since && l.at < at && key.startsWith(l.prefix)) at = l.at
    return at
  }

  /** Waits for the writes other instances had in progress (marks.ts). */
  drain(): void {
    this.marks.drain()
  }
}
