// The options of file() and their validation: one place for names, defaults and messages.

import { typeError, describe } from '../../errors.js'
import type { Fs } from './io.js'
import { DEFAULT_MAX_ENTRY_BYTES } from './safe.js'

/** Options of {@link file}. */
export interface FileOptions {
  /**
   * The cache directory, created on first use (mode 0700 unless `dirMode` says otherwise).
   * @default `node_modules/.cache/fncache` under the nearest package root of `process.cwd()`, else
   * `$XDG_CACHE_HOME/fncache` or `~/.cache/fncache` (`%LOCALAPPDATA%\fncache` on Windows)
   */
  dir?: string
  /**
   * Allocated bytes on disk (blocks, not value length) above which {@link FileBackend.prune}
   * evicts the least recently used entries. `Infinity`: no byte bound.
   * @default 1 GiB
   */
  maxBytes?: number
  /** Entries above which prune() evicts the least recently used. `Infinity`: no bound. @default 100_000 */
  maxEntries?: number
  /**
   * The largest entry file read or written, in bytes (header, key, tags and value). A larger file
   * found in the directory is never read: it counts as corrupt and is removed; a larger write is
   * dropped. Keeps a planted 100 MB file (or a link to /dev/zero) from costing memory.
   * @default 64 MiB
   */
  maxEntrySize?: number
  /**
   * Permission bits of the files the backend creates (before the umask). The default lets only
   * the owner read and write; `0o660` shares the cache with the owner's group.
   * @default 0o600
   */
  fileMode?: number
  /**
   * Permission bits of the directories the backend creates (before the umask). With the default,
   * every directory the backend writes into must also be owned by the current user (checked).
   * @default 0o700
   */
  dirMode?: number
  /** fsync each entry and its directory before a set resolves (survives power loss; much slower). @default false */
  fsync?: boolean
  /** The clock for expiry, in ms since the epoch (tests pass a fake one). @default Date.now */
  now?: () => number
  /** Entries this process keeps in memory to answer hits without reading files; 0 disables. @default 20_000 */
  memoryEntries?: number
  /** Bytes of values this process keeps in memory. @default 32 MiB */
  memoryBytes?: number
  /**
   * Milliseconds between background prunes (expired entries, bounds, leftovers), which run in
   * slices of under 10 ms. `0`: only when prune() is called or this process has written a lot.
   * @default 60_000
   */
  pruneInterval?: number
  /** @internal a `node:fs` stand-in, to inject faults (ENOSPC, EACCES, EROFS) in tests. */
  fs?: Fs
  /** @internal the longest a prune slice may run, in ms. @default 8 */
  sliceMs?: number
}

/** The options with their defaults applied. */
export interface Resolved {
  dir: string | undefined
  maxBytes: number
  maxEntries: number
  maxEntrySize: number
  fileMode: number
  dirMode: number
  fsync: boolean
  now: () => number
  memoryEntries: number
  memoryBytes: number
  pruneInterval: number
  fs: Fs | undefined
  sliceMs: number
}

const GiB = 1024 ** 3
const KNOWN = ['dir', 'maxBytes', 'maxEntries', 'maxEntrySize', 'fileMode', 'dirMode', 'fsync', 'now', 'memoryEntries', 'memoryBytes', 'pruneInterval', 'fs', 'sliceMs']

export function resolveOptions(options: FileOptions): Resolved {
  if (options === null || typeof options !== 'object') throw typeError('E_OPTION', `file() expects an options object; received ${describe(options)}.`)
  for (const k of Object.keys(options)) {
    if (!KNOWN.includes(k)) throw typeError('E_OPTION', `file() has no option "${k}"; valid options are ${KNOWN.slice(0, 11).join(', ')}.`)
  }
  const count = (name: string, v: unknown, dflt: number, min: number): number => {
    if (v === undefined) return dflt
    if (v === Infinity || (typeof v === 'number' && Number.isInteger(v) && v >= min)) return v
    throw typeError('E_OPTION', `file(): option ${name} must be an integer >= ${min} or Infinity; received ${describe(v)}.`)
  }
  const mode = (name: string, v: unknown, dflt: number): number => {
    if (v === undefined) return dflt
    if (typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= 0o777 && (v & 0o600) === 0o600) return v
    throw typeError('E_OPTION', `file(): option ${name} must be permission bits between 0o600 and 0o777 that let the owner read and write (e.g. ${dflt.toString(8).replace(/^/, '0o')}); received ${describe(v)}.`)
  }
  if (options.dir !== undefined && (typeof options.dir !== 'string' || options.dir === '')) {
    throw typeError('E_OPTION', `file(): option dir must be a non-empty path string; received ${describe(options.dir)}.`)
  }
  if (options.now !== undefined && typeof options.now !== 'function') throw typeError('E_OPTION', `file(): option now must be a function returning milliseconds; received ${describe(options.now)}.`)
  const maxEntrySize = count('maxEntrySize', options.maxEntrySize, DEFAULT_MAX_ENTRY_BYTES, 64)
  return {
    dir: options.dir,
    maxBytes: count('maxBytes', options.maxBytes, GiB, 1),
    maxEntries: count('maxEntries', options.maxEntries, 100_000, 1),
    // Infinity would let fstat's size through unchecked: cap at what a Buffer can hold.
    maxEntrySize: maxEntrySize === Infinity ? 2 ** 31 - 1 : maxEntrySize,
    fileMode: mode('fileMode', options.fileMode, 0o600),
    dirMode: mode('dirMode', options.dirMode, 0o700),
    fsync: options.fsync === true,
    now: options.now ?? Date.now,
    memoryEntries: count('memoryEntries', options.memoryEntries, 20_000, 0),
    memoryBytes: count('memoryBytes', options.memoryBytes, 32 * 1024 * 1024, 0),
    pruneInterval: count('pruneInterval', options.pruneInterval, 60_000, 0),
    fs: options.fs,
    sliceMs: options.sliceMs ?? 8,
  }
}
