// Where things live under the cache directory: the default directory (find-cache-dir convention,
// else the OS cache dir), and the hashed paths of groups, entries, tag indexes and generations.
// No key or tag text ever becomes part of a path: every name is a 128-bit hash in hex.

import { existsSync } from 'node:fs'
import { homedir } from 'node:os'
import { dirname, join } from 'node:path'
import { hash128 } from '../../hash.js'

/**
 * Change stamps (generations.ts): an entry's shard is the first 16 bits of its key hash. Fine
 * enough that invalidating 1,000 entries moves ~1.5% of the shards, so the other entries' copies in
 * memory stay valid; the table is 65,536 x 8 bytes = 512 KiB, one file for the whole directory.
 */
export const SHARDS = 65_536

/**
 * `node_modules/.cache/fncache` under the nearest package root of `cwd` (the directory holding a
 * package.json), as find-cache-dir does; else `$XDG_CACHE_HOME/fncache`, `~/.cache/fncache`, or
 * `%LOCALAPPDATA%\fncache` on Windows.
 */
export function defaultDir(cwd: string = process.cwd(), env: NodeJS.ProcessEnv = process.env): string {
  for (let d = cwd; ; d = dirname(d)) {
    if (existsSync(join(d, 'package.json'))) return join(d, 'node_modules', '.cache', 'fncache')
    if (dirname(d) === d) break
  }
  if (process.platform === 'win32' && env.LOCALAPPDATA) return join(env.LOCALAPPDATA, 'fncache')
  return join(env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'fncache')
}

/**
 * The group of a storage key: the text up to and including the first ':' after the first '#'
 * (`ns:src/users.ts#getUser:` for `ns:src/users.ts#getUser:42`), else up to the first ':'
 * (an uncompiled function's id), else '' (the root group). One group = one function, in practice.
 */
export function groupOf(key: string): string {
  const h = key.indexOf('#')
  const c = key.indexOf(':', h < 0 ? 0 : h)
  return c < 0 ? '' : key.slice(0, c + 1)
}

/** Everything the backend needs to find one entry on disk. */
export interface Location {
  group: string
  /** hash of the group: the directory name under `g/` */
  gh: string
  /** hash of the full storage key: the file name */
  kh: string
  shard: number
  /** `g/<gh>` */
  groupDir: string
  /** `g/<gh>/<kh>` */
  path: string
}

export class Layout {
  readonly root: string
  readonly groups: string
  readonly tags: string
  readonly gens: string
  readonly trash: string
  readonly claims: string
  /** Tag invalidation stamps (stamps.ts). */
  readonly stamps: string
  #groupHash = new Map<string, string>()

  constructor(dir: string) {
    // A format directory, so a future layout can live beside this one without reading it.
    this.root = join(dir, 'v1')
    this.groups = join(this.root, 'g')
    this.tags = join(this.root, 't')
    this.gens = join(this.root, 'gen')
    this.trash = join(this.root, 'trash')
    this.claims = join(this.root, 'c')
    this.stamps = join(this.root, 's')
  }

  locate(key: string): Location {
    const group = groupOf(key)
    let gh = this.#groupHash.get(group)
    if (gh === undefined) {
      gh = hash128(group)
      if (this.#groupHash.size > 4096) this.#groupHash.clear()
      this.#groupHash.set(group, gh)
    }
    const kh = hash128(key)
    const groupDir = join(this.groups, gh)
    return { group, gh, kh, shard: shardOf(kh), groupDir, path: join(groupDir, kh) }
  }

  tagHash(tag: string): string {
    return hash128(tag)
  }

  tagPath(tag: string): string {
    return join(this.tags, hash128(tag))
  }
}

export function shardOf(kh: string): number {
  return parseInt(kh.slice(0, 4), 16) & (SHARDS - 1)
}

/** Entry files are 32 hex chars; everything else in a group directory starts with '.'. */
export const isEntryName = (name: string): boolean => name.length === 32 && /^[0-9a-f]{32}$/.test(name)
