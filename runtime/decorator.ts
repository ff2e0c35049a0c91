// The decorator form of cached(): `@cached(options)` on a class method, for TypeScript's
// experimentalDecorators (target, key, descriptor) and standard decorators (value, context) alike.
// Compiled code calls `method(planned options)` (runtime/internal.ts); uncompiled code reaches
// the same decorator through cached() itself (asDecorator). One wrapped function per method,
// installed on the prototype (the class, for a static method): every instance shares its cache,
// and `this` reaches the method on a miss. `instanceKey` puts instance state in the key by
// calling the cache with the receiver's key value as a first, hidden argument (instanceKeyed).
// cacheOf(target, 'name') reaches a decorated method's cache methods, typed.

import { describe, typeError } from './errors.js'
import { readParams } from '../shared/params.js'
import type { Cached, CachedMethods } from './types.js'

type AnyFn = (...args: any[]) => any
/** wrap() (compiled options) or cached() (user options): how a method becomes a cached function. */
type WrapWith = (fn: AnyFn, options: any) => AnyFn
type InstanceKey = (instance: any) => unknown

interface Options { id?: string; instanceKey?: InstanceKey; [name: string]: unknown }

/** What cacheOf() finds for an installed method function. */
interface MethodRecord {
  /** The cached function; resolved on first use when its id needs the owning class (uncompiled standard decorators). */
  cache(self: object): AnyFn
  instanceKey: InstanceKey | null
  /** The object the method is installed on, once known. */
  owner: object | null
}

const RECORDS = new WeakMap<Function, MethodRecord>()
const KINDS: Record<string, string> = { getter: 'a getter', setter: 'a setter', field: 'a field', accessor: 'an auto-accessor', class: 'a class' }

function targetError(received: string): TypeError {
  return typeError('E_DECORATOR', `@cached expects to decorate a class method; received ${received}.`,
    "@cached({ ttl: '5m' }) async getUser(id: string) { ... }; a field keeps its function with getUser = cached(async (id) => ...)")
}

function checkMethod(fn: unknown, name: string): asserts fn is AnyFn {
  if (typeof fn !== 'function') throw targetError(`a property (${name}) whose value is ${describe(fn)}`)
  const kind = (fn as Function).constructor?.name
  if (kind === 'GeneratorFunction' || kind === 'AsyncGeneratorFunction') {
    throw typeError('E_DECORATOR', `@cached expects a plain or async method; received a generator method (${name}).`,
      'cache a method returning what the generator would produce: async ids(n) { return Array.fromAsync(this.items(n)) }')
  }
}

/** `Class.prototype.name` / `Class.name`: the id of an uncompiled method, as the transform names it. */
function methodId(owner: object, name: string): string {
  const isClass = typeof owner === 'function'
  const cls = isClass ? (owner as Function).name : (owner as { constructor?: Function }).constructor?.name
  return `${cls || 'anonymous'}.${isClass ? '' : 'prototype.'}${name}`
}

/** The object on `self`'s prototype chain (itself included) that holds `installed` as its own `name`. */
function ownerOf(self: object, name: string | symbol, installed: Function): object | null {
  for (let o: object | null = self; o !== null; o = Object.getPrototypeOf(o)) {
    if (Object.getOwnPropertyDescriptor(o, name)?.value === installed) return o
  }
  return null
}

/**
 * The decorator for `options`. `wrapWith` is wrap() for compiled options (their id is known: the
 * method is wrapped once, when decorated) or cached() for a user's (uncompiled: the id comes from
 * the class, known at decoration time under experimentalDecorators, on the first call or
 * cacheOf() under standard decorators, whose context does not name the class).
 */
