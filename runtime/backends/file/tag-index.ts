// Per-tag index files: `t/<hash(tag)>` is an append-only list of the entries written with that tag,
// one line `<group hash>/<key hash> <inode>\n` per tagged write. Invalidating a tag claims the whole
// file with one rename, so it reads only that tag's lines, never the other entries.

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
 * Takes the index file of a tag away from writers (rename to a unique name) and returns its lines,
 * de-duplicated, and the claimed path to unlink once the entries are removed; undefined when the
 * tag has no index file.
 */
export function claim(fs: Fs, path: string): { lines: TagLine[]; claimed: string } | undefined {
  const claimed = `${path}.${process.pid}-${++claims}-${Math.random().toString(36).slice(2, 8)}.claim`
  try {
    fs.renameSync(path, claimed)
  } catch (e) {
    if (isMissing(e)) return undefined
    throw e
  }
  const text = fs.readFileSync(claimed, 'latin1')
  const seen = new Set<string>()
  const lines: TagLine[] = []
  for (const l of text.split('\n')) {
    if (l === '' || seen.has(l)) continue
    seen.add(l)
    const sp = l.indexOf(' ')
    const ino = Number(l.slice(sp + 1))
    // A torn last line (a writer killed mid-append) is skipped: its set never resolved.
    if (sp !== 65 || !Number.isFinite(ino)) continue
    lines.push({ rel: l.slice(0, sp), ino })
  }
  return { lines, claimed }
}

export const lineOf = (gh: string, kh: string, ino: number): string => `${gh}/${kh} ${ino}\n`
