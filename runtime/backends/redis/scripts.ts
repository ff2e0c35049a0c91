// Lua scripts, each loaded once per connection (EVALSHA, EVAL on NOSCRIPT through ioredis'
// defineCommand). Each touches only the keys it declares, except `tagDrain`, which is used on a
// single server only (a cluster uses `tagSweep` per entry instead).

import type { RedisClient } from './options.js'

/** Reads an entry's tag list (see format.ts) and tells whether it contains ARGV needle. */
const carries = `
local function carries(k, needle)
  local h = redis.call('GETRANGE', k, 0, 4)
  if #h ~= 5 or string.byte(h, 1) ~= 252 then return false end
  local a, b, c, d = string.byte(h, 2, 5)
  local len = ((a * 256 + b) * 256 + c) * 256 + d
  if len == 0 then return false end
  return string.find(redis.call('GETRANGE', k, 5, 4 + len), needle, 1, true) ~= nil
end
`

/**
 * KEYS[1] an entry, Z the stamp set guarding it (KEYS[2]; Cluster: ARGV[5], see CROSS_SLOT);
 * ARGV[1] when the value's computation started (ms); ARGV[2] PX in ms, or '' for none; ARGV[3]
 * the entry; ARGV[4] its storage key; ARGV[6..] its tags. Writes the entry unless a stamp at or after ARGV[1] covers it: one of its
 * tags, the key itself, or a prefix of the key (the value may predate that invalidation). Only
 * stamps newer than the computation are read, so the cost is that of the invalidations it overlapped.
 * Soft stamps (members starting with `~`) do not refuse: the entry is written marked stale.
 * Returns 1 when written, 2 when written stale, 0 when refused.
 */
const setFresh = `
local hits = redis.call('ZRANGEBYSCORE', Z, ARGV[1], '+inf', 'WITHSCORES')
local soft = nil
if #hits > 0 then
  local key = ARGV[4]
  local tags = {}
  for i = 6, #ARGV do tags['t' .. ARGV[i]] = true end
  for i = 1, #hits, 2 do
    local m = hits[i]
    local isSoft = string.sub(m, 1, 1) == '~'
    if isSoft then m = string.sub(m, 2) end
    local kind = string.sub(m, 1, 1)
    local covered = false
    if kind == 't' then covered = tags[m] == true
    elseif kind == '=' then covered = string.sub(m, 2) == key
    elseif kind == '>' then covered = string.sub(key, 1, #m - 1) == string.sub(m, 2) end
    if covered then
      if not isSoft then return 0 end
      local at = tonumber(hits[i + 1])
      if soft == nil or at < soft then soft = at end
    end
  end
end
local entry = ARGV[3]
if soft ~= nil then
  -- Only soft stamps overtook the computation: write it marked stale at the earliest (soft-mark.ts),
  -- or refuse it when the record has no mark slot.
  if string.byte(entry, 1) ~= 252 then return 0 end
  local a, b, c, d = string.byte(entry, 2, 5)
  local off = 5 + ((a * 256 + b) * 256 + c) * 256 + d
  if string.byte(entry, off + 1) ~= 247 then return 0 end
  entry = string.sub(entry, 1, off + 1) .. struct.pack('>d', soft) .. string.sub(entry, off + 10)
end
if ARGV[2] == '' then redis.call('SET', KEYS[1], entry) else redis.call('SET', KEYS[1], entry, 'PX', ARGV[2]) end
if soft ~= nil then return 2 end
return 1`

const stampDelete = `
local at = tonumber(ARGV[1])
local m = '=' .. ARGV[3]
local c = redis.call('ZSCORE', Z, m)
if not c or tonumber(c) < at then redis.call('ZADD', Z, at, m) end
redis.call('PEXPIRE', Z, ARGV[2])
return redis.call('UNLINK', KEYS[1])`

/**
 * Cluster: a script may touch keys of other slots of its own node (Redis 7 script flags), but
 * only undeclared ones: the stamp set is passed as an argument, chosen on the node that serves
 * the entry's slot (index.ts). A single server declares it.
 */
const CROSS_SLOT = '#!lua flags=allow-cross-slot-keys\n'
const DECLARED = 'local Z = KEYS[2]\n'

