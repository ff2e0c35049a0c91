// Opening files in a directory that someone else may also write: never follow a link we did not
// make, never read a special file (a FIFO blocks, /dev/zero never ends), never read more than a
// bound, and accept only names the layout itself produces. Everything else is "foreign": the
// caller counts it as corrupt and removes the name itself (unlink never follows a link).
//
// What this does not stop: a writer racing us between a check and the operation that follows
// (Node has no openat()); see SECURITY.md. Planted links, FIFOs and index lines are all covered.

import { constants } from 'node:fs'
import { code, isMissing, type Fs } from './io.js'

// Windows has no O_NOFOLLOW / O_NONBLOCK (undefined there): links are rare and need privileges.
const NOFOLLOW = constants.O_NOFOLLOW ?? 0
const NONBLOCK = constants.O_NONBLOCK ?? 0
const READ = constants.O_RDONLY | NOFOLLOW | NONBLOCK
const APPEND = constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT | NOFOLLOW | NONBLOCK
export const RDWR_NOFOLLOW = constants.O_RDWR | NOFOLLOW

/** Returned instead of bytes: a link, a special file, a directory, or larger than allowed. */
export const FOREIGN: unique symbol = Symbol('foreign')

/** Every name the layout writes for an entry, a group or a tag: a 128-bit hash in lowercase hex. */
const HASH = /^[0-9a-f]{32}$/
export const isHash = (name: string): boolean => name.length === 32 && HASH.test(name)

/** The default bound on an entry file (header + key + tags + value), in bytes: 64 MiB. */
export const DEFAULT_MAX_ENTRY_BYTES = 64 * 1024 * 1024

/** Opened but not what a regular file read or append expects: links, FIFOs, sockets, devices. */
const foreignOpen = (e: unknown): boolean => {
  const c = code(e)
  // ELOOP: O_NOFOLLOW met a link (EMLINK on FreeBSD); ENXIO: a FIFO or socket with no peer.
  return c === 'ELOOP' || c === 'EMLINK' || c === 'ENXIO' || c === 'EISDIR' || c === 'EFTYPE'
}

/**
 * The whole content of the regular file at `path`: undefined when absent, FOREIGN when it is a
 * link, not a regular file, or larger than `max` bytes (checked with fstat before reading).
 */
export function readRegular(fs: Fs, path: string, max: number): Buffer | undefined | typeof FOREIGN {
  let fd: number
  try {
    fd = fs.openSync(path, READ)
  } catch (e) {
    if (isMissing(e)) return undefined
    if (foreignOpen(e)) return FOREIGN
    throw e
  }
  try {
    const st = fs.fstatSync(fd)
    if (!st.isFile() || st.size > max) return FOREIGN
    const buf = Buffer.allocUnsafe(st.size)
    let at = 0
    while (at < buf.length) {
      const n = fs.readSync(fd, buf, at, buf.length - at, at)
      if (n === 0) break
      at += n
    }
    return at === buf.length ? buf : buf.subarray(0, at)
  } finally {
    fs.closeSync(fd)
  }
}

/**
 * Opens `path` for appending, creating it with `mode`. A link or special file at that name is
 * removed (the name itself) and the open retried once: an index file is only ever ours.
 */
export function openAppend(fs: Fs, path: string, mode: number): number {
  for (let attempt = 0; ; attempt++) {
    let fd = -1
    try {
      fd = fs.openSync(path, APPEND, mode)
      if (fs.fstatSync(fd).isFile()) return fd
    } catch (e) {
      if (!foreignOpen(e) || attempt > 0) throw e
    }
    if (fd >= 0) fs.closeSync(fd)
    if (attempt > 0) throw Object.assign(new Error(`${path} is not a regular file`), { code: 'EUNSAFE' })
    removeName(fs, path)
  }
}

/** Unlinks a name (a link itself, never its target); a directory there is left alone. */
export function removeName(fs: Fs, path: string): boolean {
  try {
    fs.unlinkSync(path)
    return true
  } catch (e) {
    if (isMissing(e)) return false
    const c = code(e)
    if (c === 'EISDIR' || c === 'EPERM') return false // a real directory: not ours to remove here
    throw e
  }
}

/**
 * What is at `path`, without following a link: 'dir' for a real directory (owned by this user when
 * `owner` is given), 'missing', or 'foreign' for anything else (a link, a file, someone else's).
 */
export function kindOf(fs: Fs, path: string, owner?: number): 'dir' | 'missing' | 'foreign' {
  let st
  try {
    st = fs.lstatSync(path)
  } catch (e) {
    if (isMissing(e)) return 'missing'
    throw e
  }
  if (!st.isDirectory()) return 'foreign'
  if (owner !== undefined && st.uid !== owner) return 'foreign'
  return 'dir'
}

/** The current user id, or undefined where there is none (Windows). */
export const ownUid = (): number | undefined => (typeof process.getuid === 'function' ? process.getuid() : undefined)
