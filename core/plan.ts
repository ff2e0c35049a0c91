// planCall: one CallSite -> one Plan. Pure; every decision of the transform lives here (identity,
// version, option checks, key indices, the specialised key encoder, compiled tag templates).
import { errors } from './errors.js'
import { normaliseOptions, type NormalisedOptions } from './options.js'
import { shortHash } from './identity.js'
import { checkDecorator, decoratorPlan } from './decorator.js'
import { depsVersion } from './deps.js'
import { paramIndex } from '../shared/params.js'
import { parseTemplate } from '../shared/template.js'
import { BATCH_PARAM } from '../shared/options.js'
import { RUNTIME_IMPORT } from './runtime-ids.js'
import type { CallSite, FunctionSite, KeyEncoding, Loc, MacroConfig, ModuleContext, ParamSite, Plan, TagPart, TagPlan, TypeKind } from './types.js'

const USAGE: Record<CallSite['usage'], (callee: string) => string> = {
  call: (c) => `${c}()`,
  value: (c) => `${c} used as a value`,
  member: (c) => `a member access on ${c} (${c}.something)`,
  new: (c) => `new ${c}()`,
  'tagged-template': (c) => `a tagged template (${c}\`...\`)`,
  'optional-call': (c) => `an optional call (${c}?.())`,
}

/** Plans one wrap. Throws TransformError (from the catalog in errors.ts) for anything invalid. */
export function planCall(site: CallSite, config: MacroConfig, module: ModuleContext): Plan {
  const batch = site.form === 'batch'
  // Messages name the form as written: `cached()` or `cached.batch()`.
  const callee = batch ? `${site.callee}.batch` : site.callee
  if (site.decorator) checkDecorator(site)
  if (site.usage !== 'call') throw errors.notCalled(callee, USAGE[site.usage](callee), site.loc)
  if (site.spreadArgLoc) throw errors.spreadArgument(callee, site.spreadArgLoc)
  if (site.argCount > 2) throw errors.tooManyArguments(callee, site.argCount, site.extraArgLoc ?? site.loc)
  const fn = site.fn
  if (!fn) throw errors.notAFunction(callee, site.firstArg?.nodeType ?? null, site.firstArg?.loc ?? site.loc)
  if (fn.generator) throw errors.generator(callee, fn.loc)
  const options = normaliseOptions(callee, site.options, batch)
  // cached.batch: the wrap is the per-id function, of one parameter named BATCH_PARAM.
  const fnParams = batch ? batchParams(site.callee, fn) : fn.params

  const params = fnParams.map((p) => (p.kind === 'name' ? p.name : null))
  const rest = fnParams.length > 0 && fnParams[fnParams.length - 1]!.kind === 'rest'
  const plan: Plan = {
    id: options.id ?? `${module.relativePath}#${nameOf(site)}`,
    version: versionOf(fn, options, config, module),
    loc: site.loc,
    // The per-id function of a batch always returns a promise.
    async: batch || fn.async,
    params,
    rest,
    helpers: [site.decorator ? 'method' : batch ? 'wrapBatch' : 'wrap'],
    ...decoratorPlan(site, options.instanceKey !== undefined),
  }
  if (options.version === undefined && config.version === 'deps' && module.dependencies) {
    const deps = module.dependencies(site)
    plan.version = depsVersion(deps)
    if (deps.on.length || deps.unseen.length) plan.deps = deps
  }
  if (batch) {
    plan.batch = {}
    if (options.maxBatch !== undefined && options.maxBatch !== Infinity) plan.batch.maxBatch = options.maxBatch
    if (options.batchWindow !== undefined) plan.batch.batchWindow = options.batchWindow
  }
  if (config.scope !== undefined) plan.namespace = config.scope
  const ttl = options.ttl ?? config.ttl
  if (ttl !== undefined) plan.ttl = ttl
  if (options.staleWhileRevalidate !== undefined) plan.staleWhileRevalidate = options.staleWhileRevalidate
  if (options.staleIfError !== undefined) plan.staleIfError = options.staleIfError
  if (options.prefix !== undefined) plan.prefix = options.prefix
  if (options.backend !== undefined) plan.backend = options.backend
  if (options.dedupe !== undefined) plan.dedupe = options.dedupe

  let keyIndices: number[] | null = null
  if (options.key?.kind === 'passthrough') plan.key = { kind: 'passthrough' }
  else if (options.key) {
    keyIndices = options.key.items.map(({ value, loc }) => {
      const found = lookupParam(fnParams, value)
      if (typeof found === 'string') throw errors.keyParam(value, found, params, loc)
      return found
    })
    plan.key = { kind: 'indices', indices: keyIndices }
  }
  const keyOf = planKeyOf(fnParams, keyIndices, plan.key?.kind === 'passthrough')
  if (keyOf) plan.keyOf = keyOf
  // One plain parameter annotated with an object type of primitives, keyed as a whole: the
  // runtime's one-argument path takes that shape as given (it still checks the object against it).
  const only = fnParams.length === 1 && !options.key && !batch ? fnParams[0]! : undefined
  if (only?.shape && only.kind === 'name' && !only.optional && !only.hasDefault) plan.shape = only.shape

  if (options.tags?.kind === 'passthrough') plan.tags = { kind: 'passthrough' }
  else if (options.tags) {
    let arity = 0
    const tags = options.tags.items.map(({ value, loc }) => {
      const tag = compileTag(value, fnParams, params, loc, batch)
      if (tag.kind === 'template') {
        for (const part of tag.parts) if ('param' in part) arity = Math.max(arity, part.param + 1)
        if (!plan.helpers.includes('tagPart')) plan.helpers.push('tagPart')
      }
      return tag
    })
    plan.tags = { kind: 'list', tags, arity }
  }
  if (options.cacheIf) plan.cacheIf = { kind: 'passthrough' }
  if (options.validate) plan.validate = { kind: 'passthrough' }
  if (options.earlyRefresh !== undefined) plan.earlyRefresh = options.earlyRefresh
  if (options.emptyTtl !== undefined) plan.emptyTtl = options.emptyTtl
  if (options.isEmpty) {
    if (options.emptyTtl === undefined) throw errors.optionNeeds('isEmpty', 'emptyTtl', optionLoc(site, 'isEmpty'))
    plan.isEmpty = { kind: 'passthrough' }
  }

  // A batch function calling itself by name wants the batch function, not the per-id wrap.
  if (fn.name !== null && fn.selfReferences > 0 && !batch) {
    const b = site.binding
    if (b.kind === 'variable' && b.name === fn.name) plan.self = { name: fn.name, strategy: 'drop-name' }
    else if (b.kind === 'variable' && !fn.outerNameShadowed) plan.self = { name: fn.name, strategy: 'rename', to: b.name }
    else plan.self = { name: fn.name, strategy: 'temp' }
  }
  if (plan.helpers[0] === 'wrap' && checkedAtBuild(plan) && config.runtimeImport === RUNTIME_IMPORT) plan.helpers[0] = 'wrapCompiled'
  return plan
}

