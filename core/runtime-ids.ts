// The names emitted code uses: where the runtime is imported from, the helpers it calls, and
// the public runtime exports a user may import from 'fncache.macro' (rewritten to the runtime).

/** The default import path of the runtime in emitted code (config `runtimeImport` overrides it). */
export const RUNTIME_IMPORT = 'fncache.macro/runtime'

/** Runtime helpers emitted code calls, by role; emitters give them collision-free `_`-prefixed locals. */
export const HELPERS = { wrap: 'wrap', tagPart: 'tagPart' } as const
export type Helper = keyof typeof HELPERS

/** Named exports of the runtime a user may import from 'fncache.macro'. */
export const RUNTIME_EXPORTS = [
  'cached', 'wrap', 'tagPart', 'configure', 'invalidateTags', 'invalidatePrefix',
  'invalidateTagsSync', 'invalidatePrefixSync', 'metrics', 'memory',
] as const
