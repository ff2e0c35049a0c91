// Lua scripts, each loaded once per connection (EVALSHA, EVAL on NOSCRIPT through ioredis'
// defineCommand). Each touches only the keys it declares, except `tagDrain`, which is used on a
// single server only (a cluster uses `tagSweep` per entry instead).

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
   * KEYS[1] a tag's invalidation stamp; ARGV[1] when the invalidation started (ms); ARGV[2] the
   * stamp's lifetime (ms). Raises the stamp (never lowers it) and renews its lifetime.
   */
  fncacheStamp: {
    numberOfKeys: 1,
    lua: `
local at = tonumber(ARGV[1])
local c = tonumber(redis.call('GET', KEYS[1]) or '0')
if at > c then redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2]) else redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 1`,
  },
  /**
   * Single server. KEYS[1] entry, KEYS[2..] the stamps of its tags; ARGV[1] when the value's
   * computation started (ms); ARGV[2] PX in ms, or '' for none; ARGV[3] the entry. Writes the
   * entry unless one of its tags was invalidated at or after ARGV[1] (the value may predate it).
   * Returns 1 when written, 0 when refused.
   */
  fncacheSetFresh: {
    lua: `
local since = tonumber(ARGV[1])
for i = 2, #KEYS do
  local s = tonumber(redis.call('GET', KEYS[i]) or '0')
  if s >= since then return 0 end
end
if ARGV[2] == '' then redis.call('SET', KEYS[1], ARGV[3]) else redis.call('SET', KEYS[1], ARGV[3], 'PX', ARGV[2]) end
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
