// Every emitted keyOf must return exactly what the runtime's generic encoder returns for the key
// values, or undefined (the runtime then falls back); and it must not fall back for values of the
// annotated types (else the specialised path is never taken).
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import fc from 'fast-check'
import { encodeArgs } from '../../runtime/key.js'
import { planCall, printOptions, type TypeKind } from '../../core/index.js'
import { CONFIG, MODULE, fnSite, lit, param, prop, site } from './site.js'

type KeyOf = (...args: unknown[]) => string | undefined

function compileKeyOf(types: (TypeKind[] | null)[], key: string[] | null): KeyOf | undefined {
  const params = types.map((t, i) => param(`p${i}`, t))
  const plan = planCall(site(fnSite(params), key ? [prop('key', lit(key))] : null), CONFIG, MODULE)
  const options = new Function('_tagPart', `return (${printOptions(plan, { tagPart: '_tagPart' })})`)(String)
  return options.keyOf
}

const primitive = fc.oneof(
  fc.string(), fc.string({ unit: 'binary' }), fc.constantFrom('', '"', '\\', 'a,b', '\u2028', '\ud800'),
  fc.double(), fc.integer(), fc.constantFrom(0, -0, NaN, Infinity, -Infinity),
  fc.boolean(), fc.constant(null), fc.constant(undefined), fc.bigInt(),
)
const anyValue = fc.oneof(primitive, fc.constant({ a: 1 }), fc.constant([1]))
const kind = fc.constantFrom<TypeKind[] | null>(null, ['string'], ['number'], ['boolean'], ['bigint'], ['null'], ['undefined'], ['string', 'number'], ['other'])

const valueOf: Record<string, fc.Arbitrary<unknown>> = {
  string: fc.string({ unit: 'binary' }), number: fc.oneof(fc.double(), fc.constantFrom(-0, 0)), boolean: fc.boolean(),
  bigint: fc.bigInt(), null: fc.constant(null), undefined: fc.constant(undefined),
}

const property = suite('keyOf (property)')
property('equals the generic encoder on the key values, or is undefined', () => {
  fc.assert(fc.property(fc.array(kind, { minLength: 2, maxLength: 4 }), fc.array(anyValue, { minLength: 4, maxLength: 4 }), (types, values) => {
    const keyOf = compileKeyOf(types, null)
    if (!keyOf) return
    const args = values.slice(0, types.length)
    const out = keyOf(...args)
    if (out !== undefined) assert.is(out, encodeArgs(args, 'f'))
  }), { numRuns: 3000 })
})
property('never falls back for values of the annotated primitive types', () => {
  const fixed = fc.array(fc.constantFrom('string', 'number', 'boolean', 'bigint', 'null', 'undefined'), { minLength: 2, maxLength: 4 })
  fc.assert(fc.property(fixed.chain((ts) => fc.tuple(fc.constant(ts), fc.tuple(...ts.map((t) => valueOf[t]!)))), ([ts, args]) => {
    const keyOf = compileKeyOf(ts.map((t) => [t as TypeKind]), null)!
    assert.is(keyOf(...args), encodeArgs(args, 'f'))
  }), { numRuns: 2000 })
})
property('unannotated primitives are encoded without fallback', () => {
  fc.assert(fc.property(fc.array(primitive, { minLength: 3, maxLength: 3 }), (args) => {
    assert.is(compileKeyOf([null, null, null], null)!(...args), encodeArgs(args, 'f'))
  }), { numRuns: 2000 })
})
property('a key selection encodes the selected arguments only', () => {
  fc.assert(fc.property(fc.array(primitive, { minLength: 3, maxLength: 3 }), (args) => {
    assert.is(compileKeyOf([['string'], null, null], ['p0', 'p2'])!(...args) ?? encodeArgs([args[0], args[2]], 'f'), encodeArgs([args[0], args[2]], 'f'))
  }), { numRuns: 1000 })
})
property.run()
