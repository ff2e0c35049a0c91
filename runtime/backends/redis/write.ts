// Writes and single-key deletes: tag sets before the entry, and, when the computation's start or
// the removal time is known, the atomic stamp-checked forms (scripts.ts setFresh, stampDelete).

import type { InvalidateOptions, SetOptions } from '../backend.js'
import { encodeEntry } from './format.js'
import { STAMP_LIFE, zoneOf } from './stamps.js'
import type { RedisState } from './state.js'
import type { Tick } from './tick.js'

/** Lifetime of a tag set whose members have no TTL (ms): 10 years, i.e. "as long as they live". */
const FOREVER = 10 * 365 * 24 * 3600 * 1000
/** A tag set outlives its members by this much, so a cluster node whose clock runs ahead cannot drop it early. */
const TAG_MARGIN = 60_000

export async function setEntry(s: RedisState, t: Tick, key: string, value: Uint8Array, options?: SetOptions): Promise<boolean | 'stale'> {
  const ttl = options?.ttl
  const px = ttl === undefined || ttl === Infinity ? undefined : Math.max(1, Math.ceil(ttl))
  const tags = options?.tags
  const since = options?.since
  const entry = encodeEntry(value, tags)
  const k = s.valuePrefix + key
  t.batch()
  if (tags !== undefined && tags.length > 0) t.batch() // several commands: cork from the first
  try {
    // The tag sets first: an entry that exists is always findable from its tags. On one server,
    // commands of one connection run in order, so issuing them first is enough (one round trip);
    // in a cluster the sets may live on other nodes, so wait for them.
    const adds: Promise<unknown>[] = []
    if (tags !== undefined && tags.length > 0) {
      const life = String((px ?? FOREVER) + TAG_MARGIN)
      for (const tag of tags) adds.push(s.c.fncacheTagAdd(s.tagPrefix + tag, key, life))
      if (s.cluster) await Promise.all(adds.splice(0))
    }
    if (since === undefined) {
      adds.push(px === undefined ? s.client.set(k, entry) : s.client.set(k, entry, 'PX', px))
      await Promise.all(adds)
      return true
    }
    // The computation's start is known: the write is refused when an invalidation of one of its
    // tags, of the key or of a prefix of it was stamped since (checked atomically, on the node
    // that holds the entry).
    const zone = s.cluster ? await zoneOf(s, k) : s.zp
    if (zone === undefined) return false
    const pxArg = px === undefined ? '' : String(px)
    const p = s.cluster
      ? s.c.fncacheSetFreshCluster(k, String(since), pxArg, entry, key, zone, ...(tags ?? []))
      : s.c.fncacheSetFresh(k, zone, String(since), pxArg, entry, key, '', ...(tags ?? []))
    adds.push(p)
    await Promise.all(adds)
    const written = await p
    return written === 2 ? 'stale' : written === 1
  } catch (e) {
    return s.fail(e)
  }
}

export async function deleteEntry(s: RedisState, t: Tick, key: string, options?: InvalidateOptions): Promise<boolean> {
  const k = s.valuePrefix + key
  if (options?.at === undefined) {
    t.batch()
    return (await s.client.unlink(k).catch(s.fail)) > 0
  }
  try {
    // Stamped with the removal, atomically: a computation of this key in flight anywhere cannot write it back.
    const zone = s.cluster ? await zoneOf(s, k) : s.zp
    if (zone === undefined) throw new Error('fncache redis: the cluster reported no slot owner; the key could not be stamped')
    const removed = s.cluster
      ? await s.c.fncacheStampDeleteCluster(k, String(options.at), String(STAMP_LIFE), key, zone)
      : await s.c.fncacheStampDelete(k, zone, String(options.at), String(STAMP_LIFE), key)
    return removed > 0
  } catch (e) {
    return s.fail(e)
  }
}
