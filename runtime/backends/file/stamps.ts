// Invalidation stamps, under `v1/s/`:
//   <hash(tag)>      when the tag was last invalidated (ms, the runtime's clock)
//   k<hash(key)>     when the key was last invalidated (a function's invalidate())
//   prefixes         recent prefix invalidations, one line `<at> <JSON prefix>` each (clear() is
//                    the prefix "")
//   w/<pid>.<n>      writes in progress: created before a write checks the stamps, removed once
//                    its entry and tag lines are in place
// An invalidation raises its stamps, then waits for the writes that were in progress in other
// processes (they may have checked before the stamp), then removes entries: so a write either saw
// the stamp and was refused, or finished before the removal, which then finds it. No window is
// left in which a value computed before the invalidation becomes visible after it resolved.

import { join } from 'node:path'
import { code, isMissing, mkdirp, unlinkIfPresent, type Fs } from './io.js'
import { FOREIGN, openAppend, readRegular } from './safe.js'

/** Prefix stamps older than this are dropped when the file is rewritten (ms). */
const PREFIX_LIFE = 3_600_000
/** The prefix stamp file is compacted past this size, and never read beyond a larger bound. */
const PREFIX_COMPACT = 64 * 1024
const PREFIX_MAX_READ = 1024 * 1024
/** Longest an invalidation waits for another process's write in progress (a hung writer): ms. */
const DRAIN_MAX_MS = 2_000

const sleeper = new Int32Array(new SharedArrayBuffer(4))
/** Blocks this thread for `ms` (the sync invalidation forms cannot yield; waits are short). */
const sleepSync = (ms: number) => { Atomics.wait(sleeper, 0, 0, ms) }

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0)
    return true
  } catch (e) {
    return code(e) === 'EPERM'
  }
}

export class Stamps {
  #seq = 0
  readonly #pending: string
  readonly #prefixes: string
  #pendingReady = false

  constructor(private readonly fs: Fs, private readonly dir: string) {
    this.#pending = join(dir, 'w')
    this.#prefixes = join(dir, 'prefixes')
  }

  /** The stamp of a tag hash (or of `k<key hash>`), 0 when it was never invalidated. */
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

  /** Whether a tag, the key or a prefix of `key` was invalidated at or after `since`. */
  overtook(tagHashes: readonly string[], keyName: string, key: string, since: number): boolean {
    for (const th of tagHashes) if (this.read(th) >= since) return true
    if (this.read(keyName) >= since) return true
    for (const l of this.#prefixLines()) if (l.at >= since && key.startsWith(l.prefix)) return true
    return false
  }

  /** The earliest stamp at or after `since` of a tag, the key or a prefix of `key`; Infinity: none. */
  earliestSince(tagHashes: readonly string[], keyName: string, key: string, since: number): number {
    let at = Infinity
    for (const th of tagHashes) { const s = this.read(th); if (s >= since && s < at) at = s }
    const k = this.read(keyName)
    if (k >= since && k < at) at = k
    for (const l of this.#prefixLines()) if (l.at >= since && l.at < at && key.startsWith(l.prefix)) at = l.at
    return at
  }

  /** Marks a write in progress (before it checks the stamps); pass the result to {@link end}. */
  begin(): string {
    const path = join(this.#pending, `${process.pid}.${++this.#seq}`)
    if (!this.#pendingReady) {
      mkdirp(this.fs, this.#pending, 0o700)
      this.#pendingReady = true
    }
    let fd: number
    try {
      fd = this.fs.openSync(path, 'wx', 0o600)
    } catch (e) {
      if (!isMissing(e)) throw e
      mkdirp(this.fs, this.#pending, 0o700)
      fd = this.fs.openSync(path, 'wx', 0o600)
    }
    this.fs.closeSync(fd)
    return path
  }

  end(mark: string): void {
    try { unlinkIfPresent(this.fs, mark) } catch { /* the next drain removes it once this process is gone */ }
  }

  /**
   * Waits until the writes other processes had in progress when it was called have finished (or
   * their process is gone, or DRAIN_MAX_MS passed). This process's own writes are synchronous, so
   * none is in progress while an invalidation runs here.
   */
  drain(): void {
    let names: string[]
    try { names = this.fs.readdirSync(this.#pending) } catch (e) { if (isMissing(e)) return; throw e }
    const own = `${process.pid}.`
    let waiting = names.filter((n) => !n.startsWith(own))
    const deadline = Date.now() + DRAIN_MAX_MS
    for (let pause = 0.2; waiting.length > 0 && Date.now() < deadline; pause = Math.min(5, pause * 2)) {
      waiting = waiting.filter((n) => {
        const path = join(this.#pending, n)
        let st
        try {
          st = this.fs.lstatSync(path)
        } catch (e) {
          if (isMissing(e)) return false
          throw e
        }
        // Only a mark this layout writes is waited for: a regular file named `<pid>.<n>`, owned by
        // this user, younger than one drain. Anything else planted here (a link, a FIFO, another
        // user's file, a mark of pid 1 left for ever) is no write in progress and must not stall
        // every invalidation: it is removed (the name itself, never followed).
        const pid = Number(n.slice(0, n.indexOf('.')))
        const uid = process.getuid?.()
        const ours = st.isFile() && /^\d+\.\d+$/.test(n) && (uid === undefined || st.uid === uid)
        if (!ours || Date.now() - st.mtimeMs > DRAIN_MAX_MS || (pid > 0 && !alive(pid))) {
          unlinkIfPresent(this.fs, path)
          return false
        }
        return true
      })
      if (waiting.length > 0) sleepSync(pause)
    }
  }
}
