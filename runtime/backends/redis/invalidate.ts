// Tag, prefix and whole-namespace invalidation: stamp first (stamps.ts), then remove (a tag set
// drained by script on one server, swept per entry on a Cluster; prefixes by SCAN, never KEYS).
// Soft invalidation is handed to soft.ts.

import type { Cluster, Redis } from 'ioredis'
import type { InvalidateOptions } from '../backend.js'
import { needle } from './format.js'
import { escapeGlob, prefixPattern } from './glob.js'
import { bySlot } from './slot.js'
import { softPrefixes, softTags, type SoftRedis } from './soft.js'
import { stamp } from './stamps.js'
import type { RedisState } from './state.js'

/**
 * Members a tag invalidation handles per command. Each member costs a GETRANGE or two and an
 * UNLINK inside the script (~1 µs each), so a batch stays far below 10 ms of server time.
 */
const TAG_BATCH = 250
/** Keys per SCAN step and per UNLINK during prefix invalidation. */
const SCAN_COUNT = 1_000

export async function invalidateTags(s: RedisState, tags: readonly string[], options?: InvalidateOptions): Promise<number> {
  if (options?.soft === true) return softTags(softOf(s), tags, options.at).catch(s.fail)
  try {
    // Stamp first: a write of a value computed before this moment is refused from now on, so a
    // computation in flight elsewhere cannot bring an invalidated value back after the drain.
    await stamp(s, options?.at, [...new Set(tags)].map((t) => 't' + t))
    const counts = await Promise.all([...new Set(tags)].map((t) => (s.cluster ? sweepTag(s, t) : drainTag(s, t))))
    return counts.reduce((a, b) => a + b, 0)
  } catch (e) {
    return s.fail(e)
  }
}

/** One server: pop and delete in batches, each batch one atomic script of bounded length. */
async function drainTag(s: RedisState, tag: string): Promise<number> {
  const key = s.tagPrefix + tag
  const n = needle(tag)
  let removed = 0
  // Writers may add members while we drain; stop once the members present at the start are done.
  let budget = Infinity
  for (let round = 0; round < budget; round++) {
    const [r, left] = await s.c.fncacheTagDrain(key, s.valuePrefix, n, TAG_BATCH)
    removed += r
    if (left === 0) break
    if (budget === Infinity) budget = round + 2 + Math.ceil(left / TAG_BATCH)
  }
  return removed
}

/** Cluster: SSCAN the set, check-and-delete each member where it lives, then SREM what was handled. */
async function sweepTag(s: RedisState, tag: string): Promise<number> {
  const key = s.tagPrefix + tag
  const n = needle(tag)
  let removed = 0
  let cursor = '0'
  do {
    const [next, members] = await s.client.sscan(key, cursor, 'COUNT', TAG_BATCH)
    cursor = next
    if (members.length === 0) continue
    const counts = await Promise.all(members.map((m) => s.c.fncacheTagSweep(s.valuePrefix + m, n)))
    for (const c of counts) removed += c
    await s.client.srem(key, ...members)
  } while (cursor !== '0')
  return removed
}

export async function invalidatePrefix(s: RedisState, prefixes: readonly string[], options?: InvalidateOptions): Promise<number> {
  if (options?.soft === true) return softPrefixes(softOf(s), prefixes, options.at).catch(s.fail)
  try {
    // Stamped before the scan: an entry written before the stamp is there for the whole scan
    // (SCAN returns every key present throughout), one written after it is refused.
    await stamp(s, options?.at, [...new Set(prefixes)].map((p) => '>' + p))
    const counts = await Promise.all([...new Set(prefixes)].map((p) => scanDelete(s, prefixPattern(s.valuePrefix + p))))
    return counts.reduce((a, b) => a + b, 0)
  } catch (e) {
    return s.fail(e)
  }
}

export async function clear(s: RedisState, options?: InvalidateOptions): Promise<void> {
  try {
    await stamp(s, options?.at, ['>'])
    const ns = escapeGlob(s.prefix)
    await Promise.all([scanDelete(s, ns + 'v:*'), scanDelete(s, ns + 't:*')])
  } catch (e) {
    s.fail(e)
  }
}

/** What soft.ts needs of this backend. */
function softOf(s: RedisState): SoftRedis {
  return {
    stamp: (at, members) => stamp(s, at, members),
    mark: (entryKey, mark, n) => s.c.fncacheSoftMark(entryKey, mark, n),
    sets: s.client,
    tagKey: (tag) => s.tagPrefix + tag,
    entryKey: (key) => s.valuePrefix + key,
    nodes: () => (s.cluster ? (s.client as Cluster).nodes('master') : [s.client as Redis]),
    batch: TAG_BATCH,
    scanCount: SCAN_COUNT,
  }
}

/** SCAN MATCH over every master, UNLINK what matches in batches. Never KEYS. */
async function scanDelete(s: RedisState, pattern: string): Promise<number> {
  const nodes: Redis[] = s.cluster ? (s.client as Cluster).nodes('master') : [s.client as Redis]
  let removed = 0
  await Promise.all(nodes.map(async (node) => {
    let cursor = '0'
    do {
      const [next, keys] = await node.scan(cursor, 'MATCH', pattern, 'COUNT', SCAN_COUNT)
      cursor = next
      if (keys.length === 0) continue
      // A multi-key command must stay within one slot in a cluster.
      const batches = s.cluster ? bySlot(keys) : [keys]
      const counts = await Promise.all(batches.map((b) => node.unlink(...b)))
      for (const c of counts) removed += c
    } while (cursor !== '0')
  }))
  return removed
}
