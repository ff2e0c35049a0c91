// The entries of one function inside a memory backend: maps from keys to slots of the backend's
// slot space. Single primitives key a Map directly, 2+ primitives go through a trie of Maps (one
// per arity), one flat plain object of primitives through a trie keyed by its shape first
// (object-key.ts), everything else through the encoded argument string.

import type { Slot } from '../eviction/policy.js'
import { encodeArgs, encodeValue } from '../key.js'
import type { Counters } from '../metrics.js'
import { DIRECT, ENCODED, OBJECT, PATH, type KeyKind } from './key-kind.js'
import { emptyBox, fillDeclared, isKeptByValue, objectKeyText, shapeFor, type Shape } from './object-key.js'
import type { MemoryEngine } from './memory-engine.js'

/**
 * Returned by lookups that found no fresh value. Registered (Symbol.for) because two copies of the
 * package share one backend through the GlobalCache: a store made by one copy answers the other.
 */
export const MISS: unique symbol = Symbol.for('fncache.macro/miss') as never
export type Miss = typeof MISS

/** Returned by {@link MemoryStore.getObject} for an argument that is not keyed by shape. */
export const UNSHAPED: unique symbol = Symbol.for('fncache.macro/unshaped') as never

type Trie = Map<unknown, unknown>

/** The entries of one function (or of the generic byte API) inside a {@link MemoryEngine}. */
export class MemoryStore {
  /** Single primitive keys (not -0), stored as themselves: `f(42)` is found by `42`. */
  readonly direct = new Map<unknown, Slot>()
  /** Encoded argument lists (strings), for everything else. */
  readonly encoded = new Map<string, Slot>()
  /** By arity: nested Maps, one level per argument, leaves are slots. */
  readonly tries: (Trie | undefined)[] = []
  /** Object keys `[shape, v1, …]`: shape first, then one level per value. */
  readonly objects: Trie = new Map()
  #pathEntries = 0
  /** Estimated bytes of this store's entries; kept by the engine only when it sizes entries (`maxBytes`). */
  bytes = 0
  /** Milliseconds an entry is kept after it stops being fresh (stale-while-revalidate / -if-error). */
  window = 0
  version = ''
  constructor(
    readonly engine: MemoryEngine,
    readonly index: number,
    /** The logical-key prefix of this store's entries, for prefix invalidation. */
    public prefix: string,
    public counters: Counters | null,
  ) {}

  /** The fresh value stored under a direct key, or MISS. Marks the entry used. */
  getDirect(key: unknown): unknown {
    const slot = this.direct.get(key)
    return slot === undefined ? MISS : this.engine.read(slot)
  }

  /** The fresh value stored under an encoded key, or MISS. Marks the entry used. */
  getEncoded(key: string): unknown {
    const slot = this.encoded.get(key)
    return slot === undefined ? MISS : this.engine.read(slot)
  }

  /** The fresh value stored under two primitive values, or MISS. Marks the entry used. */
  getPath2(a: unknown, b: unknown): unknown {
    const m = this.tries[2]?.get(a) as Trie | undefined
    if (m === undefined) return MISS
    const slot = m.get(b) as Slot | undefined
    return slot === undefined ? MISS : this.engine.read(slot)
  }

  /** The fresh value stored under three primitive values, or MISS. Marks the entry used. */
  getPath3(a: unknown, b: unknown, c: unknown): unknown {
    let m = this.tries[3]?.get(a) as Trie | undefined
    if (m === undefined) return MISS
    m = m.get(b) as Trie | undefined
    if (m === undefined) return MISS
    const slot = m.get(c) as Slot | undefined
    return slot === undefined ? MISS : this.engine.read(slot)
  }

  /**
   * The fresh value stored under one plain-object argument keyed by shape, MISS, or UNSHAPED when
   * `o` is not keyed by shape (the caller then computes its key). Marks the entry used. The hit
   * path of `f({ id, page })`: reads the values straight into the trie, no key array.
   */
  getObject(o: object): unknown {
    const shape = shapeFor(o)
    return shape === undefined ? UNSHAPED : this.#getBoxed(shape)
  }

  /**
   * {@link getObject} for an object the transform expects to have `shape` (its parameter's type):
   * UNSHAPED when it does not hold exactly those names (the caller then tries getObject).
   */
  getDeclared(o: object, shape: Shape): unknown {
    return fillDeclared(o, shape) ? this.#getBoxed(shape) : UNSHAPED
  }

