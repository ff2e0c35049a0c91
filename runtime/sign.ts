// Entry signing: records written to shared stores (file, Redis) are wrapped in an HMAC-SHA256
// envelope when configure({ sign }) is set, so a writer without the secret cannot make a cached
// function return its value. Pure JS (@noble/hashes): works sync and in every runtime.

import { hmac } from '@noble/hashes/hmac'
import { sha256 } from '@noble/hashes/sha2'
import { describe, typeError } from './errors.js'

/** `fns1`: marks a signed envelope: magic, then the 32-byte tag, then the record. */
const MAGIC = [0x66, 0x6e, 0x73, 0x31]
const TAG = 32
const HEAD = MAGIC.length + TAG

/** Options of `configure({ sign })`. */
export interface SignOptions {
  /** The HMAC key: at least 32 bytes of secret (a string is taken as UTF-8). */
  secret: string | Uint8Array
  /** Earlier secrets still accepted on read during a rotation; never used to sign. @default [] */
  previous?: readonly (string | Uint8Array)[]
}

const encoder = new TextEncoder()

function keyOf(name: string, secret: unknown): Uint8Array {
  const key = typeof secret === 'string' ? encoder.encode(secret) : secret
  if (!(key instanceof Uint8Array) || key.length < 32) {
    throw typeError('E_OPTION', `configure(): ${name} must be a string or Uint8Array of at least 32 bytes; received ${key instanceof Uint8Array ? `${key.length} bytes` : describe(secret)}.`,
      "configure({ sign: { secret: process.env.FNCACHE_SECRET } }) with 32+ random bytes, e.g. from `openssl rand -base64 48`")
  }
  return key
}

/** Constant-time comparison: the time taken does not tell how many bytes of a forged tag were right. */
function equal(a: Uint8Array, b: Uint8Array, offset: number): boolean {
  let diff = 0
  for (let i = 0; i < TAG; i++) diff |= a[i]! ^ b[offset + i]!
  return diff === 0
}

export class Signer {
  readonly #keys: Uint8Array[]
  constructor(options: SignOptions) {
    if (options === null || typeof options !== 'object') throw typeError('E_OPTION', `configure(): sign must be { secret }; received ${describe(options)}.`)
    const previous = options.previous ?? []
    if (!Array.isArray(previous)) throw typeError('E_OPTION', `configure(): sign.previous must be an array of secrets; received ${describe(previous)}.`)
    this.#keys = [keyOf('sign.secret', options.secret), ...previous.map((s, i) => keyOf(`sign.previous[${i}]`, s))]
  }

  /** The record wrapped in a signed envelope. */
  seal(record: Uint8Array): Uint8Array {
    const out = new Uint8Array(HEAD + record.length)
    out.set(MAGIC, 0)
    out.set(hmac(sha256, this.#keys[0]!, record), MAGIC.length)
    out.set(record, HEAD)
    return out
  }

  /** The record inside a signed envelope whose tag verifies under a known secret, else undefined. */
  open(bytes: Uint8Array): Uint8Array | undefined {
    if (!isSealed(bytes)) return undefined
    const record = bytes.subarray(HEAD)
    for (const key of this.#keys) {
      if (equal(hmac(sha256, key, record), bytes, MAGIC.length)) return record
    }
    return undefined
  }
}

export function isSealed(bytes: Uint8Array): boolean {
  return bytes.length >= HEAD && bytes[0] === MAGIC[0] && bytes[1] === MAGIC[1] && bytes[2] === MAGIC[2] && bytes[3] === MAGIC[3]
}

/** The record inside an envelope, unverified: for processes that do not sign (nothing to check against). */
export function unseal(bytes: Uint8Array): Uint8Array {
  return isSealed(bytes) ? bytes.subarray(HEAD) : bytes
}
