// A cheap structural estimate of a value's heap size, for memory({ maxBytes }). It walks at most
// a bounded number of nodes: it must stay cheap on the store path, and the bound is a budget,
// not an accounting system.

const MAX_NODES = 2_000

/** Approximate bytes retained by `value` and `key` (V8 on 64-bit: 8-byte slots, 2-byte chars worst case). */
export function estimateSize(value: unknown, key?: unknown): number {
  let budget = MAX_NODES
  const seen = new Set<object>()
  const walk = (v: unknown): number => {
    switch (typeof v) {
      case 'string': return 16 + v.length * 2
      case 'number': return 8
      case 'boolean': case 'undefined': return 4
      case 'bigint': return 16 + Math.ceil(v.toString(16).length / 2)
      case 'symbol': case 'function': return 32
    }
    if (v === null) return 4
    const o = v as object
    if (seen.has(o) || --budget < 0) return 8
    seen.add(o)
    if (ArrayBuffer.isView(o)) return 64 + o.byteLength
    if (o instanceof ArrayBuffer) return 32 + o.byteLength
    if (o instanceof Date) return 32
    let size = 32
    if (Array.isArray(o)) {
      for (const item of o) size += 8 + walk(item)
      return size
    }
    if (o instanceof Map) {
      for (const [k, item] of o) size += 24 + walk(k) + walk(item)
      return size
    }
    if (o instanceof Set) {
      for (const item of o) size += 16 + walk(item)
      return size
    }
    for (const k in o) size += 16 + k.length + walk((o as Record<string, unknown>)[k])
    return size
  }
  return walk(value) + (key === undefined ? 0 : walk(key)) + 48
}
