// How an entry is keyed inside a memory store (shared by the store, the wrapper and the key
// decoder, without an import cycle between them).

/** One primitive argument, used as the Map key itself. */
export const DIRECT = 0
/** The encoded argument string (objects, -0, zero arguments...). */
export const ENCODED = 1
/** 2+ primitive arguments, through a trie of Maps (one per arity): no string is built. */
export const PATH = 2
/**
 * One flat plain object of primitives, as `[shape, v1, v2, …]` (see object-key.ts), through a trie
 * of Maps whose first level is the interned shape: no string is built.
 */
export const OBJECT = 3
export type KeyKind = typeof DIRECT | typeof ENCODED | typeof PATH | typeof OBJECT
