// Loads the fncache runtime from source (../runtime/index.ts through tsx) and says which parts of
// the API it lacks, so a runtime that is still being written skips the fncache rows instead of
// breaking the peers' benchmarks.

export interface FncacheApi {
  cached: (fn: (...a: any[]) => any, opts?: Record<string, unknown>) => any
  wrap: (fn: (...a: any[]) => any, opts: Record<string, unknown>) => any
  /** The helper compiled code calls when the build checked every option (runtime/wrap-compiled.ts). */
  wrapCompiled?: (fn: (...a: any[]) => any, opts: Record<string, unknown>) => any
  configure: (opts: Record<string, unknown>) => unknown
  memory: (opts?: Record<string, unknown>) => unknown
  invalidateTags: (tags: string[]) => Promise<unknown>
  invalidateTagsSync?: (tags: string[]) => unknown
  metrics?: unknown
}

const REQUIRED = ['cached', 'wrap', 'configure', 'memory', 'invalidateTags'] as const

let loaded: Promise<{ api?: FncacheApi; missing: string }> | undefined

export function loadFncache(): Promise<{ api?: FncacheApi; missing: string }> {
  loaded ??= (async () => {
    try {
      // Compiled code's helpers (wrapCompiled, wrap) are internal: fncache.macro/runtime/internal.
      const mod: any = { ...(await import('../runtime/index.js')), ...(await import('../runtime/internal.js')) }
      const lacks = REQUIRED.filter((k) => typeof mod[k] !== 'function')
      if (lacks.length) return { missing: `runtime/index.ts does not export ${lacks.join(', ')} yet` }
      return { api: mod as FncacheApi, missing: '' }
    } catch (e) {
      return { missing: `runtime failed to load: ${e instanceof Error ? e.message.split('\n')[0] : e}` }
    }
  })()
  return loaded
}

let serial = 0
/** A unique function id per contender, so two contenders never share entries. */
export const fid = (name: string) => `benchmarks/${name}#${++serial}`

/** Replaces every backend with one memory backend (each scenario configures its own). */
export function useMemory(api: FncacheApi, opts: { max: number; policy?: 'lru' | 'lfu' | 'tinylfu' }, name = 'default'): void {
  api.configure({ backends: { [name]: api.memory(opts) } })
}

/** Reads `fn.stats()` when the wrapper has it. */
export function statsOf(fn: any): { hits?: number; misses?: number; evictions?: number } {
  try { return typeof fn?.stats === 'function' ? fn.stats() : {} } catch { return {} }
}
