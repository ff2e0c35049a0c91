// Write marks: how an invalidation knows which conditional writes of other processes are in
// progress (stamps.ts says why it must wait for them). Layout under `v1/s/`:
//
//   m/<pid>.<8 hex>   one file per backend instance, made on its first conditional write and kept
//                     open: a 4-byte counter, odd while a write is in progress. begin() and end()
//                     each overwrite it in place (one pwrite, ~1 us) instead of creating and
//                     unlinking a file per write (~100 us of directory updates). close() removes it.
//   w/<pid>.<n>       the marks of earlier versions (one empty file per write in progress): still
//                     waited for while they exist. An older version's drain does not read m/, so
//                     processes sharing a directory should run this version or later (CHANGELOG).
//
// Why a counter and not a flag: a drain that saw a write in progress waits until the value
// changes, so the next write of the same process (which began after the stamp and so checks it)
// does not keep it waiting. A torn read is harmless: the writer checks the stamps only after its
// pwrite returned, so a read overlapping the pwrite of begin() comes before that check.

import { randomBytes } from 'node:crypto'
import { join } from 'node:path'
import { code, isMissing, mkdirp, unlinkIfPresent, type Fs } from './io.js'
import { FOREIGN, readRegular, removeName } from './safe.js'

/** Longest an invalidation waits for another process's write in progress (a hung writer): ms. */
export const DRAIN_MAX_MS = 2_000

const MARK = /^(\d+)\.[0-9a-f]{8}$/
const LEGACY = /^(\d+)\.\d+$/

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

/** One mark to wait for: a legacy file (waited for while it exists) or a counter (until it changes). */
interface Waiting { path: string; pid: number; legacy: boolean; seen: number | undefined }

export class WriteMarks {
  readonly #dir: string
  readonly #legacy: string
  #fd = -1
  #name = ''
  /** The counter as last written: even when idle. */
  #n = 0
  readonly #buf = Buffer.alloc(4)

  constructor(private readonly fs: Fs, stampsDir: string) {
    this.#dir = join(stampsDir, 'm')
    this.#legacy = join(stampsDir, 'w')
  }

