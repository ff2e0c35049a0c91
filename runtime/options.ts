// Validation and normalisation of per-function options, shared by `cached()` (user options,
// durations as strings, names) and `wrap()` (options pre-normalised by the transform). Which
// options exist, their kinds and messages come from the option table (shared/options.ts).

import { describe, typeError } from './errors.js'
import { parseDuration, DURATION_HINT } from './duration.js'
import { paramIndex, readParams } from '../shared/params.js'
import { COMPILED_OPTIONS, OPTION_NAMES, optionSpec, type OptionName } from '../shared/options.js'
import { compileTags, unresolvedTemplate, type TagsFn } from './tags.js'
import { nearest } from './nearest.js'
import { normalizeValidate, type ValidatorConfig } from './validate.js'
import { normalizeEarlyRefresh, type EarlyRefreshConfig } from './early-refresh.js'
import { normalizeEmptyTtl, type EmptyTtlConfig } from './empty-ttl.js'

export interface FnConfig {
  id: string
  version: string
  /** Milliseconds; undefined: take configure()'s default. 0 or Infinity: no expiry. */
  ttl: number | undefined
  swr: number
  sie: number
  tags: TagsFn | null
  /** True when `tags` depends on the arguments only (a list of templates), so a call's tags are known before its result. */
  tagsFromArgs: boolean
  prefix: string
  /** Argument indices forming the key; null: every argument. */
  keyIdx: number[] | null
  keyFn: ((...args: unknown[]) => unknown) | null
  backend: string
  dedupe: boolean
  cacheIf: ((result: unknown) => boolean) | null
  /** The `validate` option (runtime/validate.ts); null: no validation. */
  validate: ValidatorConfig | null
  /** The `earlyRefresh` option (runtime/early-refresh.ts); null: off. */
  earlyRefresh: EarlyRefreshConfig | null
  /** `emptyTtl` and `isEmpty` (runtime/empty-ttl.ts); null: empty results are not treated apart. */
  empty: EmptyTtlConfig | null
  params: (string | null)[] | null
  rest: boolean
  keyOf: ((...args: unknown[]) => string | undefined) | null
  /** The property names the one parameter's annotation declares (compiled code); null: none. */
  shape: readonly string[] | null
  async: boolean | undefined
  namespace: string | undefined
  compiled: boolean
  /**
   * Uncompiled only: why name-based options cannot be honoured (a `{param}` or key name that the
   * function as it runs does not have, typically renamed by a minifier); the wrap then runs
   * uncached. Null when the options hold.
   */
  uncached: { reason: string; idFromName: boolean } | null
}

const KNOWN: readonly string[] = [...OPTION_NAMES, ...COMPILED_OPTIONS]

/** A user option's value checked against its kind in the option table; undefined when not given. */
function userOption(fnId: string, name: Exclude<OptionName, 'tags' | 'key' | 'validate' | 'earlyRefresh'>, value: unknown): unknown {
  if (value === undefined) return undefined
  const spec = optionSpec(name)!
  const bad = (expects: string) => typeError('E_OPTION', `${fnId}: option ${name} must be ${expects}; received ${describe(value)}.`)
  switch (spec.kind) {
    case 'duration': case 'finite-duration': {
      const ms = parseDuration(value)
      if (ms === undefined) throw bad(DURATION_HINT)
      if (ms === Infinity && spec.kind === 'finite-duration') {
        throw typeError('E_OPTION', `${fnId}: option ${name} must be finite; an entry that is stale forever is never refreshed in time.`)
      }
      return ms
    }
    case 'string': if (typeof value !== 'string') throw bad(spec.expects); return value
    case 'name': if (typeof value !== 'string' || value === '') throw bad('a non-empty string'); return value
    case 'boolean': if (typeof value !== 'boolean') throw bad(spec.expects); return value
    case 'function': if (typeof value !== 'function') throw bad(spec.expects); return value
  }
  return value
}

