import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import fc from 'fast-check'
import { decodeStoreKey } from '../../runtime/key-decode.js'
import { encodeArgs } from '../../runtime/key.js'
import { DIRECT, ENCODED, PATH } from '../../runtime/backends/key-kind.js'

const decode = suite('decodeStoreKey()')

decode('gives back one primitive as a direct key', () => {
  for (const v of [42, 'x,y"z\\', true, false, null, undefined, NaN, Infinity, -Infinity, 12n, 0, 1.5e-7, '']) {
    const r = decodeStoreKey(encodeArgs([v], 'f'))
    assert.is(r.kind, DIRECT, String(v))
    assert.ok(Object.is(r.key, v), String(v))
  }
})

decode('gives back 2+ primitives as a path', () => {
  const r = decodeStoreKey(encodeArgs(['a,"b"', 7, true, null], 'f'))
  assert.is(r.kind, PATH)
  assert.equal(r.key, ['a,"b"', 7, true, null])
})

decode('keeps the encoded string when a value is not kept by value', () => {
  for (const args of [[-0], [{ a: 1 }], ['a', [1, 2]], [new Date(5)], [], ['x', -0]]) {
    const enc = encodeArgs(args, 'f')
    assert.equal(decodeStoreKey(enc), { key: enc, kind: ENCODED }, enc)
  }
})

decode('round-trips random primitive argument lists', () => {
  const prim = fc.oneof(fc.string(), fc.double(), fc.integer(), fc.boolean(), fc.constant(null), fc.constant(undefined), fc.bigInt())
  fc.assert(fc.property(fc.array(prim, { minLength: 1, maxLength: 4 }), (args) => {
    const r = decodeStoreKey(encodeArgs(args, 'f'))
    const direct = args.every((v) => !Object.is(v, -0))
    if (!direct) return r.kind === ENCODED
    if (args.length === 1) return r.kind === DIRECT && Object.is(r.key, args[0])
    return r.kind === PATH && (r.key as unknown[]).every((v, i) => Object.is(v, args[i]))
  }), { numRuns: 2000 })
})
decode.run()
