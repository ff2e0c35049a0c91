import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { errors, nearest, TransformError } from '../../core/index.js'
import { L } from './site.js'

const catalog = suite('core/errors catalog')
const FORMAT = /^\[E_[A-Z_]+\] .+; received .+\.(\n {2}Try: .+)?$/s
catalog('every message reads "[E_CODE] expected; received." with an optional Try line', () => {
  const all: TransformError[] = [
    errors.notAFunction('cached', 'NumericLiteral', L), errors.notAFunction('cached', null, L), errors.generator('cached', L),
    errors.notCalled('cached', 'new cached()', L), errors.tooManyArguments('cached', 3, L), errors.spreadArgument('cached', L),
    errors.optionsNotObject('cached', 'Identifier', L), errors.optionsComputedKey(L), errors.optionsSpread(L),
    errors.unknownOption('ttls', ['ttl'], 'ttl', L), errors.notLiteral('ttl', 'a duration', 'Identifier', L),
    errors.wrongType('dedupe', 'true or false', '"yes"', L), errors.badDuration('ttl', '"soon"', L),
    errors.tagParam('u:{x}', 'x', '"x", which is not a parameter', ['id'], L), errors.keyParam('x', 'r', ['id'], L),
    errors.unknownImport('metric', ['metrics'], 'metrics', L), errors.duplicateId('a#b', L),
    errors.configUnknownKey('roots', ['root'], 'root'), errors.configType('ttl', 'a duration', '"x"'),
    errors.optionNeeds('isEmpty', 'emptyTtl', L),
  ]
  for (const e of all) {
    assert.instance(e, TransformError)
    assert.ok(FORMAT.test(e.message), e.message)
    assert.is(e.message, e.text)
    assert.ok(e.message.startsWith(`[${e.code}] `))
  }
})
catalog('the style guide example, word for word', () => {
  assert.is(errors.notAFunction('cached', 'NumericLiteral', L).message.split('\n')[0],
    '[E_MACRO_NOT_A_FUNCTION] cached() expects a function expression or arrow function as its first argument; received NumericLiteral.')
})
catalog('nearest() suggests close names only', () => {
  assert.is(nearest('ttls', ['ttl', 'tags']), 'ttl')
  assert.is(nearest('stalewhilerevalidate', ['staleWhileRevalidate']), 'staleWhileRevalidate')
  assert.is(nearest('expiresAfterWrite', ['ttl', 'tags']), null)
})
catalog.run()
