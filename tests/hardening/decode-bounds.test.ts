// Bounded decoding of records someone else wrote: bignums, record-definition tags, nesting,
// declared lengths and total size are checked before cbor-x runs (runtime/cbor-scan.ts), so no
// record costs more than linear work, allocates beyond its bytes, or makes cbor-x call new Function.
// Judged by limits and counts, never by time.
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { decodeRecord, encodeRecord, isEncodable, DEFAULT_MAX_RECORD_BYTES } from '../../runtime/codec.js'
import { SCAN_LIMITS, scanRecord } from '../../runtime/cbor-scan.js'
import { maxRecordBytes, readRecord } from '../../runtime/record.js'
import { configure } from '../../runtime/index.js'
import { fresh } from '../helpers/runtime.js'
import { concat, envelope, hostileRecords } from '../../fuzz/bytes.js'

const rec = (value: unknown) => ({ key: 'k', version: 'v', created: 1, fresh: 2, stale: 3, tags: [], value })
const te = new TextEncoder()
/** The record head (fields 0..5) written by hand, so any value bytes can follow. */
const head = Uint8Array.from([0xda, 0x66, 0x6e, 0x63, 0x01, 0x87, 0x61, 0x6b, 0x61, 0x76, 0x01, 0x02, 0x03, 0x80])

const bounds = suite('decode bounds')

bounds('a 1 MB crafted bignum record is refused by its byte length before cbor-x decodes it', () => {
  for (const tag of [0xc2, 0xc3]) {
    const bytes = concat(head, Uint8Array.of(tag, 0x5a, 0x00, 0x10, 0x00, 0x00), new Uint8Array(1 << 20).fill(0x7f))
    assert.is(scanRecord(bytes), false)
    assert.is(decodeRecord(bytes), undefined)
  }
  // The bound itself: 8 KiB round-trips, one byte more is refused on both sides.
  const max = (1n << BigInt(8 * SCAN_LIMITS.maxBignumBytes)) - 1n
  assert.is((decodeRecord(encodeRecord(rec(max))!)!.value as bigint) === max, true)
  assert.is((decodeRecord(encodeRecord(rec(-max))!)!.value as bigint) === -max, true)
  assert.is(isEncodable(max + 1n), false, 'a bignum that could not be read back is not stored')
  const over = concat(head, Uint8Array.of(0xc2, 0x59, 0x20, 0x01), new Uint8Array(SCAN_LIMITS.maxBignumBytes + 1).fill(1))
  assert.is(decodeRecord(over), undefined)
})

bounds('record-definition tags never make cbor-x call new Function (counted on the global)', () => {
  const Real = globalThis.Function
  let calls = 0
  globalThis.Function = new Proxy(Real, { construct(t, a) { calls++; return Reflect.construct(t, a) }, apply(t, self, a) { calls++; return Reflect.apply(t, self, a) } })
  try {
    // A definition, then the record read five times: cbor-x compiles a reader after the third read
    // (without the scan, these two values alone make 2 new Function calls).
    const rec = [0xd9, 0xe0, 0x00, 0x81, 0x02]
    const crafted = [
      concat(head, Uint8Array.of(0x86, 0xd9, 0xdf, 0xff, 0x83, 0x19, 0xe0, 0x00, 0x81, 0x61, 0x61, 0x01, ...rec, ...rec, ...rec, ...rec, ...rec)),
      concat(head, Uint8Array.of(0x86, 0xd8, 0x69, 0x83, 0x19, 0xe0, 0x00, 0x81, 0x61, 0x61, 0x01, ...rec, ...rec, ...rec, ...rec, ...rec)),
      concat(head, Uint8Array.of(0xd9, 0xdf, 0xff, 0x83, 0x19, 0xe0, 0x00, 0x81, 0x61, 0x61, 0x01)),
      concat(head, Uint8Array.of(0xd9, 0xe0, 0x00, 0x81, 0x01)),
      concat(head, Uint8Array.of(0xd8, 0x69, 0x83, 0x19, 0xe0, 0x00, 0x81, 0x61, 0x78, 0xd9, 0xe0, 0x00, 0x81, 0x01)),
      ...hostileRecords('k', 'v'),
    ]
    for (let round = 0; round < 10; round++) for (const b of crafted) decodeRecord(b)
    assert.is(calls, 0)
  } finally {
    globalThis.Function = Real
  }
})