  // The values of the object just boxed (see object-key.ts) walked through the shape's trie.
  #getBoxed(shape: Shape): unknown {
    const keys = shape.keys
    const box = shape.box!
    let m = this.objects.get(shape) as Trie | undefined
    for (let i = 0; i < keys.length; i++) {
      const v = box[keys[i]!]
      // Checked even once the walk has missed: -0 must not be found as 0, nor a nested value kept.
      if (!isKeptByValue(v)) return emptyBox(shape) ?? UNSHAPED
      if (m !== undefined) m = m.get(v) as Trie | undefined
    }
    return m === undefined ? MISS : this.engine.read(m as unknown as Slot)
  }

  /** The fresh value of any key kind, or MISS. */
  getAny(key: unknown, kind: KeyKind): unknown {
    const slot = this.slotOf(key, kind)
    return slot === undefined ? MISS : this.engine.read(slot)
  }

  /** The slot of a key whatever its freshness, or undefined. */
  slotOf(key: unknown, kind: KeyKind): Slot | undefined {
    if (kind === DIRECT) return this.direct.get(key)
    if (kind === ENCODED) return this.encoded.get(key as string)
    const path = key as readonly unknown[]
    let m = kind === OBJECT ? this.objects : this.tries[path.length]
    for (let i = 0; m !== undefined && i < path.length - 1; i++) m = m.get(path[i]) as Trie | undefined
    return m?.get(path[path.length - 1]) as Slot | undefined
  }

  /** @internal used by the backend only. */
  setSlot(key: unknown, kind: KeyKind, slot: Slot): void {
    if (kind === DIRECT) this.direct.set(key, slot)
    else if (kind === ENCODED) this.encoded.set(key as string, slot)
    else {
      const path = key as readonly unknown[]
      let m = kind === OBJECT ? this.objects : this.tries[path.length] ??= new Map()
      for (let i = 0; i < path.length - 1; i++) {
        let next = m.get(path[i]) as Trie | undefined
        if (next === undefined) m.set(path[i], (next = new Map()))
        m = next
      }
      m.set(path[path.length - 1], slot)
      this.#pathEntries++
    }
  }

  /** @internal used by the backend only: forgets the key, pruning emptied trie levels. */
  deleteSlot(key: unknown, kind: KeyKind): void {
    if (kind === DIRECT) this.direct.delete(key)
    else if (kind === ENCODED) this.encoded.delete(key as string)
    else {
      const path = key as readonly unknown[]
      const maps: Trie[] = []
      let m = kind === OBJECT ? this.objects : this.tries[path.length]
      for (let i = 0; m !== undefined && i < path.length - 1; i++) {
        maps.push(m)
        m = m.get(path[i]) as Trie | undefined
      }
      if (m === undefined || !m.delete(path[path.length - 1])) return
      this.#pathEntries--
      for (let i = maps.length - 1; i >= 0 && m.size === 0; i--) {
        maps[i]!.delete(path[i])
        m = maps[i]!
      }
    }
  }

  /** Every key of this store with its kind (a snapshot: safe to delete while iterating). */
  keys(): [unknown, KeyKind][] {
    const out: [unknown, KeyKind][] = []
    for (const k of this.direct.keys()) out.push([k, DIRECT])
    for (const k of this.encoded.keys()) out.push([k, ENCODED])
    const walk = (m: Trie, depth: number, path: unknown[]) => {
      for (const [k, v] of m) {
        if (depth === 1) out.push([[...path, k], PATH])
        else walk(v as Trie, depth - 1, [...path, k])
      }
    }
    this.tries.forEach((t, arity) => { if (t !== undefined) walk(t, arity, []) })
    for (const [shape, t] of this.objects) {
      const depth = (shape as { keys: readonly string[] }).keys.length
      const before = out.length
      walk(t as Trie, depth, [shape])
      for (let i = before; i < out.length; i++) out[i]![1] = OBJECT
    }
    return out
  }

  get size(): number {
    return this.direct.size + this.encoded.size + this.#pathEntries
  }

  /** The encoded arguments of a key (the logical key without the prefix). */
  encodedKey(key: unknown, kind: KeyKind): string {
    if (kind === ENCODED) return key as string
    if (kind === DIRECT) return encodeValue(key, '', 'key')
    if (kind === OBJECT) return objectKeyText(key as readonly unknown[])
    return encodeArgs(key as readonly unknown[], '')
  }
}
