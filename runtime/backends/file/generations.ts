// Cross-process change counters, one per shard of entries: every set, delete, invalidation,
// expiry and eviction appends one byte to its shard's file, so "has anything in this shard
// changed since I read it?" is one fstat() of an open descriptor (about 1 us), with no read.

import { join } from 'node:path'
import { SHARDS } from './layout.js'
import type { Fs } from './io.js'

// Why the file size and not a number inside: O_APPEND writes of one byte are atomic increments
// that never lose an update between processes, and fstat() sees another process's append at once.
// Why one byte per change forever: a counter must never repeat a value a reader has seen; 64 files
// growing a byte per write is 1 MB per million writes (prune() reports it; see index.ts).
const ONE = new Uint8Array([0x2e])

export class Generations {
  readonly #fs: Fs
  readonly #dir: string
  readonly #fds = new Int32Array(SHARDS).fill(-1)
  /** Called when a counter file was deleted under us (the directory was wiped): snapshots taken so far mean nothing. */
  onReset: () => void = () => {}
  #resets = 0

  constructor(fs: Fs, dir: string) {
    this.#fs = fs
    this.#dir = dir
  }

  #fd(shard: number): number {
    let fd = this.#fds[shard]!
    if (fd < 0) {
      fd = this.#fs.openSync(join(this.#dir, shard.toString(16).padStart(2, '0')), 'a')
      this.#fds[shard] = fd
    }
    return fd
  }

  /** The shard's current generation. Take it BEFORE reading an entry, so a change during the read is seen next time. */
  snapshot(shard: number): number {
    const st = this.#fs.fstatSync(this.#fd(shard))
    if (st.nlink > 0) return st.size
    // Someone removed the directory: reopen (a new file) and forget every snapshot.
    try { this.#fs.closeSync(this.#fds[shard]!) } catch { /* gone */ }
    this.#fds[shard] = -1
    this.onReset()
    return -1 - ++this.#resets
  }

  /** Records a change in `shard`. Call it AFTER the change is on disk, before the operation resolves. */
  bump(shard: number): void {
    this.#fs.writeSync(this.#fd(shard), ONE)
  }

  bumpAll(): void {
    for (let s = 0; s < SHARDS; s++) this.bump(s)
  }

  /** Total bytes of the counter files (how much they have grown). */
  size(): number {
    let n = 0
    for (let s = 0; s < SHARDS; s++) n += this.snapshot(s)
    return n
  }

  close(): void {
    for (let s = 0; s < SHARDS; s++) {
      const fd = this.#fds[s]!
      if (fd >= 0) {
        try { this.#fs.closeSync(fd) } catch { /* already closed */ }
        this.#fds[s] = -1
      }
    }
  }
}
