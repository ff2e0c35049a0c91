// Soft invalidation on Redis: stamp `~t<tag>` / `~><prefix>` in every stamp set first (a write of
// a value computed at or before it is then stored marked stale, not refused: scripts.ts setFresh),
// then set the mark slot of every covered entry in place (fncacheSoftMark: one script per entry,
// so it routes to the entry's slot on a Cluster). Entries stay where they are, with their TTL and
// in their tag sets; readers see them stale from the mark on (runtime/record.ts).

import type { Redis } from 'ioredis'
import { markBytes } from '../../soft-mark.js'
import { needle } from './format.js'
import { prefixPattern } from './glob.js'

/** What the soft invalidation needs of a RedisBackend (index.ts). */
export interface SoftRedis {
  stamp(at: number | undefined, members: string[]): Promise<void>
  mark(entryKey: string, mark: Uint8Array, needle: string): Promise<number>
  /** The client that holds the tag sets (a Cluster routes SSCAN by the set's key). */
  sets: { sscan(key: string, cursor: string, count: 'COUNT', n: number): Promise<[string, string[]]> }
  tagKey(tag: string): string
  entryKey(key: string): string
  /** Every master: SCAN runs on each. */
  nodes(): Redis[]
  batch: number
  scanCount: number
}

/** Marks every entry that still carries one of `tags`; resolves with how many were covered. */
export async function softTags(r: SoftRedis, tags: readonly string[], at = Date.now()): Promise<number> {
  const unique = [...new Set(tags)]
  await r.stamp(at, unique.map((t) => '~t' + t))
  const mark = Buffer.from(markBytes(at))
  let covered = 0
  await Promise.all(unique.map(async (tag) => {
    const n = needle(tag)
    let cursor = '0'
    do {
      const [next, members] = await r.sets.sscan(r.tagKey(tag), cursor, 'COUNT', r.batch)
      cursor = next
      const counts = await Promise.all(members.map((m) => r.mark(r.entryKey(m), mark, n)))
      for (const c of counts) covered += c
    } while (cursor !== '0')
  }))
  return covered
}

/** Marks every entry whose key starts with one of `prefixes` (SCAN MATCH on every master, never KEYS). */
export async function softPrefixes(r: SoftRedis, prefixes: readonly string[], at = Date.now()): Promise<number> {
  const unique = [...new Set(prefixes)]
  await r.stamp(at, unique.map((p) => '~>' + p))
  const mark = Buffer.from(markBytes(at))
  let covered = 0
  await Promise.all(unique.flatMap((p) => r.nodes().map(async (node) => {
    let cursor = '0'
    do {
      const [next, keys] = await node.scan(cursor, 'MATCH', prefixPattern(r.entryKey(p)), 'COUNT', r.scanCount)
      cursor = next
      const counts = await Promise.all(keys.map((k) => r.mark(k, mark, '')))
      for (const c of counts) covered += c
    } while (cursor !== '0')
  })))
  return covered
}
