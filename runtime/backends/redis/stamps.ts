// Invalidation stamps: where they live (one set on a single server, one per master in a Cluster,
// found by hash tag and re-mapped when slots move) and stamping members in every set.

import type { Cluster } from 'ioredis'
import { keySlot } from './slot.js'
import type { RedisState } from './state.js'

/**
 * How long an invalidation stamp lives (ms): a value whose computation started before the stamp
 * and is written while the stamp lives is refused. Computations running longer than this across
 * an invalidation can still be written late.
 */
export const STAMP_LIFE = 3_600_000
/** Cluster: hash tags tried to find one slot on each master for its stamp set. */
const ZONE_SEARCH = 100_000

/** Cluster: the stamp set on the master that serves `redisKey`'s slot (undefined while slots are unknown). */
export async function zoneOf(s: RedisState, redisKey: string): Promise<string | undefined> {
  const c = s.client as Cluster
  if (c.slots.length === 0) await c.ping().catch(() => {})
  const owner = c.slots[keySlot(redisKey)]?.[0]
  if (owner === undefined) return undefined
  const z = s.zones.get(owner)
  if (z !== undefined && c.slots[keySlot(z)]?.[0] === owner) return z
  mapZones(s)
  return s.zones.get(owner)
}

/** Cluster: finds, for each master, a hash tag whose slot it serves (slots move on resharding: re-mapped on use). */
function mapZones(s: RedisState): void {
  const slots = (s.client as Cluster).slots
  const masters = new Set<string>()
  for (const sl of slots) if (sl?.[0] !== undefined) masters.add(sl[0])
  const zones = new Map<string, string>()
  for (let i = 0; zones.size < masters.size && i < ZONE_SEARCH; i++) {
    const z = `${s.zp}{${i}}`
    const owner = slots[keySlot(z)]?.[0]
    if (owner !== undefined && !zones.has(owner)) zones.set(owner, z)
  }
  s.zones = zones
}

/** Every stamp set: one on a single server, one per master in a cluster. */
async function allZones(s: RedisState): Promise<string[]> {
  if (!s.cluster) return [s.zp]
  const c = s.client as Cluster
  if (c.slots.length === 0) await c.ping()
  mapZones(s)
  if (s.zones.size === 0) throw new Error('fncache redis: the cluster reported no slots; the invalidation could not be stamped')
  return [...s.zones.values()]
}

/** Stamps `members` at `at` in every stamp set, before anything is removed. */
export async function stamp(s: RedisState, at: number | undefined, members: string[]): Promise<void> {
  if (at === undefined || members.length === 0) return
  const zones = await allZones(s)
  await Promise.all(zones.map((z) => s.c.fncacheStamp(z, String(at), String(STAMP_LIFE), ...members)))
}
