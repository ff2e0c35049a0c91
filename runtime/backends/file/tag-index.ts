// Per-tag index files: `t/<hash(tag)>` is an append-only list of the entries written with that tag,
// one line `<group hash>/<key hash> <inode>\n` per tagged write. Invalidating a tag claims the whole
// file with one rename, so it reads only that tag's lines, never the other entries.

import { join } from 'node:path'
import { isMissing, type Fs } from './io.js'
import { FOREIGN, isHash, openAppend, readRegular, removeName } from './safe.js'

/** An index file larger than this is not read (a tagged write adds ~75 bytes: 3.5 million writes). */
export const MAX_INDEX_BYTES = 256 * 1024 * 1024

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
export function appendLines(fs: Fs, paths: readonly string[], line: string, mode = 0o600): number[] {
  const fds: number[] = []
  try {
    for (const p of paths) {
      const fd = openAppend(fs, p, mode)
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
export function confirm(fs: Fs, paths: readonly string[], fds: number[], line: string, mode = 0o600): void {
  try {
    for (let i = 0; i < paths.length; i++) {
      for (let tries = 0; tries < 100; tries++) {
        const held = fs.fstatSync(fds[i]!).ino
        let current: number | undefined
        try { current = fs.lstatSync(paths[i]!).ino } catch (e) { if (!isMissing(e)) throw e }
        if (current === held) break
        fs.closeSync(fds[i]!)
        fds[i] = -1
        fds[i] = openAppend(fs, paths[i]!, mode)
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
export function claim(fs: Fs, tagPath: string, claimsDir: string, th: string): { lines: TagLine[]; claimed: string | undefined; bad: number } {
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
  let bad = 0
  for (const name of fs.readdirSync(claimsDir)) {
    if (!name.startsWith(th) || name.charCodeAt(th.length) !== 46) continue
    const path = join(claimsDir, name)
    const buf = readRegular(fs, path, MAX_INDEX_BYTES)
    if (buf === undefined) continue
    if (buf === FOREIGN) {
      // A link, FIFO or oversized file planted as a claim: removed (the name), never read.
      bad++
      removeName(fs, path)
      continue
    }
    bad += parseIndex(buf, seen, lines)
  }
  return { lines, claimed, bad }
}

/** Appends the lines of an index file not `seen` yet to `lines`; returns how many were malformed. */
export function parseIndex(buf: Buffer, seen: Set<string>, lines: TagLine[]): number {
  let bad = 0
  for (const l of buf.toString('latin1').split('\n')) {
    if (l === '' || seen.has(l)) continue
    seen.add(l)
    // Only the layout's own shape `<32 hex>/<32 hex> <inode>`: anything else (`../`, absolute
    // paths, other depths) never reaches a path. A torn last line (a writer killed mid-append)
    // fails too: its set never resolved.
    const m = LINE.exec(l)
    if (m === null || !isHash(m[1]!) || !isHash(m[2]!)) { bad++; continue }
    lines.push({ rel: `${m[1]}/${m[2]}`, ino: Number(m[3]) })
  }
  return bad
}

const LINE = /^([0-9a-f]{32})\/([0-9a-f]{32}) ([0-9]{1,20})$/

export const lineOf = (gh: string, kh: string, ino: number): string => `${gh}/${kh} ${ino}\n`