/** Validates `options` for the function `fn`; throws a TypeError naming the function and the option. */
export function normalizeOptions(fn: Function, options: Record<string, unknown> | undefined): FnConfig {
  if (typeof fn !== 'function') {
    throw typeError('E_NOT_A_FUNCTION', `cached() expects a function as its first argument; received ${describe(fn)}.`,
      "const getUser = cached(async (id) => db.user(id), { ttl: '5m' })")
  }
  const o = options ?? {}
  if (typeof o !== 'object' || o === null || Array.isArray(o)) {
    throw typeError('E_OPTION', `cached(${fn.name || 'fn'}, options): options must be an object; received ${describe(o)}.`)
  }
  const id = o.id ?? (fn.name || 'anonymous')
  if (typeof id !== 'string' || id === '') throw typeError('E_OPTION', `cached(${fn.name || 'fn'}): option id must be a non-empty string; received ${describe(id)}.`)
  for (const name of Object.keys(o)) {
    if (!(KNOWN as readonly string[]).includes(name)) {
      const hint = nearest(name, KNOWN)
      throw typeError('E_OPTION', `${id}: unknown option "${name}"${hint ? `; did you mean "${hint}"?` : '.'}`,
        `valid options are ${OPTION_NAMES.join(', ')}`)
    }
  }
  const str = (name: string, v: unknown) => {
    if (v !== undefined && typeof v !== 'string') throw typeError('E_OPTION', `${id}: option ${name} must be a string; received ${describe(v)}.`)
    return v as string | undefined
  }
  const bool = (name: string, v: unknown) => {
    if (v !== undefined && typeof v !== 'boolean') throw typeError('E_OPTION', `${id}: option ${name} must be true or false; received ${describe(v)}.`)
    return v as boolean | undefined
  }
  const func = <T>(name: string, v: unknown) => {
    if (v !== undefined && typeof v !== 'function') throw typeError('E_OPTION', `${id}: option ${name} must be a function; received ${describe(v)}.`)
    return (v ?? null) as T | null
  }

  const names = (name: string, v: unknown) => {
    if (v !== undefined && !(Array.isArray(v) && v.every((x) => typeof x === 'string'))) {
      throw typeError('E_OPTION', `${id}: option ${name} must be an array of property names; received ${describe(v)}.`)
    }
    return (v ?? null) as readonly string[] | null
  }

  // Without the transform, parameter names come from the function's text as it runs, which a
  // minifier may have renamed: a name that does not resolve there makes the wrap run uncached
  // (with a warning) instead of throwing while the host's modules load.
  const compiled = bool('compiled', o.compiled) ?? false
  let uncached: string | null = null
  const paramsText = (names: readonly (string | null)[] | null) =>
    names ? `parameters as it runs: ${names.map((n) => n ?? '(destructured)').join(', ') || 'none'}` : 'its parameter names could not be read'

  let params: (string | null)[] | null = null
  let rest = bool('rest', o.rest) ?? false
  if (o.params !== undefined) {
    if (!Array.isArray(o.params) || !o.params.every((p) => p === null || typeof p === 'string')) {
      throw typeError('E_OPTION', `${id}: option params must be an array of parameter names; received ${describe(o.params)}.`)
    }
    params = o.params as (string | null)[]
  }
  // Name-based options on an uncompiled function: read the names from its source, once.
  const lazyParams = () => {
    if (params === null) {
      const read = readParams(fn)
      if (read) { params = read.names; rest = read.rest }
    }
    return params
  }

  let keyIdx: number[] | null = null
  let keyFn: FnConfig['keyFn'] = null
  if (typeof o.key === 'function') keyFn = o.key as FnConfig['keyFn']
  else if (o.key !== undefined) {
    if (!Array.isArray(o.key) || o.key.length === 0) {
      throw typeError('E_OPTION', `${id}: option key must be a non-empty array of parameter names or a function; received ${describe(o.key)}.`, "key: ['id']")
    }
    keyIdx = o.key.map((k: unknown) => {
      if (typeof k === 'number' && Number.isInteger(k) && k >= 0) return k
      if (typeof k !== 'string') throw typeError('E_OPTION', `${id}: option key must list parameter names; received ${describe(k)}.`)
      const names = lazyParams()
      const index = names ? paramIndex(names, rest, k) : 'missing'
      if (index === 'missing' && !compiled) {
        uncached ??= `option key names "${k}", which is not a parameter (${paramsText(names)})`
        return -1
      }
      if (index === 'missing') {
        throw typeError('E_OPTION', `${id}: option key names "${k}", which is not a parameter${names ? ` (parameters: ${names.filter(Boolean).join(', ') || 'none'})` : ''}.`,
          'key: (...args) => args[0]')
      }
      if (index === 'rest') throw typeError('E_OPTION', `${id}: option key names "${k}", a rest parameter, which cannot be addressed by name.`, 'key: (...args) => args')
      return index
    })
  }

  let tags: TagsFn | null = null
  if (typeof o.tags === 'function') {
    const user = o.tags as (result: unknown, ...args: unknown[]) => readonly string[]
    tags = (result, args) => user(result, ...Array.prototype.slice.call(args))
  } else if (o.tags !== undefined) {
    if (!Array.isArray(o.tags) || !o.tags.every((t) => typeof t === 'string')) {
      throw typeError('E_OPTION', `${id}: option tags must be an array of strings or a function; received ${describe(o.tags)}.`, "tags: ['users', 'user:{id}']")
    }
    const list = o.tags as string[]
    const names = list.some((t) => t.includes('{')) ? lazyParams() ?? undefined : undefined
    const missing = compiled ? undefined : unresolvedTemplate(list, names)
    if (missing) uncached ??= `tag "${missing.tag}" names {${missing.name}}, which is not a parameter (${paramsText(names ?? null)})`
    else tags = compileTags(id, list, names, rest)
  }

  // The user's options, each checked by its kind in the option table; then what compiled code adds.
  const user = <T>(name: Exclude<OptionName, 'tags' | 'key' | 'validate' | 'earlyRefresh'>) => userOption(id, name, o[name]) as T | undefined
  const cfg: FnConfig = {
    id,
    version: user<string>('version') ?? '',
    ttl: user<number>('ttl'),
    swr: user<number>('staleWhileRevalidate') ?? 0,
    sie: user<number>('staleIfError') ?? 0,
    tags,
    tagsFromArgs: tags !== null && typeof o.tags !== 'function',
    prefix: user<string>('prefix') ?? id + ':',
    keyIdx,
    keyFn,
    backend: user<string>('backend') ?? 'default',
    dedupe: user<boolean>('dedupe') ?? true,
    cacheIf: user<FnConfig['cacheIf']>('cacheIf') ?? null,
    validate: normalizeValidate(id, o.validate),
    earlyRefresh: normalizeEarlyRefresh(id, o.earlyRefresh),
    empty: normalizeEmptyTtl(id, user<number>('emptyTtl'), user<(result: unknown) => boolean>('isEmpty') ?? null),
    params,
    rest,
    keyOf: func('keyOf', o.keyOf),
    shape: names('shape', o.shape),
    async: bool('async', o.async),
    namespace: str('namespace', o.namespace),
    compiled,
    uncached: uncached === null ? null : { reason: uncached, idFromName: o.id === undefined },
  }
  // `pure` acts at build time only (core/purity.ts); checked here so a wrong value is named.
  user<boolean>('pure')
  if (cfg.uncached !== null) cfg.keyIdx = null
  return cfg
}
