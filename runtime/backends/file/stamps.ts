// Tag invalidation stamps: `v1/s/<hash(tag)>` holds when the tag was last invalidated (ms, the
// runtime's clock). invalidateTags raises them before claiming the tag index; a tagged write
// whose computation started at or before a stamp is refused, so a computation that was in flight
// in another process cannot bring an invalidated value back after the invalidation resolved.

import { join } from 'node:path'
import { isMissing, type Fs } from './io.js'
import { FOREIGN, readRegular } from './safe.js'

export class Stamps {
  #seq = 0
  constructor(private readonly fs: Fs, private readonly dir: string) {}

  /** The stamp of a tag hash, 0 when it was never invalidated. */
  read(tagHash: string): number {
    try {
      // Bounded, never a link or FIFO (someone else may write this directory): those read as 0.
      const b = readRegular(this.fs, join(this.dir, tagHash), 64)
      return b === undefined || b === FOREIGN ? 0 : Number(b.toString('latin1')) || 0
    } catch (e) {
      if (isMissing(e)) return 0
      throw e
    }
  }

  /** Raises a tag's stamp to `at` (never lowers it); atomic by rename. */
  raise(tagHash: string, at: number): void {
    if (at <= this.read(tagHash)) return
    const path = join(this.dir, tagHash)
    const tmp = `${path}.${process.pid}.${++this.#seq}.tmp`
    const fd = this.fs.openSync(tmp, 'wx', 0o600) // 'wx': a link planted at the temp name is not followed
    try {
      this.fs.writeSync(fd, String(at))
    } finally {
      this.fs.closeSync(fd)
    }
    this.fs.renameSync(tmp, path)
  }

  /** Whether one of the tags was invalidated at or after `since`. */
  overtook(tagHashes: readonly string[], since: number): boolean {
    for (const th of tagHashes) if (this.read(th) >= since) return true
    return false
  }
}
