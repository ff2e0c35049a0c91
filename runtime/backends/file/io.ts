// The file system seam of the file backend (an @internal `fs` option lets tests inject ENOSPC,
// EACCES or EROFS), the errors it throws, and the few error-code predicates the modules share.

import * as nodeFs from 'node:fs'
import { dirname } from 'node:path'
import { FncacheError } from '../../errors.js'

/** The synchronous `node:fs` calls the backend makes; tests wrap them to inject faults. @internal */
export type Fs = Pick<typeof nodeFs,
  'openSync' | 'closeSync' | 'readSync' | 'writeSync' | 'fstatSync' | 'statSync' | 'readFileSync' | 'futimesSync' |
  'utimesSync' | 'fsyncSync' | 'renameSync' | 'unlinkSync' | 'mkdirSync' | 'readdirSync' | 'rmdirSync' | 'opendirSync' | 'linkSync' |
  'lstatSync' | 'lutimesSync'>

export const realFs: Fs = nodeFs

export const code = (e: unknown): string | undefined => (e as { code?: string } | null)?.code

/** Nothing is stored there: the file, or a directory on its path, is absent. A miss, not a failure. */
export const isMissing = (e: unknown): boolean => {
  const c = code(e)
  return c === 'ENOENT' || c === 'ENOTDIR'
}

/**
 * The directory cannot be used (ENOSPC, EACCES, EROFS, EPERM, ENOTDIR, EIO...). Thrown to the
 * runtime, which fails open: the function runs, the error is counted and warned about once.
 */
export class FileBackendError extends FncacheError {
  static readonly code = 'E_BACKEND_UNAVAILABLE'
  /** The `node:fs` error code, e.g. `'ENOSPC'`. */
  readonly fsCode: string | undefined
  constructor(operation: string, dir: string, cause: unknown) {
    const c = code(cause)
    super(FileBackendError.code, `the file backend could not ${operation} in ${JSON.stringify(dir)}: ${c ?? (cause as Error)?.message ?? String(cause)}${c ? ` (${(cause as Error).message})` : ''}.`, { cause })
    this.name = 'FileBackendError'
    this.fsCode = c
  }
}

/** Unlinks `path`; true if it existed. Missing files are not an error (another process won). */
export function unlinkIfPresent(fs: Fs, path: string): boolean {
  try {
    fs.unlinkSync(path)
    return true
  } catch (e) {
    if (isMissing(e)) return false
    throw e
  }
}

/**
 * mkdir -p that reports the real cause: Node's recursive mkdir turns EROFS or EACCES on a parent
 * into ENOENT. Returns true when `path` itself was created by this call. `mode` (before the umask)
 * applies to every directory created: 0700 by default, so other users cannot plant files.
 */
export function mkdirp(fs: Fs, path: string, mode = 0o700): boolean {
  try {
    fs.mkdirSync(path, { mode })
    return true
  } catch (e) {
    if (code(e) === 'EEXIST') return false
    if (code(e) !== 'ENOENT' || dirname(path) === path) throw e
  }
  mkdirp(fs, dirname(path), mode)
  try {
    fs.mkdirSync(path, { mode })
    return true
  } catch (e) {
    if (code(e) === 'EEXIST') return false
    throw e
  }
}
