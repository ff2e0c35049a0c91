// The names emitted code uses: where the runtime is imported from, the helpers it calls, and
// the public runtime exports a user may import from 'fncache.macro' (rewritten to the runtime).
// core/ may not import runtime/ (boundaries test), so the export list is written here and
// tests/core/runtime-ids.test.ts fails when it differs from runtime/index.ts's actual exports.

/** The default import path of the runtime in emitted code (config `runtimeImport` overrides it). */
export const RUNTIME_IMPORT = 'fncache.macro/runtime'

/** Where emitted code imports the helpers from: an internal subpath, not a user API. */
export const HELPERS_IMPORT = 'fncache.macro/runtime/internal'

/**
 * The helpers' source for a config: the internal subpath with the default runtime; a custom
 * `runtimeImport` (a module of the user's that re-exports the runtime) must export them itself.
 */
export const helpersImport = (runtimeImport: string): string => (runtimeImport === RUNTIME_IMPORT ? HELPERS_IMPORT : runtimeImport)

/** Runtime helpers emitted code calls, by role; emitters give them collision-free `_`-prefixed locals. */
export const HELPERS = { wrap: 'wrap', wrapCompiled: 'wrapCompiled', wrapBatch: 'wrapBatch', tagPart: 'tagPart', method: 'method' } as const
export type Helper = keyof typeof HELPERS

/** Value exports of fncache.macro/runtime, which a user may import from 'fncache.macro'. */
export const RUNTIME_EXPORTS = [
  'cached', 'configure', 'invalidateTags', 'invalidatePrefix', 'invalidateTagsSync', 'invalidatePrefixSync',
  'metrics', 'memory', 'MemoryBackend', 'parseDuration', 'FncacheError', 'BackendError', 'errors', 'enableBytes',
  'cacheOf',
] as const
