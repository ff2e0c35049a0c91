// The option table: every option of `cached(fn, options)` declared once (name, kind, unit,
// default, literal rule, summary). core/options.ts checks literals at build time from it,
// runtime/options.ts normalises values at run time from it, and tests/core/option-table.test.ts
// checks the public type (CacheOptions in runtime/types.ts) against it: names, units, defaults.
// Pure: no imports, no node: APIs.

/**
 * What a value must be. `duration`: milliseconds or a duration string (shared/duration.ts);
 * `finite-duration`: the same without `Infinity`; `string` / `name` (non-empty); `boolean`;
 * `names-or-function`: an array of strings or a function; `function`; `schema-or-function`: a
 * Standard Schema, a predicate or `{ schema, onMemory }` (always code); `early-refresh`: a boolean
 * literal, or `{ beta }` as code; `count`: a positive integer or `Infinity`.
 */
export type OptionKind = 'duration' | 'finite-duration' | 'string' | 'name' | 'boolean' | 'names-or-function' | 'function'
  | 'schema-or-function' | 'early-refresh' | 'count'

/**
 * Build-time rule for the value as written: `literal` (checked and inlined), `literal-or-code`
 * (an array literal is checked and inlined, a function is passed through as code), `code` (passed
 * through as code, any expression).
 */
export type LiteralRule = 'literal' | 'literal-or-code' | 'code'

export interface OptionSpec {
  readonly name: string
  readonly kind: OptionKind
  /** What the value must be, in error messages. */
  readonly expects: string
  readonly unit?: 'milliseconds'
  /** The default, as the public type's `@default` states it. */
  readonly default: string
  readonly literal: LiteralRule
  /** The first words of the option's TSDoc. */
  readonly summary: string
}

const DURATION = "milliseconds or a duration string such as '5m'"

/** The options a user writes, in the order messages list them. */
export const OPTIONS = [
  { name: 'ttl', kind: 'duration', expects: DURATION, unit: 'milliseconds', literal: 'literal',
    default: 'the `ttl` given to {@link ConfigureOptions}, else no expiry',
    summary: 'How long a stored result is fresh' },
  { name: 'staleWhileRevalidate', kind: 'finite-duration', expects: DURATION, unit: 'milliseconds', literal: 'literal',
    default: '0 (no stale serving)',
    summary: 'After `ttl`, serve the stale value for this long while one background call refreshes it' },
  { name: 'staleIfError', kind: 'finite-duration', expects: DURATION, unit: 'milliseconds', literal: 'literal',
    default: '0 (errors always reach the caller)',
    summary: 'When a call made after `ttl` throws, serve the stale value for this long instead of the error' },
  { name: 'tags', kind: 'names-or-function', expects: 'an array of strings or a function', literal: 'literal-or-code',
    default: 'none',
    summary: 'Tags to file the entry under, for `invalidateTags()`' },
  { name: 'prefix', kind: 'string', expects: 'a string', literal: 'literal',
    default: 'the function id followed by `:`',
    summary: "The start of the entry's logical key, as seen by `invalidatePrefix()`" },
  { name: 'key', kind: 'names-or-function', expects: 'an array of parameter names or a function', literal: 'literal-or-code',
    default: 'every argument',
    summary: 'Which parameters form the key' },
  { name: 'backend', kind: 'name', expects: 'a string', literal: 'literal',
    default: "`'default'` (the in-process memory backend)",
    summary: 'The name of a backend registered with `configure({ backends })`' },
  { name: 'dedupe', kind: 'boolean', expects: 'true or false', literal: 'literal',
    default: 'true',
    summary: 'Concurrent callers with one key share one call' },
  { name: 'cacheIf', kind: 'function', expects: 'a function (result) => boolean', literal: 'code',
    default: 'store every result',
    summary: 'A result for which this returns false is returned to the caller but not stored' },
  { name: 'version', kind: 'name', expects: 'a string', literal: 'literal',
    default: 'the content hash computed by the transform (uncompiled: none)',
    summary: "Replaces the hash of the function's source as the entry version" },
  { name: 'id', kind: 'name', expects: 'a string', literal: 'literal',
    default: "the transform's `src/file.ts#binding` (uncompiled: the function's name)",
    summary: 'The function id, normally derived by the transform' },
  { name: 'instanceKey', kind: 'function', expects: 'a function (instance) => value', literal: 'code',
    default: 'none: one cache per method, shared by every instance',
    summary: 'Puts instance state in the key: a function of the receiver (`this`) of each call' },
  { name: 'validate', kind: 'schema-or-function', expects: 'a Standard Schema, a predicate (value) => boolean, or { schema, onMemory }', literal: 'code',
    default: 'no validation',
    summary: 'A Standard Schema or a predicate that a value read back from a backend must pass' },
  { name: 'earlyRefresh', kind: 'early-refresh', expects: 'true, false or { beta }', literal: 'code',
    default: 'false (entries are recomputed when they expire)',
    summary: 'Refresh a hot entry in the background a little before `ttl` ends' },
  { name: 'emptyTtl', kind: 'duration', expects: DURATION, unit: 'milliseconds', literal: 'literal',
    default: 'none (empty results live as long as others)',
    summary: 'How long an empty result is fresh (negative caching)' },
  { name: 'isEmpty', kind: 'function', expects: 'a function (result) => boolean', literal: 'code',
    default: 'a result that is `null` or `undefined`',
    summary: 'Which results `emptyTtl` applies to' },
  { name: 'pure', kind: 'boolean', expects: 'true or false', literal: 'literal',
    default: 'false (the build warns about what it sees)',
    summary: "Silences the transform's purity warnings for this function" },
] as const satisfies readonly OptionSpec[]

export type OptionName = (typeof OPTIONS)[number]['name']

/** The names of the options a user writes, in table order. */
export const OPTION_NAMES: readonly OptionName[] = OPTIONS.map((o) => o.name)

/** Options only compiled code passes to the runtime's wrap(): what the transform knows from syntax. */
export const COMPILED_OPTIONS = ['params', 'rest', 'keyOf', 'async', 'namespace', 'compiled', 'shape'] as const

export function optionSpec(name: string): OptionSpec | undefined {
  return (OPTIONS as readonly OptionSpec[]).find((o) => o.name === name)
}

/**
 * The options only `cached.batch(fn, options)` takes, beside those above (but `key`: the key is
 * the id). Checked at build time like the others (core/options.ts); runtime/batch.ts at run time;
 * BatchOptions in runtime/types.ts documents them (checked against this table by test).
 */
export const BATCH_OPTIONS = [
  { name: 'maxBatch', kind: 'count', expects: 'a positive integer', literal: 'literal',
    default: 'no limit',
    summary: 'The most distinct ids one call of the batch function gets' },
  { name: 'batchWindow', kind: 'finite-duration', expects: DURATION, unit: 'milliseconds', literal: 'literal',
    default: '0 (one turn of the event loop)',
    summary: 'How long to collect misses before calling the batch function' },
] as const satisfies readonly OptionSpec[]

/** The name tag templates of `cached.batch` give each id (`'user:{id}'`), whatever the batch parameter is called. */
export const BATCH_PARAM = 'id'

/** Options `cached.batch` refuses: the entry key is always the id. */
export const BATCH_EXCLUDED: readonly OptionName[] = ['key']

export type BatchOptionName = (typeof BATCH_OPTIONS)[number]['name']

export function batchOptionSpec(name: string): OptionSpec | undefined {
  return (BATCH_OPTIONS as readonly OptionSpec[]).find((o) => o.name === name)
}