export function decorator(given: object | undefined, wrapWith: WrapWith): (...args: any[]) => any {
  const options = given as Options | undefined
  if (options !== undefined && (typeof options !== 'object' || options === null || Array.isArray(options))) {
    throw typeError('E_OPTION', `@cached(options): options must be an object; received ${describe(options)}.`, "@cached({ ttl: '5m', tags: ['user:{id}'] })")
  }
  const o: Options = options ?? {}
  const instanceKey = o.instanceKey ?? null
  return function decorate(value: unknown, context: unknown, descriptor?: PropertyDescriptor): any {
    const ctx = context as { kind?: unknown; name?: unknown; static?: unknown; private?: unknown } | null
    if (ctx !== null && typeof ctx === 'object' && typeof ctx.kind === 'string') {
      // Standard decorators: (value, context); the value returned replaces the method.
      const name = String(ctx.name)
      if (ctx.kind !== 'method') throw targetError(`${KINDS[ctx.kind] ?? ctx.kind} (${name})`)
      checkMethod(value, name)
      if (o.id !== undefined) return install(value, null, o, wrapWith, instanceKey)
      return installLazy(value, ctx.name as string | symbol, !!ctx.private, o, wrapWith, instanceKey)
    }
    // experimentalDecorators: (prototype or class, key, descriptor); the descriptor returned is defined.
    const key = context as string | symbol
    const name = String(key)
    if (descriptor === undefined) throw targetError(`a field (${name})`)
    if (descriptor.value === undefined) throw targetError(`${descriptor.get ? 'a getter' : 'a setter'} (${name})`)
    checkMethod(descriptor.value, name)
    const owner = value as object
    const named = o.id !== undefined ? o : { ...o, id: methodId(owner, name) }
    return { ...descriptor, value: install(descriptor.value, owner, named, wrapWith, instanceKey) }
  }
}

/** Wraps the method now: its id is known. */
function install(fn: AnyFn, owner: object | null, o: Options, wrapWith: WrapWith, instanceKey: InstanceKey | null): AnyFn {
  // The cached function is the method itself: a hit costs what cached(fn)'s does.
  const c = wrapWith(fn, o)
  RECORDS.set(c, { cache: () => c, instanceKey, owner })
  return c
}

/** A method whose cached function is built on first use, when its class (and so its id) is known. */
function installLazy(fn: AnyFn, key: string | symbol, isPrivate: boolean, o: Options, wrapWith: WrapWith, instanceKey: InstanceKey | null): AnyFn {
  let c: AnyFn | undefined
  const record: MethodRecord = {
    cache(self) {
      if (c !== undefined) return c
      // A private method is not a property to look up: its class is the receiver's own.
      const owner = isPrivate ? null : ownerOf(self, key, installed)
      record.owner = owner
      const id = methodId(owner ?? (typeof self === 'function' ? self : Object.getPrototypeOf(self)), String(key))
      return (c = wrapWith(fn, { ...o, id }))
    },
    instanceKey,
    owner: null,
  }
  const installed = function (this: object, ...args: unknown[]) {
    return record.cache(this).apply(this, args)
  }
  Object.defineProperty(installed, 'name', { value: fn.name, configurable: true })
  RECORDS.set(installed, record)
  return installed
}

/** The cache behind each instanceKey function (which takes the instance value first), and its instanceKey. */
const INNER = new WeakMap<Function, AnyFn>()
const IK = new WeakMap<Function, InstanceKey>()
const options = (c: AnyFn) => ({ instanceKey: IK.get(c) })

/**
 * `cached(fn, { instanceKey, ... })`: the cache is called with `instanceKey(this)` before the
 * arguments, so the key, the parameter names (tag templates, `key: ['id']`) and a key function
 * see the arguments where they were and the instance's value in front. The specialised key
 * encoder is dropped (it encodes the arguments only); the generic one encodes the instance value.
 */