bounds('nesting, tag chains, declared lengths and simple values outside what the encoder writes are refused', () => {
  const deep = (n: number) => concat(head, new Uint8Array(n).fill(0x81), Uint8Array.of(0x00))
  assert.ok(decodeRecord(deep(400)) !== undefined, '400 levels decode')
  assert.is(decodeRecord(deep(SCAN_LIMITS.maxDepth + 1)), undefined)
  assert.is(decodeRecord(concat(head, new Uint8Array(10).fill(0xc1), Uint8Array.of(0x00))), undefined, 'a chain of tags')
  assert.is(decodeRecord(concat(head, Uint8Array.of(0x9a, 0x10, 0x00, 0x00, 0x00, 0x00))), undefined, 'an array longer than its bytes')
  assert.is(decodeRecord(concat(head, Uint8Array.of(0x7a, 0x00, 0x10, 0x00, 0x00), te.encode('abc'))), undefined, 'a string longer than its bytes')
  assert.is(decodeRecord(concat(head, Uint8Array.of(0xf8, 0x20))), undefined, 'a packed simple value')
  assert.is(decodeRecord(concat(head, Uint8Array.of(0xc0, 0x61, 0x78))), undefined, 'tag 0: never written')
  assert.is(decodeRecord(concat(head, Uint8Array.of(0xd8, 0x1c, 0x01))), undefined, 'shared references: never written')
  assert.is(decodeRecord(concat(head, Uint8Array.of(0x01, 0x01))), undefined, 'trailing bytes')
  // The encoder refuses what it could not read back.
  let v: unknown = 0
  for (let i = 0; i < SCAN_LIMITS.maxDepth; i++) v = [v]
  assert.is(isEncodable(v), false)
})

bounds('everything the encoder writes passes the scan (every kind of value)', () => {
  const values: unknown[] = [new Date(), new Date(2 ** 52), /a+/gi, new Map([[1, new Set([2])]]), new Uint8Array(3), new Int8Array(2),
    new Uint8ClampedArray(2), new Int16Array(2), new Uint16Array(2), new Int32Array(2), new Uint32Array(2), new Float32Array(2),
    new Float64Array(2), new BigInt64Array(2), new BigUint64Array(2), 2n ** 70n, -(2n ** 70n), 5n, -5n, -0, new ArrayBuffer(3),
    new DataView(new ArrayBuffer(2)), Buffer.from('ab'), '\ud800x', undefined, null, 1.5, NaN, -Infinity, { a: [1, { b: 'c' }] },
    'x'.repeat(70_000), new Array(70_000).fill(1), Object.fromEntries(Array.from({ length: 70_000 }, (_, i) => ['k' + i, i]))]
  for (const v of values) {
    const b = encodeRecord(rec(v))!
    assert.ok(scanRecord(b), Object.prototype.toString.call(v))
    assert.ok(decodeRecord(b) !== undefined, Object.prototype.toString.call(v))
  }
  assert.ok(scanRecord(envelope('k', 'v', { a: 1 })))
})

bounds('a record over the size bound is not decoded: 64 MiB by default, configure({ maxEntrySize }) when set', () => {
  fresh()
  assert.is(maxRecordBytes(), DEFAULT_MAX_RECORD_BYTES)
  const b = encodeRecord(rec('x'.repeat(2000)))!
  assert.is(decodeRecord(b, 1000), undefined)
  assert.ok(decodeRecord(b) !== undefined)
  configure({ maxEntrySize: 1000 })
  assert.is(maxRecordBytes(), 1000)
  assert.is(readRecord(b), undefined, 'refused before any decoding')
  fresh()
  assert.ok(readRecord(b) !== undefined)
  // 100 MB of bytes (a zero-filled buffer: no record) is refused by its length alone.
  assert.is(readRecord(new Uint8Array(100 * 1024 * 1024)), undefined)
})

bounds('wrapper tags keep working inside the chain bound (ArrayBuffer, DataView, Buffer)', () => {
  for (const v of [new ArrayBuffer(4), new DataView(new ArrayBuffer(4)), Buffer.from('xy')]) {
    const out = decodeRecord(encodeRecord(rec(v))!)!.value
    assert.is(Object.getPrototypeOf(out), Object.getPrototypeOf(v))
  }
})

bounds.run()
