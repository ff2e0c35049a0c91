// Cross-process change stamps, one 8-byte slot per shard of entries in one table file: every set,
// delete, invalidation, expiry and eviction writes a fresh random stamp into its shard's slot, so
// "has anything in this shard changed since I read it?" is one pread() of 8 bytes (about 1 us).

import { randomFillSync } from 'node:crypto'
import { join } from 'node:path'
import { SHARDS } from './layout.js'
import { code, type Fs } from './io.js'
import { RDWR_NOFOLLOW, removeName } from './safe.js'

// Why random stamps and not counters: two processes bumping one slot at once could both write
// n + 1, and a reader that saw the first would miss the second change. Random 53-bit stamps make
// every write a value no reader has seen (a torn 8-byte read is just another unseen value).
// Order: writers change the entry, then stamp; readers take the stamp, then read the entry.

export class Generations {
  readonly #fs: Fs
  readonly #path: string
  #fd = -1
  readonly #buf = Buffer.alloc(8)
  readonly #stamp = Buffer.alloc(8)
  #reads = 0
  /** Called when the table was deleted under us (the directory was wiped): snapshots taken so far mean nothing. */
  onReset: () => void = () => {}

  readonly #mode: number

  constructor(fs: Fs, dir: string, mode = 0o600) {
    this.#fs = fs
    this.#path = join(dir, 'table')
    this.#mode = mode
  }

  #open(): number {
    if (this.#fd >= 0) return this.#fd
    for (let attempt = 0; ; attempt++) {
      const fd = this.#openOnce()
      // Stamps are written into this file: a link or special file planted as the table would
      // receive them. Removed (the name) and made again.
      if (this.#fs.fstatSync(fd).isFile()) return (this.#fd = fd)
      this.#fs.closeSync(fd)
      if (attempt > 0) throw Object.assign(new Error(`${this.#path} is not a regular file`), { code: 'EUNSAFE' })
      removeName(this.#fs, this.#path)
    }
  }

  #openOnce(): number {
    try {
      return this.#fs.openSync(this.#path, RDWR_NOFOLLOW)
    } catch (e) {
      const c = code(e)
      if (c === 'ELOOP' || c === 'EMLINK') {
        removeName(this.#fs, this.#path)
      } else if (c !== 'ENOENT') {
        throw e
      }
      try {
        return this.#fs.openSync(this.#path, 'wx+', this.#mode)
      } catch (e2) {
        if (code(e2) !== 'EEXIST') throw e2
        return this.#fs.openSync(this.#path, RDWR_NOFOLLOW)
      }
    }
  }

  /** The shard's current stamp. Take it BEFORE reading an entry, so a change during the read is seen next time. */
  snapshot(shard: number): number {
    const fd = this.#open()
    // Every 4,096 reads, check the table still exists (someone may rm -rf the directory).
    if ((++this.#reads & 4095) === 0 && this.#fs.fstatSync(fd).nlink === 0) {
      this.close()
      this.onReset()
      return this.snapshot(shard)
    }
    const b = this.#buf
    const n = this.#fs.readSync(fd, b, 0, 8, shard * 8)
    if (n < 8) return 0 // never stamped (a sparse or short table reads as zero)
    return (b.readUInt32LE(4) & 0x1fffff) * 4294967296 + b.readUInt32LE(0)
  }

  /** Records a change in `shard`. Call it AFTER the change is on disk, before the operation resolves. */
  bump(shard: number): void {
    randomFillSync(this.#stamp)
    this.#fs.writeSync(this.#open(), this.#stamp, 0, 8, shard * 8)
  }

  /** Records a change in every shard (one 512 KiB write). */
  bumpAll(): void {
    const all = randomFillSync(Buffer.allocUnsafe(SHARDS * 8))
    this.#fs.writeSync(this.#open(), all, 0, all.length, 0)
  }

  /**
   * The stamp epoch: one slot past the shards, moved by every invalidation stamp (stamps.ts), so
   * a writer knows with one read whether the stamps it read before are still the ones on disk.
   */
  stampEpoch(): number {
    return this.snapshot(SHARDS)
  }

  bumpStampEpoch(): void {
    this.bump(SHARDS)
  }

  close(): void {
    if (this.#fd >= 0) {
      try { this.#fs.closeSync(this.#fd) } catch { /* already closed */ }
      this.#fd = -1
    }
  }
}