export const SCRIPTS = {
  /**
   * KEYS[1] tag set; ARGV[1] member; ARGV[2] the set's lifetime in ms. Adds the member and
   * raises the set's expiry to at least ARGV[2] (never lowers it), so the set outlives its members.
   */
  fncacheTagAdd: {
    numberOfKeys: 1,
    lua: `
redis.call('SADD', KEYS[1], ARGV[1])
local ttl = tonumber(ARGV[2])
if redis.call('PTTL', KEYS[1]) < ttl then redis.call('PEXPIRE', KEYS[1], ttl) end
return 1`,
  },
  /**
   * Single server. KEYS[1] tag set; ARGV[1] entry key prefix; ARGV[2] needle; ARGV[3] batch.
   * Pops up to ARGV[3] members and unlinks those entries that still carry the tag, atomically
   * (a client that dies between batches leaves the rest of the set for a retry).
   * Returns { removed, members left }.
   */
  fncacheTagDrain: {
    numberOfKeys: 1,
    lua: carries + `
local members = redis.call('SPOP', KEYS[1], tonumber(ARGV[3]))
local removed = 0
for i = 1, #members do
  local k = ARGV[1] .. members[i]
  if carries(k, ARGV[2]) then removed = removed + redis.call('UNLINK', k) end
end
return { removed, redis.call('SCARD', KEYS[1]) }`,
  },
  /**
   * Cluster: KEYS[1] an entry; ARGV[1] needle. Unlinks it if it still carries the tag. One key per
   * call: ioredis routes (and auto-pipelines) a script by its first key, one slot per call.
   */
  fncacheTagSweep: {
    numberOfKeys: 1,
    lua: carries + `
if carries(KEYS[1], ARGV[1]) then return redis.call('UNLINK', KEYS[1]) end
return 0`,
  },
  /**
   * KEYS[1] a stamp set; ARGV[1] when the invalidation started (ms); ARGV[2] the stamps' lifetime
   * (ms); ARGV[3..] members (`t<tag>`, `><prefix>`, `=<key>`). Raises each member's stamp (never
   * lowers it), drops stamps older than their lifetime, and renews the set's.
   */
  fncacheStamp: {
    numberOfKeys: 1,
    lua: `
local at = tonumber(ARGV[1])
for i = 3, #ARGV do
  local c = redis.call('ZSCORE', KEYS[1], ARGV[i])
  if not c or tonumber(c) < at then redis.call('ZADD', KEYS[1], at, ARGV[i]) end
end
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', '(' .. tostring(at - tonumber(ARGV[2])))
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return 1`,
  },
  /**
   * KEYS[1] an entry, KEYS[2] the stamp set guarding it; ARGV[1] when the invalidation started;
   * ARGV[2] the stamps' lifetime; ARGV[3] the entry's storage key. Stamps the key, unlinks the entry.
   */
  fncacheStampDelete: { numberOfKeys: 2, lua: DECLARED + stampDelete },
  /** The same on Cluster: ARGV[4] the stamp set. */
  fncacheStampDeleteCluster: { numberOfKeys: 1, lua: CROSS_SLOT + 'local Z = ARGV[4]\n' + stampDelete },
  fncacheSetFresh: { numberOfKeys: 2, lua: DECLARED + setFresh },
  /** fncacheSetFresh for Cluster: the stamp set is another slot of the same node (see index.ts). */
  fncacheSetFreshCluster: { numberOfKeys: 1, lua: CROSS_SLOT + 'local Z = ARGV[5]\n' + setFresh },
  /**
   * Soft invalidation of one entry: KEYS[1] the entry; ARGV[1] the mark (8 bytes, float64 BE, see
   * soft-mark.ts); ARGV[2] needle of the tag it must still carry, or '' (prefix). Sets the mark
   * slot in front of the record in place (SETRANGE keeps the TTL) unless already marked; an entry
   * without a slot (an older version's) is unlinked: soft is hard for it. Returns 1 when covered.
   */
  fncacheSoftMark: {
    numberOfKeys: 1,
    lua: `
local h = redis.call('GETRANGE', KEYS[1], 0, 4)
if #h ~= 5 or string.byte(h, 1) ~= 252 then return 0 end
local a, b, c, d = string.byte(h, 2, 5)
local len = ((a * 256 + b) * 256 + c) * 256 + d
if ARGV[2] ~= '' then
  if len == 0 then return 0 end
  if string.find(redis.call('GETRANGE', KEYS[1], 5, 4 + len), ARGV[2], 1, true) == nil then return 0 end
end
local slot = redis.call('GETRANGE', KEYS[1], 5 + len, 13 + len)
if #slot ~= 9 or string.byte(slot, 1) ~= 247 then return redis.call('UNLINK', KEYS[1]) end
if string.sub(slot, 2) == '\\127\\240\\0\\0\\0\\0\\0\\0' then redis.call('SETRANGE', KEYS[1], 6 + len, ARGV[1]) end
return 1`,
  },
  /** KEYS[1] lock; ARGV[1] token. Deletes the lock only if this holder still owns it. */
  fncacheRelease: {
    numberOfKeys: 1,
    lua: `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`,
  },
} as const

export type ScriptName = keyof typeof SCRIPTS

/** The client with the scripts as commands (ioredis adds a method per defineCommand). */
export type Scripted = RedisClient & {
  fncacheTagAdd(tagKey: string, member: string, lifeMs: string): Promise<number>
  fncacheTagDrain(tagKey: string, entryPrefix: string, needle: string, batch: number): Promise<[number, number]>
  fncacheTagSweep(entryKey: string, needle: string): Promise<number>
  fncacheRelease(lockKey: string, token: string): Promise<number>
  fncacheStamp(zone: string, at: string, lifeMs: string, ...members: string[]): Promise<number>
  fncacheStampDelete(entryKey: string, zone: string, at: string, lifeMs: string, key: string): Promise<number>
  fncacheStampDeleteCluster(entryKey: string, at: string, lifeMs: string, key: string, zone: string): Promise<number>
  fncacheSetFresh(entryKey: string, zone: string, since: string, px: string, entry: Uint8Array, key: string, unused: '', ...tags: string[]): Promise<number>
  fncacheSetFreshCluster(entryKey: string, since: string, px: string, entry: Uint8Array, key: string, zone: string, ...tags: string[]): Promise<number>
  fncacheSoftMark(entryKey: string, mark: Uint8Array, needle: string): Promise<number>
}

export function defineScripts(client: RedisClient): Scripted {
  const c = client as unknown as Record<string, unknown>
  for (const [name, s] of Object.entries(SCRIPTS) as [ScriptName, { lua: string; numberOfKeys?: number }][]) {
    if (typeof c[name] !== 'function') client.defineCommand(name, { lua: s.lua, ...(s.numberOfKeys !== undefined ? { numberOfKeys: s.numberOfKeys } : {}) })
  }
  return client as Scripted
}
