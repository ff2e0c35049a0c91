// Per-tag index files: `t/<hash(tag)>` is an append-only list of the entries written with that tag,
// one line `<group hash>/<key hash> <inode>\n` per tagged write. Invalidating a tag claims the whole
// file with one rename, so it reads only that tag's lines, never the other entries.

import { join } from 'node:path'
import type { Fs } from './io.js'
import { isMissing } from './io.js'

let claims = 0

export interface TagLine {
  /** `<gh>/<kh>`, relative to the groups directory */
  rel: string
  ino: number
}

/**
 * Appends a line for each tag and returns the open descriptors, to {@link confirm} after the entry
 * is renamed into place. Why keep them open: an invalidation may claim (rename away) the index file
 * between our append and our rename; confirm() then sees the path moved and appends again, so a
 * set that has resolved is always listed in the index file the next invalidation will claim.
 */
export function appendLines(fs: Fs, paths: readonly string[], line: string): number[] {
  const fds: number[] = []
  try {
    for (const p of paths) {
      const fd = fs.openSync(p, 'a')
      fds.push(fd)
      fs.writeSync(fd, line)
    }
  } catch (e) {
    closeAll(fs, fds)
    throw e
  }
  return fds
}

/** After the entry is in place: re-append where the index file was claimed meanwhile; closes the descriptors. */
export function confirm(fs: Fs, paths: readonly string[], fds: number[], line: string): void {
  try {
    for (let i = 0; i < paths.length; i++) {
      for (let tries = 0; tries < 100; tries++) {
        const held = fs.fstatSync(fds[i]!).ino
        let current: number | undefined
        try { current = fs.statSync(paths[i]!).ino } catch (e) { if (!isMissing(e)) throw e }
        if (current === held) break
        fs.closeSync(fds[i]!)
        fds[i] = -1
        fds[i] = fs.openSync(paths[i]!, 'a')
        fs.writeSync(fds[i]!, line)
      }
    }
  } finally {
    closeAll(fs, fds)
  }
}

export function closeAll(fs: Fs, fds: number[]): void {
  for (const fd of fds) if (fd >= 0) try { fs.closeSync(fd) } catch { /* closed */ }
}

/**
 * Takes the index file of a tag away from writers (one rename into the claims directory) and
 * returns the lines of every claim of that tag still present there: ours, and those of concurrent
 * invalidations that have not finished. Why theirs too: an invalidation that started after a set
 * resolved must remove it even when an earlier, still running invalidation claimed its line.
 * Claims are unlinked only after their entries are gone, so a finished claim needs no re-reading.
 */
export function claim(fs: Fs, tagPath: string, claimsDir: string, th: string): { lines: TagLine[]; claimed: string | undefined } {
  const own = join(claimsDir, `${th}.${process.pid}-${++claims}-${Math.random().toString(36).slice(2, 8)}`)
  let claimed: string | undefined = own
  try {
    fs.renameSync(tagPath, own)
  } catch (e) {
    if (!isMissing(e)) throw e
    claimed = undefined
  }
  const seen = new Set<string>()
  const lines: TagLine[] = []
  for (const name of fs.readdirSync(claimsDir)) {
    if (!name.startsWith(th) || name.charCodeAt(th.length) !== 46) continue
    let text: string
    try { text = fs.readFileSync(join(claimsDir, name), 'latin1') } catch (e) { if (isMissing(e)) continue; throw e }
    for (const l of text.split('\n')) {
      if (l === '' || seen.has(l)) continue
      seen.add(l)
      const sp = l.indexOf(' ')
      const ino = Number(l.slice(sp + 1))
      // A torn last line (a writer killed mid-append) is skipped: its set never resolved.
      if (sp !== 65 || !Number.isFinite(ino)) continue
      lines.push({ rel: l.slice(0, sp), ino })
    }
  }
  return { lines, claimed }
}

export const lineOf = (gh: string, kh: string, ino: number): string => `${gh}/${kh} ${ino}\n`
