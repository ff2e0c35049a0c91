// The adapters load the transform (and with it @swc/core, an optional peer) on first use, so a
// missing @swc/core is one clear error naming the install command instead of Node's raw
// ERR_MODULE_NOT_FOUND at config load (the CLI's `ids` reports it the same way).
import type * as SwcPlugin from '../index.js'

/** The error an adapter throws when @swc/core cannot be loaded: `code` is `E_MISSING_PEER`. */
export class MissingPeerError extends Error {
  readonly code = 'E_MISSING_PEER'
  constructor(adapter: string, cause: unknown, peer = '@swc/core', install = 'npm install -D @swc/core') {
    const reason = ((cause as Error)?.message ?? String(cause)).split('\n')[0]
    super(`[E_MISSING_PEER] ${adapter} needs ${peer}, which could not be loaded (${reason}).\n  Try: ${install}`, { cause })
    this.name = 'MissingPeerError'
  }
}

let loading: Promise<typeof SwcPlugin> | undefined

/** True for "this package is not installed" (ESM and CommonJS forms), for @swc/core or its native binding. */
export function isMissingSwc(error: unknown): boolean {
  const e = error as NodeJS.ErrnoException
  return /@swc[\\/]core/.test(e?.message ?? '') && (e.code === 'ERR_MODULE_NOT_FOUND' || e.code === 'MODULE_NOT_FOUND' || /native binding/i.test(e.message))
}

/** fncache.macro/swc, loaded once; rejects with a MissingPeerError naming `adapter` when @swc/core is not installed. */
export function loadTransform(adapter: string): Promise<typeof SwcPlugin> {
  loading ??= import('../index.js')
  return loading.catch((error) => {
    loading = undefined
    throw isMissingSwc(error) ? new MissingPeerError(adapter, error) : error
  })
}
