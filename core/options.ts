// Literal options as written (OptionSite[]) -> checked, normalised values: durations become
// milliseconds, names become parameter indices later in plan.ts. Every rejection is a catalog error.
import { errors, nearest } from './errors.js'
import { parseDuration as parse } from '../runtime/duration.js'
import type { Loc, OptionSite, OptionsSite, ValueSite } from './types.js'

/** Option names `cached(fn, options)` accepts, in the order messages list them. */
export const OPTION_NAMES = [
  'ttl', 'staleWhileRevalidate', 'staleIfError', 'tags', 'prefix', 'key', 'backend', 'dedupe',
  'cacheIf', 'version', 'id',
] as const
export type OptionName = (typeof OPTION_NAMES)[number]

/**
 * A duration in milliseconds (see runtime/duration.ts, the one parser both sides use), or `null`
 * when `value` is not a duration.
 */
export function parseDuration(value: number | string): number | null {
  return parse(value) ?? null
}

/** One option as the planner needs it: normalised literals, or a marker for code passed through. */
export interface NormalisedOptions {
  ttl?: number
  staleWhileRevalidate?: number
  staleIfError?: number
  prefix?: string
  backend?: string
  dedupe?: boolean
  version?: string
  id?: string
  /** Tag strings with the location of each (templates are compiled in plan.ts), or a function. */
  tags?: { kind: 'list'; items: { value: string; loc: Loc }[] } | { kind: 'passthrough' }
  key?: { kind: 'names'; items: { value: string; loc: Loc }[] } | { kind: 'passthrough' }
  cacheIf?: { kind: 'passthrough' }
}

const describe = (v: ValueSite): string => {
  switch (v.kind) {
    case 'string': return `the string ${JSON.stringify(v.value)}`
    case 'number': return `the number ${v.value}`
    case 'boolean': return `${v.value}`
    case 'null': return 'null'
    case 'array': return 'an array'
    case 'function': return 'a function'
    case 'other': return v.nodeType
  }
}

/** Checks and normalises the options object of one call. */
export function normaliseOptions(callee: string, site: OptionsSite | null): NormalisedOptions {
  const out: NormalisedOptions = {}
  if (!site) return out
  if (site.kind === 'other') throw errors.optionsNotObject(callee, site.nodeType, site.loc)
  for (const prop of site.properties) readOption(out, prop)
  return out
}

function readOption(out: NormalisedOptions, prop: OptionSite): void {
  if (prop.kind === 'spread') throw errors.optionsSpread(prop.loc)
  if (prop.kind === 'computed') throw errors.optionsComputedKey(prop.loc)
  const { name, value } = prop
  if (!(OPTION_NAMES as readonly string[]).includes(name)) {
    throw errors.unknownOption(name, OPTION_NAMES, nearest(name, OPTION_NAMES), prop.keyLoc)
  }
  const option = name as OptionName
  switch (option) {
    case 'ttl': case 'staleWhileRevalidate': case 'staleIfError': {
      if (value.kind === 'other' || value.kind === 'function') throw errors.notLiteral(option, "milliseconds or a duration string such as '5m'", describe(value), value.loc)
      if (value.kind !== 'number' && value.kind !== 'string') throw errors.wrongType(option, "milliseconds or a duration string such as '5m'", describe(value), value.loc)
      const ms = parseDuration(value.value)
      if (ms === null) throw errors.badDuration(option, describe(value), value.loc)
      if (ms === Infinity) {
        // A stale window that never ends is never refreshed in time (the runtime refuses it too).
        if (option !== 'ttl') throw errors.badDuration(option, describe(value), value.loc)
        // `ttl: Infinity` is "no expiry", which the runtime spells 0 (and a plan stays JSON).
        out.ttl = 0
        return
      }
      out[option] = ms
      return
    }
    case 'prefix': case 'backend': case 'version': case 'id': {
      if (value.kind === 'other' || value.kind === 'function') throw errors.notLiteral(option, 'a string', describe(value), value.loc)
      if (value.kind !== 'string') throw errors.wrongType(option, 'a string', describe(value), value.loc)
      if (option !== 'prefix' && value.value === '') throw errors.wrongType(option, 'a non-empty string', 'an empty string', value.loc)
      out[option] = value.value
      return
    }
    case 'dedupe': {
      if (value.kind === 'other' || value.kind === 'function') throw errors.notLiteral(option, 'true or false', describe(value), value.loc)
      if (value.kind !== 'boolean') throw errors.wrongType(option, 'true or false', describe(value), value.loc)
      out.dedupe = value.value
      return
    }
    case 'cacheIf': {
      if (value.kind === 'function' || value.kind === 'other') { out.cacheIf = { kind: 'passthrough' }; return }
      throw errors.wrongType(option, 'a function (result) => boolean', describe(value), value.loc)
    }
    case 'tags': case 'key': {
      if (value.kind === 'function') { out[option] = { kind: 'passthrough' }; return }
      const what = option === 'tags' ? 'an array of strings or a function' : 'an array of parameter names or a function'
      if (value.kind === 'other') throw errors.notLiteral(option, what, describe(value), value.loc)
      if (value.kind !== 'array') throw errors.wrongType(option, what, describe(value), value.loc)
      const items = value.items.map((item) => {
        if (item.kind === 'other' || item.kind === 'function') throw errors.notLiteral(option, 'string items', describe(item), item.loc)
        if (item.kind !== 'string') throw errors.wrongType(option, 'string items', describe(item), item.loc)
        return { value: item.value, loc: item.loc }
      })
      if (option === 'tags') out.tags = { kind: 'list', items }
      else out.key = { kind: 'names', items }
      return
    }
  }
}
