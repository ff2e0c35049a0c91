import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import fc from 'fast-check'
import { Flights } from '../../runtime/call/flights.js'

const test = suite('flights (calls in flight: one slot, then a Map)')

// Flights must behave as a Map<string, F> for every operation the call path uses.
test('any sequence of set/delete matches a Map: get, has, size and the entries', () => {
  const key = fc.constantFrom('a', 'b', 'c', 'd')
  const op = fc.oneof(
    fc.record({ op: fc.constant('set' as const), key, v: fc.integer() }),
    fc.record({ op: fc.constant('delete' as const), key }),
  )
  fc.assert(fc.property(fc.array(op, { maxLength: 40 }), (ops) => {
    const model = new Map<string, number>()
    const f = new Flights<number>()
    for (const o of ops) {
      if (o.op === 'set') { model.set(o.key, o.v); f.set(o.key, o.v) }
      else assert.is(f.delete(o.key), model.delete(o.key))
      assert.is(f.size, model.size)
      for (const k of ['a', 'b', 'c', 'd']) {
        assert.is(f.get(k), model.get(k))
        assert.is(f.has(k), model.has(k))
      }
      assert.equal([...f].sort(), [...model].sort())
    }
  }), { numRuns: 300 })
})

test('entries can be deleted while iterating (detach), the slot included', () => {
  const f = new Flights<number>()
  f.set('slot', 1)
  f.set('x', 2)
  f.set('y', 3)
  const seen: string[] = []
  for (const [k] of f) { seen.push(k); f.delete(k) }
  assert.equal(seen.sort(), ['slot', 'x', 'y'])
  assert.is(f.size, 0)
  assert.is(f.get('slot'), undefined)
})

test('a key already in the Map is replaced there, not shadowed by the slot', () => {
  const f = new Flights<number>()
  f.set('a', 1) // slot
  f.set('b', 2) // map
  f.delete('a') // slot free
  f.set('b', 3) // must replace the Map's entry, not take the slot beside it
  assert.is(f.size, 1)
  assert.is(f.get('b'), 3)
  assert.is(f.delete('b'), true)
  assert.is(f.size, 0)
  assert.is(f.has('b'), false)
})

test.run()
