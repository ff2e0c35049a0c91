// A 32-bit hash of a memory store key, for the TinyLFU policy's frequency sketch. Computed once per
// insert (the miss path), never on a hit. Collisions only blur frequency estimates (two keys share
// counters), never identity, so speed and spread matter more than strength: strings hash at most 64
// UTF-16 units (the first and last 32, plus the length), which keeps the cost bounded for long
// encoded keys. An attacker who makes keys collide in the sketch can only make the policy admit
// worse (see ADMIT_HASHDOS_THRESHOLD in eviction/tinylfu.ts).

import { DIRECT, ENCODED, type KeyKind } from './key-kind.js'

const FNV_OFFSET = 0x811c9dc5 | 0
const FNV_PRIME = 0x01000193

function hashString(s: string): number {
  let h = FNV_OFFSET ^ s.length
  const n = s.length
  if (n <= 64) {
    for (let i = 0; i < n; i++) h = Math.imul(h ^ s.charCodeAt(i), FNV_PRIME)
  } else {
    for (let i = 0; i < 32; i++) h = Math.imul(h ^ s.charCodeAt(i), FNV_PRIME)
    for (let i = n - 32; i < n; i++) h = Math.imul(h ^ s.charCodeAt(i), FNV_PRIME)
  }
  return h
}

/** One primitive (what DIRECT keys and path elements hold); other values hash by their kind only. */
function hashValue(v: unknown): number {
  switch (typeof v) {
    case 'number':
      // Small integers (the common id) skip the string conversion.
      return (v | 0) === v ? Math.imul(v ^ 0x5bd1e995, 0x2c1b3c6d) ^ 0x27d4eb2f : hashString('' + v) ^ 0x165667b1
    case 'string': return hashString(v)
    case 'boolean': return v ? 0x6a09e667 : 0xbb67ae85 | 0
    case 'undefined': return 0x3c6ef372
    case 'bigint': return hashString(v.toString()) ^ 0x1f83d9ab
    case 'object':
      if (v === null) return 0xa54ff53a | 0
      // An object-key shape (OBJECT kind): interned, carries its own hash.
      return (v as { hash?: number }).hash ?? 0x510e527f
    default: return 0x9b05688c | 0
  }
}

/** The sketch hash of a store key of `kind`. */
export function hashKey(key: unknown, kind: KeyKind): number {
  if (kind === DIRECT) return hashValue(key)
  if (kind === ENCODED) return hashString(key as string)
  const path = key as readonly unknown[]
  let h = FNV_OFFSET ^ path.length
  for (let i = 0; i < path.length; i++) h = Math.imul(h ^ hashValue(path[i]), FNV_PRIME)
  return h
}
