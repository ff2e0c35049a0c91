// What the file backend's step modules (tags.ts, groups.ts, sweep.ts) share, and the check every
// write, removal or touch inside a group directory goes through first.

import { join } from 'node:path'
import type { Generations } from './generations.js'
import type { Fs } from './io.js'
import type { Layout } from './layout.js'
import { mkdirp } from './io.js'
import { kindOf, removeName } from './safe.js'

export interface Ctx {
  fs: Fs
  layout: Layout
  gens: Generations
  counts: { corrupt: number; errors: number; expirations: number; evictions: number }
  /** The largest entry file read or written, in bytes. */
  maxEntrySize: number
  fileMode: number
  dirMode: number
  /** The uid every directory written into must belong to (private dirMode); undefined: not checked. */
  owner: number | undefined
}

/** A path that is not what the layout put there (a link, someone else's directory): nothing is done there. */
export function unsafe(path: string, what: string): Error {
  return Object.assign(new Error(`${path} is ${what}; the file backend does not follow links or write into directories it did not create. Remove it.`), { code: 'EUNSAFE' })
}

/**
 * The state of a group directory before anything is written, removed or touched in it: 'dir'
 * (ours), 'missing', or 'foreign' (someone else's directory). A link or file planted at its name
 * is removed (the link itself) and counted as corrupt. Throws when `g/` itself is not ours.
 */
export function checkGroup(c: Ctx, groupDir: string): 'dir' | 'missing' | 'foreign' {
  if (kindOf(c.fs, c.layout.groups, c.owner) !== 'dir') throw unsafe(c.layout.groups, 'not a directory of this user (a link?)')
  const k = kindOf(c.fs, groupDir, c.owner)
  if (k !== 'foreign') return k
  if (removeName(c.fs, groupDir)) {
    c.counts.corrupt++
    return 'missing'
  }
  return kindOf(c.fs, groupDir, c.owner)
}

/** `g/<gh>/<name>` for names read from an index line or a directory listing (already validated). */
export const entryPath = (c: Ctx, gh: string, kh: string): string => join(c.layout.groups, gh, kh)

/** Makes the layout's directories; throws unless each (and v1/) is a real directory of this user. */
export function openDirs(c: Ctx): void {
  const l = c.layout
  const dirs = [l.groups, l.tags, l.gens, l.trash, l.claims, l.stamps]
  for (const d of dirs) mkdirp(c.fs, d, c.dirMode)
  // The directory given is trusted (it may be a link); everything under v1/ must be ours.
  for (const d of [l.root, ...dirs]) {
    if (kindOf(c.fs, d, c.owner) !== 'dir') throw unsafe(d, 'not a directory of this user (a link?)')
  }
}