export function instanceKeyed(fn: AnyFn, given: object, wrapWith: WrapWith): AnyFn {
  const options = given as Options
  const ik = options.instanceKey
  if (typeof ik !== 'function') {
    throw typeError('E_OPTION', `${options.id ?? (fn.name || 'cached function')}: option instanceKey must be a function (instance) => value; received ${describe(ik)}.`,
      'instanceKey: (service) => service.tenantId')
  }
  if (typeof fn !== 'function') return wrapWith(fn, options) // its own error
  const { instanceKey: _ik, keyOf: _keyOf, ...rest } = options
  const shifted: Options = rest
  let names = options.params as (string | null)[] | undefined
  let restParam = options.rest as boolean | undefined
  if (names === undefined) {
    const read = readParams(fn)
    if (read) { names = read.names; restParam = read.rest }
  }
  if (names !== undefined) { shifted.params = [null, ...names]; shifted.rest = restParam ?? false }
  const key = options.key
  if (typeof key === 'function') shifted.key = (k: unknown, ...args: unknown[]) => [k, (key as AnyFn)(...args)]
  else if (Array.isArray(key)) shifted.key = [0, ...key.map((k) => (typeof k === 'number' ? k + 1 : k))]
  const tags = options.tags
  if (typeof tags === 'function') shifted.tags = (result: unknown, _k: unknown, ...args: unknown[]) => (tags as AnyFn)(result, ...args)
  const inner = wrapWith(function (this: unknown, _k: unknown, ...args: unknown[]) { return fn.apply(this, args) }, shifted)
  const outer = function (this: unknown, ...args: unknown[]) {
    return inner.call(this, ik(this), ...args)
  }
  INNER.set(outer, inner)
  IK.set(outer, ik)
  return withReceiver(outer, inner, fn, ik, null)
}

/**
 * The cache methods of an instanceKey cache for one receiver (`self`). Without a receiver, those
 * that address entries throw: the entries belong to an instance the call does not name.
 */
function withReceiver(target: AnyFn, inner: AnyFn, fn: AnyFn, ik: InstanceKey, self: unknown): AnyFn {
  const i = inner as unknown as CachedMethods<unknown[], unknown>
  const k = (): unknown => {
    if (self === null) {
      throw typeError('E_INSTANCE_KEY', `${i.id} puts instance state in its key (instanceKey), so its entries belong to one instance; received no instance.`,
        `cacheOf(service, '${fn.name || 'method'}').invalidate(...args)`)
    }
    return ik(self)
  }
  return define(target, i, fn, {
    invalidate: (...args: unknown[]) => i.invalidate(k(), ...args),
    peek: (...args: unknown[]) => i.peek(k(), ...args),
    refresh: (...args: unknown[]) => (i.refresh as AnyFn).call(self, k(), ...args),
    warm: (lists: Iterable<unknown[]>, o?: { concurrency?: number }) => { k(); return warmWith(i.id, (args) => target(...args), lists, o) },
    key: (...args: unknown[]) => i.key(k(), ...args),
  })
}

/** A view of the cache `c` whose calls (and so misses, refresh and warm) have `self` as `this`. */
function withThis(c: AnyFn, self: object): AnyFn {
  const i = c as unknown as CachedMethods<unknown[], unknown>
  const view = function (...args: unknown[]) { return c.apply(self, args) }
  return define(view, i, c, {
    invalidate: i.invalidate,
    peek: i.peek,
    refresh: (...args: unknown[]) => (i.refresh as AnyFn).apply(self, args),
    warm: (lists: Iterable<unknown[]>, o?: { concurrency?: number }) => warmWith(i.id, (args) => view(...args), lists, o),
    key: i.key,
  })
}

function define(target: AnyFn, i: CachedMethods<unknown[], unknown>, fn: AnyFn, methods: object): AnyFn {
  Object.defineProperties(target, {
    id: { value: i.id, enumerable: true },
    name: { value: fn.name, configurable: true },
    length: { value: fn.length, configurable: true },
  })
  return Object.assign(target, methods, { clear: () => i.clear(), stats: () => i.stats() })
}

