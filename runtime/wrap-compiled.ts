// The entry compiled code calls when every option it passes was checked and normalised at build
// time (core/plan.ts picks it: `wrapCompiled`): the options become the FnConfig as they are, with
// no option table, duration parser, parameter reader or "did you mean", so a memory-only app does
// not bundle the normaliser (runtime/options.ts). Options the build cannot check (a `validate`
// schema, an `earlyRefresh` object, `emptyTtl`) go through `wrap()` instead; `cacheIf` is any
// expression, so it is checked here.

import { describe, typeError } from './errors.js'
import { build } from './build.js'
import type { AnyFn } from './call/types.js'
import type { FnConfig } from './options.js'
import type { Cached } from './types.js'

/** The options `wrapCompiled` takes: exactly what core/print.ts emits for it. @internal */
export interface CompiledOptions {
  id: string
  version: string
  compiled: true
  async: boolean
  params: (string | null)[]
  rest?: boolean
  namespace?: string
  /** Milliseconds (0: no expiry). */
  ttl?: number
  staleWhileRevalidate?: number
  staleIfError?: number
  prefix?: string
  backend?: string
  dedupe?: boolean
  /** Argument indices, or the user's key function (a function expression in the source). */
  key?: number[] | ((...args: unknown[]) => unknown)
  keyOf?: (...args: unknown[]) => string | undefined
  /** The property names the one parameter's annotation declares (an object key's shape). */
  shape?: readonly string[]
  /** Literal tags, or the compiled template function (or the user's tags function). */
  tags?: readonly string[] | ((result: unknown, ...args: unknown[]) => readonly string[])
  cacheIf?: (result: unknown) => boolean
}

/** Wraps `fn` with options the transform planned for this entry (see CompiledOptions). */
export function wrapCompiled<F extends AnyFn>(fn: F, o: CompiledOptions): Cached<F> {
  const { id, tags, key, cacheIf } = o
  if (cacheIf !== undefined && typeof cacheIf !== 'function') throw typeError('E_OPTION', `${id}: option cacheIf must be a function; received ${describe(cacheIf)}.`)
  let fixed: readonly string[]
  const cfg: FnConfig = {
    id,
    version: o.version,
    ttl: o.ttl,
    swr: o.staleWhileRevalidate ?? 0,
    sie: o.staleIfError ?? 0,
    // As runtime/options.ts builds them: a list of literal tags is one fixed array; a function gets
    // the call's arguments spread.
    tags: typeof tags === 'function'
      ? (result, args) => tags(result, ...Array.prototype.slice.call(args))
      : tags !== undefined ? (fixed = tags.slice(), () => fixed) : null,
    tagsFromArgs: tags !== undefined && typeof tags !== 'function',
    prefix: o.prefix ?? id + ':',
    keyIdx: Array.isArray(key) ? key : null,
    keyFn: typeof key === 'function' ? key : null,
    backend: o.backend ?? 'default',
    dedupe: o.dedupe ?? true,
    cacheIf: cacheIf ?? null,
    validate: null,
    earlyRefresh: null,
    empty: null,
    params: o.params,
    rest: o.rest ?? false,
    keyOf: o.keyOf ?? null,
    shape: o.shape ?? null,
    async: o.async,
    namespace: o.namespace,
    compiled: true,
    uncached: null,
  }
  return build(fn, cfg) as Cached<F>
}
