// The stored form of an entry: a 5-byte header, the entry's tags, then the runtime's record.
//
//   byte 0      0xFC (format 1)
//   bytes 1-4   L, u32 big-endian: length of the tag list
//   L bytes     "\0tag1\0tag2\0" in UTF-8 (empty when the entry has no tags)
//   the rest    the record bytes, opaque
//
// Tag sets only ever grow by SADD (no read before a write), so a set can name an entry that was
// written again since, without that tag. Invalidation reads the tag list of each member (GETRANGE,
// server-side in Lua) and deletes only the entries that still carry the tag. A hit strips the
// header with a zero-copy subarray.

export const MAGIC = 0xfc
export const HEADER = 5

const utf8 = new TextEncoder()

/** Header + record, one allocation. */
export function encodeEntry(record: Uint8Array, tags: readonly string[] | undefined): Buffer {
  const list = tags !== undefined && tags.length > 0 ? utf8.encode('\0' + tags.join('\0') + '\0') : undefined
  const len = list === undefined ? 0 : list.length
  const out = Buffer.allocUnsafe(HEADER + len + record.length)
  out[0] = MAGIC
  out.writeUInt32BE(len, 1)
  if (list !== undefined) out.set(list, HEADER)
  out.set(record, HEADER + len)
  return out
}

/**
 * The record inside a stored entry. A value that is not in this format (written by something
 * else) is returned whole: the runtime fails to decode it, counts it as corrupt and deletes it.
 */
export function decodeEntry(stored: Buffer): Uint8Array {
  if (stored.length < HEADER || stored[0] !== MAGIC) return stored
  const start = HEADER + stored.readUInt32BE(1)
  return start > stored.length ? stored : stored.subarray(start)
}

/** What an entry's tag list contains for `tag`: the needle the invalidation script looks for. */
export const needle = (tag: string) => '\0' + tag + '\0'
