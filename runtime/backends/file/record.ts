// The entry file format: a fixed 32-byte header (magic, lengths, expiry, CRC-32), then the full
// storage key, the tags and the value bytes. Decoding never throws: anything that is not exactly
// one of our records (truncated, corrupt, foreign) is `undefined`.

import { crc32 as zlibCrc32 } from 'node:zlib'
import { MARK_BYTE, MARK_BYTES } from '../../soft-mark.js'

// Header: 'FNCF' | u8 format 1 | u8 0 | u16 tag count | u32 key bytes | u32 value bytes |
// u32 CRC-32 of everything from byte 24 (the time in a value's soft mark slot excluded) | u32 tag
// bytes | f64 expiry (ms, Infinity: none).
// The CRC covers expiry, key, tags and value, so a torn or bit-flipped file never reads back.
const MAGIC = 0x464e4346 // 'FNCF'
const FORMAT = 1
export const HEADER_BYTES = 32

const crc32: (b: Uint8Array, prev?: number) => number = typeof zlibCrc32 === 'function'
  ? (b, prev) => zlibCrc32(b, prev) >>> 0
  : () => 0 // Node < 20.15: the length checks still reject torn files.

/** An unmarked soft mark slot (runtime/soft-mark.ts): what the CRC sees in place of the slot's time. */
const UNMARKED = new Uint8Array([0x7f, 0xf0, 0, 0, 0, 0, 0, 0])

/**
 * CRC-32 of everything from byte 24, with the time in a value's soft mark slot read as unmarked:
 * a soft invalidation sets that time in place (one pwrite, file/soft.ts) without rewriting the file.
 */
function entryCrc(buf: Uint8Array, valueStart: number): number {
  if (buf.length < valueStart + MARK_BYTES || buf[valueStart] !== MARK_BYTE) return crc32(buf.subarray(24))
  const head = crc32(buf.subarray(24, valueStart + 1))
  return crc32(buf.subarray(valueStart + MARK_BYTES), crc32(UNMARKED, head))
}

export interface EntryRecord {
  key: string
  /** Milliseconds (the backend's clock) after which the entry is gone; Infinity: never. */
  expires: number
  tags: string[]
  value: Uint8Array
}

const enc = new TextEncoder()
const dec = new TextDecoder('utf-8', { fatal: true })

/** One buffer holding the whole file: written with a single write() into the temp file. */
export function encodeEntry(key: string, value: Uint8Array, expires: number, tags: readonly string[]): Uint8Array {
  const keyBytes = enc.encode(key)
  const tagBytes = tags.map((t) => enc.encode(t))
  const tagTotal = tagBytes.reduce((n, t) => n + 4 + t.length, 0)
  const total = HEADER_BYTES + keyBytes.length + tagTotal + value.length
  const out = Buffer.allocUnsafe(total)
  out.writeUInt32BE(MAGIC, 0)
  out[4] = FORMAT
  out[5] = 0
  out.writeUInt16BE(tags.length, 6)
  out.writeUInt32BE(keyBytes.length, 8)
  out.writeUInt32BE(value.length, 12)
  out.writeUInt32BE(tagTotal, 20)
  out.writeDoubleBE(expires, 24)
  let at = HEADER_BYTES
  out.set(keyBytes, at); at += keyBytes.length
  for (const t of tagBytes) {
    out.writeUInt32BE(t.length, at); at += 4
    out.set(t, at); at += t.length
  }
  out.set(value, at)
  out.writeUInt32BE(entryCrc(out, at), 16)
  return out
}

/** The record in `buf`, or undefined when `buf` is not exactly one intact record. */
export function decodeEntry(buf: Buffer): EntryRecord | undefined {
  if (buf.length < HEADER_BYTES || buf.readUInt32BE(0) !== MAGIC || buf[4] !== FORMAT) return undefined
  const tagCount = buf.readUInt16BE(6)
  const keyLen = buf.readUInt32BE(8)
  const valueLen = buf.readUInt32BE(12)
  const tagTotal = buf.readUInt32BE(20)
  if (HEADER_BYTES + keyLen + tagTotal + valueLen !== buf.length) return undefined
  if (entryCrc(buf, HEADER_BYTES + keyLen + tagTotal) !== buf.readUInt32BE(16)) return undefined
  const expires = buf.readDoubleBE(24)
  if (Number.isNaN(expires)) return undefined
  try {
    let at = HEADER_BYTES
    const key = dec.decode(buf.subarray(at, at + keyLen)); at += keyLen
    const end = at + tagTotal
    const tags: string[] = []
    for (let i = 0; i < tagCount; i++) {
      if (at + 4 > end) return undefined
      const n = buf.readUInt32BE(at); at += 4
      if (at + n > end) return undefined
      tags.push(dec.decode(buf.subarray(at, at + n))); at += n
    }
    if (at !== end) return undefined
    return { key, expires, tags, value: buf.subarray(end) }
  } catch {
    return undefined // invalid UTF-8
  }
}
