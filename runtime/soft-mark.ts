// Soft invalidation marks a stored record stale without deleting it. The mark sits in front of
// the record (outside any signature), so a backend can set it in place, without the signing
// secret and without decoding anything (Redis: SETRANGE in a script; file: one pwrite):
//
//   byte 0      0xF7 (a record with a mark slot; records of older versions have none)
//   bytes 1-8   float64 big-endian: when the record was marked stale (ms, the runtime's clock);
//               +Infinity: not marked
//   the rest    the record (runtime/record.ts), signed or not
//
// A mark can only lower a record's freshness, so whoever can write it (an attacker with access
// to the store included) can at most cause a refresh. Leaves only: no imports, so backends and
// the CLI can read it too.

export const MARK_BYTE = 0xf7
/** Bytes before the record: the mark byte and the float64. */
export const MARK_BYTES = 9

/** Bytes 1-8 of an unmarked slot: +Infinity as float64 big-endian. */
const UNMARKED = [0x7f, 0xf0, 0, 0, 0, 0, 0, 0]

/** `record` with an (unmarked, or marked at `at`) slot in front: one allocation. */
export function withMarkSlot(record: Uint8Array, at = Infinity): Uint8Array {
  const out = new Uint8Array(MARK_BYTES + record.length)
  out[0] = MARK_BYTE
  new DataView(out.buffer, out.byteOffset, MARK_BYTES).setFloat64(1, at)
  out.set(record, MARK_BYTES)
  return out
}

/** Whether `bytes` starts with a mark slot. */
export function hasMarkSlot(bytes: Uint8Array): boolean {
  return bytes.length >= MARK_BYTES && bytes[0] === MARK_BYTE
}

/**
 * When `bytes` was marked stale: Infinity when unmarked or written without a slot; -Infinity for
 * a slot that holds no time (NaN: damaged, so treated as stale long ago).
 */
export function markOf(bytes: Uint8Array): number {
  if (!hasMarkSlot(bytes)) return Infinity
  if (bytes[1] === 0x7f && bytes[2] === 0xf0 && bytes[3] === 0 && bytes[4] === 0) return Infinity // fast path: unmarked
  const at = new DataView(bytes.buffer, bytes.byteOffset, MARK_BYTES).getFloat64(1)
  return Number.isNaN(at) ? -Infinity : at
}

/** The record behind the slot (zero-copy), or `bytes` itself when it has none. */
export function recordOf(bytes: Uint8Array): Uint8Array {
  return hasMarkSlot(bytes) ? bytes.subarray(MARK_BYTES) : bytes
}

/** Whether the slot of `bytes` is unmarked. */
export function isUnmarked(bytes: Uint8Array): boolean {
  if (!hasMarkSlot(bytes)) return false
  for (let i = 0; i < 8; i++) if (bytes[1 + i] !== UNMARKED[i]) return false
  return true
}

/** The 8 bytes that mark a slot stale at `at`. */
export function markBytes(at: number): Uint8Array {
  const out = new Uint8Array(8)
  new DataView(out.buffer).setFloat64(0, at)
  return out
}