/** warm() through a call that sets the receiver: at most `concurrency` at a time; failures counted. */
async function warmWith(id: string, call: (args: unknown[]) => unknown, lists: Iterable<unknown[]>, o: { concurrency?: number } = {}): Promise<{ stored: number; failed: number }> {
  const concurrency = o.concurrency ?? 4
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    throw typeError('E_OPTION', `${id}.warm(): option concurrency must be a positive integer; received ${String(concurrency)}.`)
  }
  const it = lists[Symbol.iterator]()
  let stored = 0
  let failed = 0
  const worker = async () => {
    for (let n = it.next(); !n.done; n = it.next()) {
      try {
        await call(n.value)
        stored++
      } catch {
        failed++
      }
    }
  }
  await Promise.all(Array.from({ length: concurrency }, worker))
  return { stored, failed }
}

/**
 * The typed cache methods of `target[name]`, a method decorated with `@cached`: `target` is an
 * instance (calls, `refresh` and `warm` run with it as `this`), the class (static methods), or the
 * prototype (no receiver). With `instanceKey`, the methods that address entries (`invalidate`,
 * `peek`, `refresh`, `warm`, `key`) need an instance.
 */
export function cacheOf<T extends object, K extends MethodKeys<T>>(target: T, name: K): Cached<T[K]> {
  const installed = target == null ? undefined : (target as Record<PropertyKey, unknown>)[name as PropertyKey]
  const record = typeof installed === 'function' ? RECORDS.get(installed) : undefined
  if (record === undefined) {
    throw typeError('E_NOT_CACHED', `cacheOf(target, ${JSON.stringify(String(name))}) expects a method decorated with @cached; received ${describe(installed)}.`,
      `decorate the method: @cached({ ttl: '5m' }) async ${String(name)}(...) { ... }`)
  }
  const c = record.cache(target)
  // The prototype names no receiver; an instance, or the class of a static method, does.
  const isPrototype = typeof target !== 'function' && ownerOf(target, name as string, installed as Function) === target
  if (isPrototype) return c as Cached<T[K]>
  const inner = INNER.get(c)
  if (inner === undefined) return withThis(c, target) as Cached<T[K]>
  const bound = function (...args: unknown[]) { return c.apply(target, args) }
  return withReceiver(bound, inner, installed as AnyFn, record.instanceKey ?? (options(c).instanceKey as InstanceKey), target) as unknown as Cached<T[K]>
}

/** The keys of `T` whose values are functions (what cacheOf accepts). */
export type MethodKeys<T> = { [P in keyof T]-?: T[P] extends (...args: any[]) => any ? P : never }[keyof T]

/** What asDecorator returns when cached() was called as `cached(fn, options)`. */
export const NOT_DECORATOR: unique symbol = Symbol('not a decorator')

/**
 * cached() used as a decorator without the transform: `@cached(options)` / `@cached()` (options
 * or nothing, returns the decorator), a bare `@cached` under standard decorators (value, context)
 * or experimentalDecorators (prototype or class, key[, descriptor]). NOT_DECORATOR otherwise.
 */
export function asDecorator(args: ArrayLike<unknown>, cachedFn: WrapWith): unknown {
  const a = args[0]
  const b = args[1] as { kind?: unknown; addInitializer?: unknown } | string | symbol | undefined
  if (args.length <= 1 && (a === undefined || (typeof a === 'object' && a !== null && !Array.isArray(a)))) return decorator(a as Options | undefined, cachedFn)
  if (typeof a === 'function' && b !== null && typeof b === 'object' && typeof b.kind === 'string' && typeof b.addInitializer === 'function') {
    return decorator(undefined, cachedFn)(a, b)
  }
  const keyed = typeof b === 'string' || typeof b === 'symbol'
  if (keyed && ((typeof a === 'object' && a !== null) || (typeof a === 'function' && typeof args[2] === 'object'))) {
    return decorator(undefined, cachedFn)(a, b, args[2] as PropertyDescriptor | undefined)
  }
  return NOT_DECORATOR
}
