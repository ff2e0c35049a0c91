// Literal options as written (OptionSite[]) -> checked, normalised values, by the option table
// (shared/options.ts): durations become milliseconds, names become parameter indices later in
// plan.ts. Every rejection is a catalog error.
import { errors, nearest } from './errors.js'
import { parseDuration as parse } from '../shared/duration.js'
import { BATCH_EXCLUDED, BATCH_OPTIONS, OPTION_NAMES, batchOptionSpec, optionSpec, type OptionName, type OptionSpec } from '../shared/options.js'
import type { Loc, OptionSite, OptionsSite, Plan, ValueSite } from './types.js'

export { OPTION_NAMES, type OptionName }

/**
 * A duration in milliseconds (shared/duration.ts, the one parser both sides use), or `null`
 * when `value` is not a duration.
 */
export function parseDuration(value: number | string): number | null {
  return parse(value) ?? null
}

/** One option as the planner needs it: normalised literals, or a marker for code passed through. */
export interface NormalisedOptions extends Pick<Plan, 'ttl' | 'staleWhileRevalidate' | 'staleIfError' | 'prefix' | 'backend' | 'dedupe' | 'cacheIf' | 'instanceKey'
  | 'validate' | 'earlyRefresh' | 'emptyTtl' | 'isEmpty'> {
  version?: string
  id?: string
  /** Tag strings with the location of each (templates are compiled in plan.ts), or a function. */
  tags?: { kind: 'list'; items: { value: string; loc: Loc }[] } | { kind: 'passthrough' }
  key?: { kind: 'names'; items: { value: string; loc: Loc }[] } | { kind: 'passthrough' }
  /** `cached.batch` only (shared/options.ts BATCH_OPTIONS). */
  maxBatch?: number
  batchWindow?: number
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
export function normaliseOptions(callee: string, site: OptionsSite | null, batch = false): NormalisedOptions {
  const out: NormalisedOptions = {}
  if (!site) return out
  if (site.kind === 'other') throw errors.optionsNotObject(callee, site.nodeType, site.loc)
  for (const prop of site.properties) readOption(out, prop, batch)
  return out
}

/** The options `cached.batch` takes: the table's (but `key`) and the batch table's. */
const BATCH_NAMES: readonly string[] = [...OPTION_NAMES.filter((n) => !BATCH_EXCLUDED.includes(n)), ...BATCH_OPTIONS.map((o) => o.name)]

function readOption(out: NormalisedOptions, prop: OptionSite, batch: boolean): void {
  if (prop.kind === 'spread') throw errors.optionsSpread(prop.loc)
  if (prop.kind === 'computed') throw errors.optionsComputedKey(prop.loc)
  const { name, value } = prop
  const known = batch ? BATCH_NAMES : OPTION_NAMES
  const spec = known.includes(name) ? optionSpec(name) ?? batchOptionSpec(name) : undefined
  if (!spec && batch && (BATCH_EXCLUDED as readonly string[]).includes(name)) throw errors.batchKey(prop.keyLoc)
  if (!spec) throw errors.unknownOption(name, known, nearest(name, known), prop.keyLoc)
  const option = name as OptionName
  const code = value.kind === 'other' || value.kind === 'function'
  // Code is passed through where the table allows it; elsewhere the value must be a literal.
  if (code && (spec.literal === 'code' || (spec.literal === 'literal-or-code' && value.kind === 'function'))) {
    (out as Record<string, unknown>)[option] = { kind: 'passthrough' }
    return
  }
  if (code) throw errors.notLiteral(option, spec.expects, describe(value), value.loc)
  ;(out as Record<string, unknown>)[option] = literal(spec, value)
}

/** A literal value of the option `spec`, checked against its kind. */
function literal(spec: OptionSpec, value: Exclude<ValueSite, { kind: 'other' | 'function' }>): unknown {
  const option = spec.name
  switch (spec.kind) {
    case 'duration': case 'finite-duration': {
      if (value.kind !== 'number' && value.kind !== 'string') throw errors.wrongType(option, spec.expects, describe(value), value.loc)
      const ms = parseDuration(value.value)
      // A stale window that never ends is never refreshed in time (the runtime refuses it too).
      if (ms === null || (spec.kind === 'finite-duration' && ms === Infinity)) throw errors.badDuration(option, describe(value), value.loc)
      // `ttl: Infinity` is "no expiry", which the runtime spells 0 (and a plan stays JSON).
      return ms === Infinity ? 0 : ms
    }
    case 'string': case 'name':
      if (value.kind !== 'string') throw errors.wrongType(option, spec.expects, describe(value), value.loc)
      if (spec.kind === 'name' && value.value === '') throw errors.wrongType(option, 'a non-empty string', 'an empty string', value.loc)
      return value.value
    case 'boolean':
      if (value.kind !== 'boolean') throw errors.wrongType(option, spec.expects, describe(value), value.loc)
      return value.value
    case 'function': case 'schema-or-function':
      throw errors.wrongType(option, spec.expects, describe(value), value.loc)
    case 'early-refresh':
      // `{ beta }` is code (an object literal), checked at run time; a literal must be a boolean.
      if (value.kind !== 'boolean') throw errors.wrongType(option, spec.expects, describe(value), value.loc)
      return value.value
    case 'count':
      if (value.kind !== 'number' || !(value.value >= 1) || !(Number.isInteger(value.value) || value.value === Infinity)) {
        throw errors.wrongType(option, spec.expects, describe(value), value.loc)
      }
      return value.value
    case 'names-or-function': {
      if (value.kind !== 'array') throw errors.wrongType(option, spec.expects, describe(value), value.loc)
      const items = value.items.map((item) => {
        if (item.kind === 'other' || item.kind === 'function') throw errors.notLiteral(option, 'string items', describe(item), item.loc)
        if (item.kind !== 'string') throw errors.wrongType(option, 'string items', describe(item), item.loc)
        return { value: item.value, loc: item.loc }
      })
      return { kind: option === 'key' ? 'names' : 'list', items }
    }
  }
}
