// Redis Cluster key slots (CRC16/XMODEM of the key, or of its {hash tag}, mod 16384), so that
// multi-key commands and scripts can be grouped per slot before they are sent.
// Hand-written on purpose, as Redis' keyHashSlot(): the cluster-key-slot package (1.1.1 and 1.1.2)
// hashes `foo{}{bar}` as `{bar` where Redis hashes the whole key (CLUSTER KEYSLOT 8363, it says
// 4015), which would put keys of different slots in one UNLINK (CROSSSLOT). It is archived, and
// ioredis (PR #2172) and node-redis (PR #3431) vendored a fixed copy instead of depending on it.

const TABLE = (() => {
  const t = new Uint16Array(256)
  for (let i = 0; i < 256; i++) {
    let c = i << 8
    for (let j = 0; j < 8; j++) c = c & 0x8000 ? ((c << 1) ^ 0x1021) & 0xffff : (c << 1) & 0xffff
    t[i] = c
  }
  return t
})()

const utf8 = new TextEncoder()

/** The cluster slot of `key` (keys are UTF-8 on the wire, so the CRC runs over UTF-8 bytes). */
export function keySlot(key: string): number {
  const open = key.indexOf('{')
  if (open !== -1) {
    const close = key.indexOf('}', open + 1)
    if (close > open + 1) key = key.slice(open + 1, close)
  }
  const bytes = utf8.encode(key)
  let crc = 0
  for (let i = 0; i < bytes.length; i++) crc = ((crc << 8) & 0xffff) ^ TABLE[((crc >> 8) ^ bytes[i]!) & 0xff]!
  return crc & 16383
}

/** Groups keys by slot, preserving order within a group. */
export function bySlot(keys: readonly string[]): string[][] {
  const groups = new Map<number, string[]>()
  for (const k of keys) {
    const s = keySlot(k)
    const g = groups.get(s)
    if (g === undefined) groups.set(s, [k])
    else g.push(k)
  }
  return [...groups.values()]
}
