// The `validate` option: a Standard Schema or a predicate that a value read back from a backend
// must pass. It checks what was read, whoever wrote it (an older deploy, another service), which
// versions and signatures cannot: a value that fails is a miss, counted (`invalid`), removed and
// recomputed. It runs once per read from a byte backend; on live values (memory, a tiered L1)
// only with `onMemory: true`, since those are this process's own results.

import { describe, typeError, warnOnce } from './errors.js'
import { reportError } from './global.js'
import type { Backend } from './backends/backend.js'
import type { Counters } from './metrics.js'

/** What validation needs of the backend binding: its counters, the function, the backend. */
interface Target {
  readonly counters: Counters
  readonly fnId: string
  readonly backend: Backend
}

/** The `~standard` part of a Standard Schema (https://standardschema.dev), as far as validation needs it. */
interface StandardSchemaLike {
  readonly '~standard': { readonly validate: (value: unknown) => unknown }
}

export interface Validator {
  /** True when `value` passes; false when it fails, the check throws, or the check is asynchronous. */
  readonly check: (value: unknown) => boolean | typeof ASYNC
  /** Also validate live values on memory hits (those then take the slow path). */
  readonly onMemory: boolean
}

/** What check() returns when the schema or predicate answered with a promise. */
export const ASYNC = Symbol('async')

function isSchema(v: unknown): v is StandardSchemaLike {
  if (v === null || (typeof v !== 'object' && typeof v !== 'function')) return false
  const std = (v as Record<string, unknown>)['~standard']
  return std !== null && typeof std === 'object' && typeof (std as Record<string, unknown>).validate === 'function'
}

const isThenable = (v: unknown): v is PromiseLike<unknown> =>
  v !== null && (typeof v === 'object' || typeof v === 'function') && typeof (v as { then?: unknown }).then === 'function'

/** The check of one schema or predicate: a Standard Schema passes when its result has no `issues`; a predicate when it returns `true`. */
function checkOf(rule: StandardSchemaLike | ((value: unknown) => unknown)): Validator['check'] {
  const settle = (r: unknown): typeof ASYNC => {
    // An unobserved rejection would crash the host under --unhandled-rejections=throw.
    Promise.resolve(r).then(undefined, () => {})
    return ASYNC
  }
  if (typeof rule === 'function' && !isSchema(rule)) {
    return (value) => {
      const r = rule(value)
      return isThenable(r) ? settle(r) : r === true
    }
  }
  const std = (rule as StandardSchemaLike)['~standard']
  return (value) => {
    const r = std.validate(value)
    if (isThenable(r)) return settle(r)
    return r !== null && typeof r === 'object' && (r as { issues?: unknown }).issues === undefined
  }
}

/** Normalises the `validate` option; throws a TypeError naming the function and the option. */
/** The option as FnConfig holds it: with passes(), which the memory path calls through it (see EarlyRefreshConfig). */
export interface ValidatorConfig extends Validator {
  readonly passes: typeof passes
}

export function normalizeValidate(fnId: string, v: unknown): ValidatorConfig | null {
  if (v === undefined) return null
  const bad = () => typeError('E_OPTION',
    `${fnId}: option validate must be a Standard Schema (zod, valibot, arktype...), a predicate (value) => boolean, or { schema, onMemory }; received ${describe(v)}.`,
    'validate: z.object({ id: z.string() }), or validate: (user) => typeof user?.id === \'string\'')
  if (typeof v === 'function' || isSchema(v)) return { check: checkOf(v as StandardSchemaLike), onMemory: false, passes }
  if (v === null || typeof v !== 'object') throw bad()
  const o = v as Record<string, unknown>
  for (const k of Object.keys(o)) {
    if (k !== 'schema' && k !== 'onMemory') {
      throw typeError('E_OPTION', `${fnId}: option validate takes { schema, onMemory }; received unknown key "${k}".`, 'validate: { schema: User, onMemory: true }')
    }
  }
  if (typeof o.schema !== 'function' && !isSchema(o.schema)) throw bad()
  if (o.onMemory !== undefined && typeof o.onMemory !== 'boolean') {
    throw typeError('E_OPTION', `${fnId}: option validate.onMemory must be true or false; received ${describe(o.onMemory)}.`)
  }
  return { check: checkOf(o.schema as StandardSchemaLike), onMemory: o.onMemory === true, passes }
}

/**
 * Whether a value read back passes `validator`. A failure is counted (`invalid`); a check that
 * throws or answers asynchronously also counts as an error and is reported once: either way the
 * value never reaches the caller (fail closed).
 */
export function passes(validator: Validator, t: Target, value: unknown): boolean {
  let ok: boolean | typeof ASYNC
  try {
    ok = validator.check(value)
  } catch (e) {
    t.counters.invalid++
    t.counters.errors++
    reportError(e, { operation: 'validate', functionId: t.fnId }, warnOnce)
    return false
  }
  if (ok === true) return true
  t.counters.invalid++
  if (ok === ASYNC) {
    t.counters.errors++
    warnOnce('FNCACHE_ASYNC_VALIDATE', t.fnId, `${t.fnId}: option validate answered with a promise. Validation runs synchronously, once per read, ` +
      'so every read is treated as a miss until it is synchronous: use a schema without async refinements, or a predicate that returns a boolean.')
  }
  return false
}

/** Removes a record that failed validation, in the background (best effort, like a corrupt one). */
export function dropInvalid(t: Target, storageKey: string): void {
  try {
    const r = t.backend.delete(storageKey)
    if (isThenable(r)) Promise.resolve(r).then(undefined, () => {})
  } catch {
    // The next write replaces the record anyway.
  }
}