/**
 * True when the build checked every option of `plan` (or the runtime's `wrapCompiled` checks it
 * cheaply: `cacheIf`), so compiled code may skip the run-time option normaliser and a bundle need
 * not carry it. `validate`, `earlyRefresh` and `emptyTtl`/`isEmpty` keep `wrap`, which normalises
 * them. A custom `runtimeImport` keeps `wrap` too: its module re-exports the helpers it was written for.
 */
const checkedAtBuild = (plan: Plan): boolean =>
  plan.validate === undefined && plan.earlyRefresh === undefined && plan.emptyTtl === undefined && plan.isEmpty === undefined

/**
 * The per-id function's parameters for `cached.batch(fn)`: one, named BATCH_PARAM, unannotated
 * (keys of one value need no encoder). `fn` must take exactly the array of ids.
 */
function batchParams(callee: string, fn: FunctionSite): ParamSite[] {
  const only = fn.params[0]
  if (fn.params.length !== 1 || only!.kind === 'rest') {
    const received = fn.params.length === 0 ? 'a function of no parameters'
      : only!.kind === 'rest' && fn.params.length === 1 ? 'a rest parameter' : `a function of ${fn.params.length} parameters`
    throw errors.batchParams(callee, received, fn.params[1]?.loc ?? only?.loc ?? fn.loc)
  }
  return [{ kind: 'name', name: BATCH_PARAM, hasDefault: false, optional: false, type: null, loc: only.loc }]
}

/** Plans every wrap of one file, and rejects two wraps that would share an id. */
export function planModule(sites: readonly CallSite[], config: MacroConfig, module: ModuleContext): Plan[] {
  const plans = sites.map((site) => planCall(site, config, module))
  const seen = new Set<string>()
  for (const plan of plans) {
    if (seen.has(plan.id)) throw errors.duplicateId(plan.id, plan.loc)
    seen.add(plan.id)
  }
  return plans
}

