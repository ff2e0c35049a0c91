// Plan -> the text of the runtime options object (a JS expression), identical for every
// emitter. User code passed through (a tags/key function, cacheIf) appears as `%%name%%`
// placeholders the emitter fills with the original code (Babel: syntactic placeholders; SWC: text).
import type { ImportPlan, KeyEncoding, Plan, TagPlan } from './types.js'

/** Placeholders in printed options, by option, filled with the user's code as written. */
export const PLACEHOLDERS = {
  tags: '%%tags%%', key: '%%key%%', cacheIf: '%%cacheIf%%', instanceKey: '%%instanceKey%%',
  validate: '%%validate%%', earlyRefresh: '%%earlyRefresh%%', isEmpty: '%%isEmpty%%',
} as const

/** Splits printed options into `[text, name, text, name, ..., text]` around the placeholders. */
export const PLACEHOLDER_PATTERN = /%%(tags|key|cacheIf|instanceKey|validate|earlyRefresh|isEmpty)%%/g

/** Local names the emitter chose for the runtime helpers (only those the file's plans use). */
export type HelperNames = Partial<Record<'wrap' | 'wrapCompiled' | 'wrapBatch' | 'tagPart' | 'method', string>>

/** A top-level import declaration of the file, as an emitter describes it. */
export interface ExistingImport {
  source: string
  typeOnly: boolean
  /** The kinds of its specifiers, in order (empty: `import 'x'`). */
  specifiers: ('default' | 'named' | 'namespace')[]
}

/** One import declaration the macro import becomes: helpers and/or the user's named imports. */
export interface ImportGroup {
  source: string
  helpers: ImportPlan['helpers']
  /** Whether the user's named runtime imports (kept as written) go here. */
  named: boolean
}

/** The declarations a macro import becomes, in order: the helpers' source, then the runtime's (one when they are the same). */
export function importGroups(imports: ImportPlan): ImportGroup[] {
  if (imports.helperSource === imports.source) return [{ source: imports.source, helpers: imports.helpers, named: true }]
  return [{ source: imports.helperSource, helpers: imports.helpers, named: false }, { source: imports.source, helpers: [], named: true }]
}

/**
 * Where the rewritten runtime import goes: the index of an existing value import of the same
 * source that can take named specifiers (not type-only, not `import 'x'`, not `import * as x`),
 * or -1: the macro's own declaration is rewritten in place.
 */
export function mergeTarget(existing: readonly ExistingImport[], source: string): number {
  return existing.findIndex((d) => d.source === source && !d.typeOnly && d.specifiers.length > 0 && !d.specifiers.includes('namespace'))
}

const str = (s: string) => JSON.stringify(s)

/** Names for generated parameters: the user's where usable, else `_0`, `_1`... */
function argNames(plan: Plan, arity: number, reserved: (name: string) => boolean): string[] {
  const names = plan.params.slice(0, arity).map((p, i) => p ?? `_${i}`)
  while (names.length < arity) names.push(`_${names.length}`)
  const clash = names.some((n, i) => (reserved(n) || /^_\d+$/.test(n)) && n !== `_${i}`) || new Set(names).size !== names.length
  return clash ? names.map((_, i) => `_${i}`) : names
}

/** Names generated code reads besides its parameters: a parameter with one of them is renamed. */
const KEYOF_RESERVED = (n: string) => n === 'JSON' || n === 'undefined' || /^k\d+$/.test(n)

