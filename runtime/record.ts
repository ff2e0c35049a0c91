// Records as persistent backends store them: the codec's bytes, signed when configure({ sign })
// is set. The one place that reads and writes them, so every path checks signatures the same way.

import { decodeRecord, encodeRecord, type StoredRecord } from './codec.js'
import { G } from './global.js'
import { unseal } from './sign.js'

/** A record whose signature did not verify (or that is unsigned while signing is on). */
export const BAD_SIGNATURE = Symbol.for('fncache.macro/bad-signature')

/** The bytes to store, or undefined when the value cannot be encoded. */
export function writeRecord(rec: StoredRecord): Uint8Array | undefined {
  const bytes = encodeRecord(rec)
  if (bytes === undefined) return undefined
  return G.signer === null ? bytes : G.signer.seal(bytes)
}

/** The record in `bytes`; undefined when corrupt or foreign; BAD_SIGNATURE when signing rejects it. */
export function readRecord(bytes: Uint8Array): StoredRecord | undefined | typeof BAD_SIGNATURE {
  if (G.signer === null) return decodeRecord(unseal(bytes))
  const inner = G.signer.open(bytes)
  return inner === undefined ? BAD_SIGNATURE : decodeRecord(inner)
}