/**
 * The name after `#`: the binding (`getUser`), `default`, a property path (`api.getUser`), a
 * class field (`UserService.getUser` static, `UserService.prototype.getUser` instance), or the
 * call's position `line:column` (both 1-based) when nothing names it.
 */
function nameOf(site: CallSite): string {
  const b = site.binding
  switch (b.kind) {
    case 'variable': return b.name
    case 'default': return 'default'
    // CommonJS exports are named like ES exports: `exports.getUser = cached(...)` -> `getUser`.
    case 'member': {
      const path = b.path[0] === 'module' && b.path[1] === 'exports' ? b.path.slice(2) : b.path[0] === 'exports' ? b.path.slice(1) : b.path
      return path.length ? path.join('.') : 'default'
    }
    case 'class-field': return `${b.className}.${b.static ? '' : 'prototype.'}${b.name}`
    case 'anonymous': return `${site.loc.line}:${site.loc.column + 1}`
  }
}

function versionOf(fn: FunctionSite, options: NormalisedOptions, config: MacroConfig, module: ModuleContext): string {
  if (options.version !== undefined) return options.version
  if (config.version === 'module') return module.moduleHash
  if (typeof config.version === 'object') return config.version.build
  return shortHash(fn.text)
}

/** A parameter's index by name, or why the name cannot be addressed (in this side's words). */
function lookupParam(params: readonly ParamSite[], name: string): number | string {
  const last = params[params.length - 1]
  const found = paramIndex(params.map((p) => p.name), last?.kind === 'rest', name)
  if (found === 'missing') {
    const patterns = params.some((p) => p.kind === 'pattern')
    return `"${name}", which is not a parameter${patterns ? ' (destructured parameters have no name to address)' : ''}`
  }
  if (found === 'rest') return `the rest parameter "...${name}"`
  return found
}

/** `'user:{user.id}'` -> literal text and parameter paths; a string without templates stays literal. */
function compileTag(tag: string, params: readonly ParamSite[], names: readonly (string | null)[], loc: Loc, batch: boolean): TagPlan {
  const parsed = parseTemplate(tag)
  if (!parsed.some((p) => 'name' in p)) return { kind: 'literal', value: tag }
  const parts: TagPart[] = parsed.map((part) => {
    if ('text' in part) return part
    if (batch && part.name !== BATCH_PARAM) throw errors.batchTagParam(tag, part.written, loc)
    const found = lookupParam(params, part.name)
    if (typeof found === 'string') throw errors.tagParam(tag, part.written, found, names, loc)
    return { param: found, path: part.path }
  })
  return { kind: 'template', parts }
}

/**
 * The specialised key encoder, when the key is two or more plain parameters (the runtime keys a
 * single value by the value itself, so one value needs none). Annotated primitives get a type
 * guard; anything else a per-value primitive switch. Destructured or rest values: none (generic).
 */
function planKeyOf(params: readonly ParamSite[], indices: number[] | null, passthrough: boolean): Plan['keyOf'] | undefined {
  if (passthrough) return undefined
  if (!indices) {
    if (params.some((p) => p.kind !== 'name')) return undefined
    indices = params.map((_, i) => i)
  }
  if (indices.length < 2) return undefined
  const values = indices.map((index) => ({ index, encoding: encodingOf(params[index]!) }))
  return { arity: Math.max(...indices) + 1, values }
}

const FIXED: readonly TypeKind[] = ['string', 'number', 'boolean', 'bigint', 'null', 'undefined']

function encodingOf(param: ParamSite): KeyEncoding {
  if (!param.type) return 'any'
  const kinds = new Set(param.type)
  // A missing argument is undefined whatever the default: the key encodes the call's arguments.
  if (param.optional || param.hasDefault) kinds.add('undefined')
  if (kinds.size !== 1) return 'any'
  const only = [...kinds][0]!
  return FIXED.includes(only) ? (only as KeyEncoding) : 'any'
}

/** Where option `name` is written in the call (its key), for errors about it. */
function optionLoc(site: CallSite, name: string): Loc | null {
  const o = site.options
  if (o === null || o.kind !== 'object') return null
  const p = o.properties.find((q) => q.kind === 'property' && q.name === name)
  return p === undefined ? o.loc : p.kind === 'property' ? p.keyLoc : p.loc
}