/** The options object text, one line: `{ id: "src/a.ts#f", version: "...", ... }`. */
export function printOptions(plan: Plan, helpers: HelperNames): string {
  const out: string[] = [
    `id: ${str(plan.id)}`,
    `version: ${str(plan.version)}`,
    'compiled: true',
    `async: ${plan.async}`,
    `params: [${plan.params.map((p) => (p === null ? 'null' : str(p))).join(', ')}]`,
  ]
  if (plan.rest) out.push('rest: true')
  if (plan.namespace !== undefined) out.push(`namespace: ${str(plan.namespace)}`)
  if (plan.ttl !== undefined) out.push(`ttl: ${plan.ttl}`)
  if (plan.staleWhileRevalidate !== undefined) out.push(`staleWhileRevalidate: ${plan.staleWhileRevalidate}`)
  if (plan.staleIfError !== undefined) out.push(`staleIfError: ${plan.staleIfError}`)
  if (plan.prefix !== undefined) out.push(`prefix: ${str(plan.prefix)}`)
  if (plan.backend !== undefined) out.push(`backend: ${str(plan.backend)}`)
  if (plan.dedupe !== undefined) out.push(`dedupe: ${plan.dedupe}`)
  if (plan.key?.kind === 'indices') out.push(`key: [${plan.key.indices.join(', ')}]`)
  else if (plan.key?.kind === 'passthrough') out.push(`key: ${PLACEHOLDERS.key}`)
  if (plan.shape) out.push(`shape: [${plan.shape.map(str).join(', ')}]`)
  if (plan.keyOf) out.push(`keyOf: ${printKeyOf(plan, plan.keyOf)}`)
  if (plan.tags?.kind === 'list') out.push(`tags: ${printTags(plan, plan.tags.tags, plan.tags.arity, helpers.tagPart ?? '_tagPart')}`)
  else if (plan.tags?.kind === 'passthrough') out.push(`tags: ${PLACEHOLDERS.tags}`)
  if (plan.cacheIf) out.push(`cacheIf: ${PLACEHOLDERS.cacheIf}`)
  if (plan.instanceKey) out.push(`instanceKey: ${PLACEHOLDERS.instanceKey}`)
  if (plan.validate) out.push(`validate: ${PLACEHOLDERS.validate}`)
  if (typeof plan.earlyRefresh === 'boolean') out.push(`earlyRefresh: ${plan.earlyRefresh}`)
  else if (plan.earlyRefresh) out.push(`earlyRefresh: ${PLACEHOLDERS.earlyRefresh}`)
  if (plan.emptyTtl !== undefined) out.push(`emptyTtl: ${plan.emptyTtl}`)
  if (plan.isEmpty) out.push(`isEmpty: ${PLACEHOLDERS.isEmpty}`)
  if (plan.batch?.maxBatch !== undefined) out.push(`maxBatch: ${plan.batch.maxBatch}`)
  if (plan.batch?.batchWindow !== undefined) out.push(`batchWindow: ${plan.batch.batchWindow}`)
  return `{ ${out.join(', ')} }`
}

function printTags(plan: Plan, tags: TagPlan[], arity: number, tagPart: string): string {
  const list = (names: string[]) => `[${tags.map((tag) => {
    if (tag.kind === 'literal') return str(tag.value)
    return tag.parts.map((part) => 'text' in part
      ? str(part.text)
      : `${tagPart}(${[names[part.param]!, ...part.path].join('?.')})`).join(' + ')
  }).join(', ')}]`
  if (arity === 0) return list([])
  const names = argNames(plan, arity, (n) => n === 'result' || n === 'undefined' || n === tagPart)
  return `(result, ${names.join(', ')}) => ${list(names)}`
}

/** Guard and encoding of one fixed-type value, matching the runtime's generic encoder exactly. */
const FIXED: Record<Exclude<KeyEncoding, 'any'>, { guard: (v: string) => string; encode: (v: string) => string }> = {
  string: { guard: (v) => `typeof ${v} === "string"`, encode: (v) => `JSON.stringify(${v})` },
  number: { guard: (v) => `typeof ${v} === "number"`, encode: (v) => `(${v} === 0 && 1 / ${v} < 0 ? "-0" : "" + ${v})` },
  boolean: { guard: (v) => `typeof ${v} === "boolean"`, encode: (v) => `(${v} ? "true" : "false")` },
  bigint: { guard: (v) => `typeof ${v} === "bigint"`, encode: (v) => `${v} + "n"` },
  null: { guard: (v) => `${v} === null`, encode: () => '"null"' },
  undefined: { guard: (v) => `${v} === undefined`, encode: () => '"undefined"' },
}

/** The per-value primitive switch for an unannotated value: its encoding, or undefined. */
const anyPart = (v: string) =>
  `typeof ${v} === "string" ? JSON.stringify(${v}) : typeof ${v} === "number" ? (${v} === 0 && 1 / ${v} < 0 ? "-0" : "" + ${v}) : ` +
  `typeof ${v} === "boolean" || ${v} == null ? "" + ${v} : typeof ${v} === "bigint" ? ${v} + "n" : undefined`

/**
 * `keyOf(...args)`: exactly the generic encoder's output for the key values (joined with `,`),
 * or undefined when a value is not of the promised primitive type. Fixed types: one guarded
 * expression. Unannotated values: computed first into `k<i>`, each checked for undefined.
 */
function printKeyOf(plan: Plan, keyOf: NonNullable<Plan['keyOf']>): string {
  const names = argNames(plan, keyOf.arity, KEYOF_RESERVED)
  const guards: string[] = []
  const parts: string[] = []
  const lets: string[] = []
  for (const { index, encoding } of keyOf.values) {
    const v = names[index]!
    if (encoding === 'any') {
      const k = `k${index}`
      lets.push(`const ${k} = ${anyPart(v)}; if (${k} === undefined) return undefined;`)
      parts.push(k)
    } else {
      guards.push(FIXED[encoding].guard(v))
      parts.push(FIXED[encoding].encode(v))
    }
  }
  const joined = parts.join(' + "," + ')
  const body = guards.length ? `${guards.join(' && ')} ? ${joined} : undefined` : joined
  if (!lets.length) return `(${names.join(', ')}) => ${body}`
  return `(${names.join(', ')}) => { ${lets.join(' ')} return ${body}; }`
}