  /** Marks a write in progress; call before the stamps are checked, and {@link end} after the entry is in place. */
  begin(): void {
    if (this.#fd < 0) this.#create()
    this.#n = (this.#n + 1) >>> 0
    this.#write()
    // Removed under us (a directory wiped, or a drain that took this pid for a dead one): a drain
    // would not see this mark, so it is made again before the stamps are checked.
    if (this.fs.fstatSync(this.#fd).nlink === 0) {
      this.#drop()
      this.#create()
      this.#write()
    }
  }

  end(): void {
    this.#n = (this.#n + 1) >>> 0
    try { this.#write() } catch { /* a drain stops waiting for it after DRAIN_MAX_MS */ }
  }

  /** Closes and removes this instance's mark file (no write is in progress after close). */
  close(): void {
    if (this.#fd < 0) return
    const path = join(this.#dir, this.#name)
    this.#drop()
    try { unlinkIfPresent(this.fs, path) } catch { /* a drain removes it once this process is gone */ }
  }

  #write(): void {
    this.#buf.writeUInt32LE(this.#n, 0)
    this.fs.writeSync(this.#fd, this.#buf, 0, 4, 0)
  }

  #drop(): void {
    try { this.fs.closeSync(this.#fd) } catch { /* closed */ }
    this.#fd = -1
  }

  #create(): void {
    mkdirp(this.fs, this.#dir, 0o700)
    this.#sweepDead()
    for (;;) {
      const name = `${process.pid}.${randomBytes(4).toString('hex')}`
      try {
        // 'wx': O_EXCL, so a link planted at the name is never followed.
        this.#fd = this.fs.openSync(join(this.#dir, name), 'wx', 0o600)
        this.#name = name
        return
      } catch (e) {
        if (code(e) !== 'EEXIST') throw e
      }
    }
  }

  /** Mark files of processes that ended without close(): removed when a new one is made, so they do not pile up. */
  #sweepDead(): void {
    let names: string[]
    try { names = this.fs.readdirSync(this.#dir) } catch (e) { if (isMissing(e)) return; throw e }
    for (const n of names) {
      const m = MARK.exec(n)
      if (m !== null && Number(m[1]) !== process.pid && !alive(Number(m[1]))) try { unlinkIfPresent(this.fs, join(this.#dir, n)) } catch { /* next time */ }
    }
  }

  /**
   * Waits until the writes other backend instances had in progress when it was called have
   * finished (or their process is gone, or DRAIN_MAX_MS passed). This instance's own writes are
   * synchronous, so none is in progress while an invalidation runs here.
   */
  drain(): void {
    let waiting = [...this.#list(this.#legacy, LEGACY, false), ...this.#list(this.#dir, MARK, true)]
    const deadline = Date.now() + DRAIN_MAX_MS
    for (let pause = 0.2; waiting.length > 0 && Date.now() < deadline; pause = Math.min(5, pause * 2)) {
      sleepSync(pause)
      waiting = waiting.filter((w) => this.#busy(w) !== undefined)
    }
  }

  #list(dir: string, shape: RegExp, counter: boolean): Waiting[] {
    let names: string[]
    try { names = this.fs.readdirSync(dir) } catch (e) { if (isMissing(e)) return []; throw e }
    const own = `${process.pid}.`
    const out: Waiting[] = []
    for (const n of names) {
      // Legacy marks of this process: none is in progress (this version writes none).
      if (counter ? n === this.#name : n.startsWith(own)) continue
      const m = shape.exec(n)
      const w: Waiting = { path: join(dir, n), pid: m === null ? 0 : Number(m[1]), legacy: !counter, seen: undefined }
      if (m === null) { this.#remove(w); continue }
      const seen = this.#busy(w)
      if (seen === undefined) continue
      if (counter) w.seen = seen
      out.push(w)
    }
    return out
  }

  /**
   * The mark's value while it still holds up an invalidation, else undefined. Only a mark this
   * layout writes is waited for: a regular file of this user, written within one drain, of a live
   * process, odd (a counter) or present (a legacy mark). Anything else planted here (a link, a
   * FIFO, another user's file, a mark of pid 1 left for ever) must not stall every invalidation:
   * a foreign name or a dead process's mark is removed (the name itself, never followed); a
   * hung live writer's mark is only no longer waited for.
   */
  #busy(w: Waiting): number | undefined {
    let st
    try {
      st = this.fs.lstatSync(w.path)
    } catch (e) {
      if (isMissing(e)) return undefined
      throw e
    }
    const uid = process.getuid?.()
    if (!st.isFile() || (uid !== undefined && st.uid !== uid) || st.size > 64) return this.#remove(w)
    if (w.pid === 0 || !alive(w.pid)) return this.#remove(w)
    // Not written for a whole drain: a hung writer. A legacy mark is removed (its writer unlinks
    // it if present); a counter file stays (its live process writes it again on its next write).
    if (Date.now() - st.mtimeMs > DRAIN_MAX_MS) return w.legacy ? this.#remove(w) : undefined
    if (w.legacy) return 1
    const b = readRegular(this.fs, w.path, 64)
    if (b === FOREIGN) return this.#remove(w)
    if (b === undefined || b.length < 4) return undefined // never begun, or gone
    const v = b.readUInt32LE(0)
    if ((v & 1) === 0) return undefined
    // Still the write seen first: keep waiting. Another odd value is a later write, which began after the stamp.
    return w.seen === undefined || w.seen === v ? v : undefined
  }

  #remove(w: Waiting): undefined {
    removeName(this.fs, w.path) // a directory planted here is left (and not waited for)
    return undefined
  }
}
